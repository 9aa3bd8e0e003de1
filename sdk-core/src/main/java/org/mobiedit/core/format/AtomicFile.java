package org.mobiedit.core.format;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.mobiedit.api.MobiEditException;

/**
 * Writes a file so that it appears whole or not at all: the content goes to a temporary file beside the target,
 * which is forced to disk and then renamed over it. A crash, a killed process or an error mid-write leaves any
 * previous file untouched; a process killed mid-write can leave its hidden {@code .NAME.*.tmp} file behind, never a
 * damaged target.
 */
public final class AtomicFile {
  /** Writes the content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFile() {}

  public static void write(Path file, Content content) {
    Path parent = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      // A unique name beside the target (same file system, so the rename is atomic); two writers never share it.
      tmp = Files.createTempFile(parent, "." + file.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20)) {
        content.writeTo(out);
        out.flush();
        channel.force(true); // the bytes are on disk before the name points at them
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(parent);
    } catch (IOException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the target is untouched either way
        }
      }
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes the rename itself durable where the platform allows opening a directory (Linux, Android). */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not possible on every platform (Windows); the file itself was forced already.
    }
  }
}
