package org.mobiedit.core.internal.format;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.mobiedit.api.MobiEditException;

/**
 * A model file opened for memory-mapped reading. Regions are mapped on demand (one mapping can cover at most 2 GiB,
 * so large tensors are mapped in several pieces by {@link MappedTensor}). {@link #close()} unmaps every region at
 * once where the JVM allows it (HotSpot, through {@code sun.misc.Unsafe.invokeCleaner}); elsewhere (Android) the
 * mappings are released by the garbage collector.
 *
 * <p>Thread safety: {@link #map} may be called from any thread. Reading a region after {@link #close()} is a bug
 * of the caller; {@link MappedTensor} checks {@link #isOpen()} before every read.
 */
public final class MappedFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  /** Where this file's bytes start in the channel (an asset inside an APK starts past the archive's header). */
  private final long base;
  private final long size;
  private final List<MappedByteBuffer> regions = new ArrayList<>();
  private volatile boolean open = true;

  private MappedFile(Path path, FileChannel channel, long base, long size) {
    this.path = path;
    this.channel = channel;
    this.base = base;
    this.size = size;
  }

  /** Opens a file for mapping. */
  public static MappedFile open(Path path) {
    try {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
      return new MappedFile(path, ch, 0, ch.size());
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * A file's bytes at {@code [offset, offset + length)} of an open channel (on Android, an uncompressed asset: the
   * APK's channel with the asset's start and length); {@code name} names it in messages. The channel is closed with
   * this file.
   */
  public static MappedFile of(Path name, FileChannel channel, long offset, long length) {
    long channelSize;
    try {
      channelSize = channel.size();
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + name + ": " + e.getMessage(), e);
    }
    if (offset < 0 || length < 0 || offset > channelSize || length > channelSize - offset) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "The model " + name + " is said to be "
          + length + " bytes at offset " + offset + ", but its channel holds " + channelSize + " bytes: give the"
          + " asset's start offset and length (AssetFileDescriptor.getStartOffset() and getLength()).");
    }
    return new MappedFile(name, channel, offset, length);
  }

  public Path path() {
    return path;
  }

  public long size() {
    return size;
  }

  public boolean isOpen() {
    return open;
  }

  /** Maps {@code length} (≤ 2 GiB) bytes at {@code offset}, little-endian. */
  public synchronized ByteBuffer map(long offset, long length) {
    if (!open) {
      throw new IllegalStateException(path + " is closed");
    }
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
          path + " is truncated: a tensor needs bytes " + offset + ".." + (offset + length) + " but the file has "
              + size + " bytes. Download or convert the model again.");
    }
    if (length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("one mapping cannot exceed 2 GiB");
    }
    try {
      MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, base + offset, length);
      b.order(ByteOrder.LITTLE_ENDIAN);
      regions.add(b);
      return b;
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO,
          "Cannot map " + length + " bytes of " + path + ": " + e.getMessage(), e);
    }
  }

  /** Unmaps one region returned by {@link #map} (best effort) so its pages stop counting as resident. */
  public synchronized void unmap(ByteBuffer region) {
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i) == region) {
        MappedByteBuffer b = regions.remove(i);
        Unmapper.unmap(b);
        return;
      }
    }
  }

  /** Unmaps every region (best effort) and closes the file. Idempotent. */
  @Override
  public synchronized void close() {
    if (!open) {
      return;
    }
    open = false;
    for (MappedByteBuffer b : regions) {
      Unmapper.unmap(b);
    }
    regions.clear();
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing useful to do: the file was only read
    }
  }

  /**
   * Releases a mapping immediately where the JVM offers a way ({@code sun.misc.Unsafe.invokeCleaner} on HotSpot);
   * otherwise (Android) leaves it to the garbage collector. The reflective lookup runs once, on first use.
   */
  static final class Unmapper {
    private static volatile Method invokeCleaner;
    private static volatile Object unsafe;
    private static volatile boolean resolved;

    private Unmapper() {}

    static void unmap(MappedByteBuffer b) {
      if (!resolved) {
        resolve();
      }
      Method m = invokeCleaner;
      if (m == null) {
        return;
      }
      try {
        m.invoke(unsafe, b);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // leave it to the GC
      }
    }

    private static synchronized void resolve() {
      if (resolved) {
        return;
      }
      try {
        Class<?> c = Class.forName("sun.misc.Unsafe");
        Field f = c.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        unsafe = f.get(null);
        invokeCleaner = c.getMethod("invokeCleaner", ByteBuffer.class);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        invokeCleaner = null;
      }
      resolved = true;
    }
  }
}
