package org.mobiedit.backend.litert;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.BackendSetting;
import org.mobiedit.backend.litert.runtime.GraphFile;
import org.mobiedit.backend.litert.tflite.TfliteFile;

/**
 * Written graphs kept on disk, in a folder the app chooses ({@code -Dmobiedit.litert.graphCache=DIR} or the
 * {@code MOBIEDIT_LITERT_GRAPH_CACHE} variable; no folder, no cache). A file's name holds everything its content
 * depends on: the graph's kind and bucket, the precision, the writer's version and a hash of the model's fingerprint, so
 * a change of any of them writes a new file instead of reusing a stale one. Files are written atomically.
 */
final class GraphCache {
  /** Bump when the writer or a graph builder changes what it writes. */
  static final int WRITER_VERSION = 5;
  static final String PROPERTY = "mobiedit.litert.graphCache";
  static final String ENVIRONMENT = "MOBIEDIT_LITERT_GRAPH_CACHE";

  private final @Nullable Path dir;

  GraphCache(@Nullable Path dir) {
    this.dir = dir;
  }

  /**
   * The property or environment variable when set, else a {@code litert} folder in the app's cache folder
   * ({@link org.mobiedit.spi.BackendConfig#cacheFolder()}), else no cache.
   */
  static GraphCache fromSettings(@Nullable Path appCache) {
    String v = BackendSetting.read(PROPERTY, ENVIRONMENT);
    if (v != null) {
      return new GraphCache(Paths.get(v));
    }
    return new GraphCache(appCache == null ? null : appCache.resolve("litert"));
  }

  /**
   * The graph's file: found in the cache, or written by {@code writer} into it first. Without a cache folder the graph
   * goes into a temporary file, which the runtime binding removes once mapped.
   */
  GraphFile file(String modelFingerprint, String graphKey, Supplier<TfliteFile> writer) {
    if (dir == null) {
      TfliteFile written = writer.get();
      Path tmp;
      try {
        tmp = Files.createTempFile("mobiedit-graph-", ".tflite");
        write(written, tmp, false);
      } catch (IOException e) {
        throw new MobiEditException(MobiEditException.Reason.IO, "A written graph cannot be stored in the temporary"
            + " folder " + System.getProperty("java.io.tmpdir") + " (" + e.getMessage() + "): free space there, or"
            + " choose a graph cache folder with -D" + PROPERTY + ".", e);
      }
      return new GraphFile(tmp, true, null);
    }
    String name = graphKey + "-w" + WRITER_VERSION + "-" + hash(modelFingerprint);
    Path file = dir.resolve(name + ".tflite");
    try {
      if (Files.isRegularFile(file)) {
        return new GraphFile(file, false, name);
      }
      TfliteFile written = writer.get();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        write(written, tmp, true);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      return new GraphFile(file, false, name);
    } catch (IOException e) {
      throw unusable(e);
    }
  }

  /**
   * A folder inside the cache where an accelerator keeps what it compiled (NNAPI's compilation cache, keyed by the
   * graph file's name), created on first use; null without a cache folder.
   */
  @Nullable Path acceleratorFolder() {
    if (dir == null) {
      return null;
    }
    Path folder = dir.resolve("accelerator");
    try {
      Files.createDirectories(folder);
      return folder;
    } catch (IOException e) {
      throw unusable(e);
    }
  }

  private MobiEditException unusable(IOException e) {
    return new MobiEditException(MobiEditException.Reason.IO, "The LiteRT graph cache " + dir + " cannot be used ("
        + e.getMessage() + "): fix its permissions or choose another folder with -D" + PROPERTY + ".", e);
  }

  /** Streams {@code graph} into {@code file} (flushed to the device when {@code durable}); a failed write leaves none. */
  private static void write(TfliteFile graph, Path file, boolean durable) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      graph.writeTo(out);
      if (durable) {
        out.force(true);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(16);
      for (int i = 0; i < 8; i++) {
        hex.append(Character.forDigit((d[i] >> 4) & 0xf, 16)).append(Character.forDigit(d[i] & 0xf, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
