package org.mobiedit.backend.qnn.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.qnn.onnx.OnnxWriter;

/**
 * The model weights of one loaded model in one file, in ONNX's external-data layout: each weight's bytes once, at a
 * page-aligned offset, named by every graph that uses it (a graph's initializers say where their data is). This is
 * how weights reach a provider that must see them as constants, the QNN provider compiling for the HTP. The file is
 * only appended to; a weight is written the first time a graph names it; the file is deleted when the model closes.
 * Thread-safe.
 */
public final class WeightFile implements OnnxWriter.ExternalWeights, AutoCloseable {
  private static final int ALIGNMENT = 4096;

  private final Path file;
  private final FileChannel channel;
  private final Map<String, OnnxWriter.Location> placed = new HashMap<>();
  private long end;

  /** Creates (or empties) {@code file}. */
  public WeightFile(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The weights file " + file + " cannot be written ("
          + e.getMessage() + "): choose a writable folder for the QNN context cache.", e);
    }
  }

  @Override
  public String fileName() {
    return file.getFileName().toString();
  }

  /** The folder graphs must be written to, so that the file name resolves. */
  public Path folder() {
    return file.toAbsolutePath().getParent();
  }

  @Override
  public synchronized OnnxWriter.Location place(OnnxWriter.Weight w) {
    if (w.whole() != null) {
      OnnxWriter.Location whole = place(w.whole());
      return new OnnxWriter.Location(whole.offset() + w.offset(), w.bytes());
    }
    OnnxWriter.Location known = placed.get(w.name());
    if (known != null) {
      return known;
    }
    long offset = (end + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    try {
      channel.position(offset);
      w.data().writeTo(channel);
      channel.force(false);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The weight " + w.name() + " cannot be written to "
          + file + " (" + e.getMessage() + "): free space there or choose another cache folder.", e);
    }
    end = offset + w.data().size();
    OnnxWriter.Location l = new OnnxWriter.Location(offset, w.data().size());
    placed.put(w.name(), l);
    return l;
  }

  /** Bytes written. */
  public synchronized long bytes() {
    return end;
  }

  /** Closes and deletes the file: sessions read their weights when they were created. */
  @Override
  public synchronized void close() {
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The weights file " + file + " cannot be closed: "
          + e.getMessage(), e);
    }
  }
}
