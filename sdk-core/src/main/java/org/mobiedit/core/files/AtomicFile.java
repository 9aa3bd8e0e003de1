package org.mobiedit.core.files;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.mobiedit.api.MobiEditException;

/**
 * Writes a file so that it appears whole or not at all: the content goes to a temporary file beside the target,
 * which is forced to disk and then renamed over it. A crash, a killed process or an error mid-write leaves any
 * previous file untouched; a process killed mid-write can leave its hidden {@code .NAME.<digits>.tmp} file behind,
 * never a damaged target, and the next save of the same target removes such leftovers.
 *
 * <p>Leftovers and live writers: a writer holds an exclusive lock on its temporary file from just after creating it
 * until it has renamed it, and the operating system drops that lock when the process dies, even by SIGKILL. A save
 * removes a temporary file of its target only when the file has not been modified for {@link #STALE_AFTER_MILLIS}
 * and its lock can be taken, so a save running in another process (or thread) keeps its file: its lock is held, and
 * its file is written to as it goes. The age also covers the instant between a writer creating its file and locking
 * it, and file systems that ignore locks (a writer stalled for a minute between two writes is then the only risk).
 * Cleaning is best effort and never fails a save.
 */
public final class AtomicFile {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AtomicFile.class);
  /** How long a temporary file must be left unmodified before a save may take it for a killed writer's. */
  public static final long STALE_AFTER_MILLIS = 60_000;

  /** Writes the content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFile() {}

  /**
   * Writes {@code file} atomically, first removing stale temporary files of earlier saves of it that were killed.
   *
   * @throws MobiEditException {@code IO} when the file cannot be written (the message says why: permission denied,
   *     a read-only file system, a full disk); the previous file, if any, is unchanged
   */
  public static void write(Path file, Content content) {
    Path target = file.toAbsolutePath();
    Path parent = target.getParent();
    String name = target.getFileName().toString();
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      throw new MobiEditException(MobiEditException.Reason.IO,
          "Cannot save to " + target + ": it exists and is not a regular file (a folder, device or pipe), so it is"
              + " not replaced. Give the path of a file.");
    }
    Path tmp = null;
    try {
      Files.createDirectories(parent);
      removeStale(parent, name, System.currentTimeMillis() - STALE_AFTER_MILLIS);
      FileChannel channel = null;
      while (channel == null) {
        // A unique name beside the target (same file system, so the rename is atomic); two writers never share it.
        tmp = parent.resolve("." + name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
          channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException taken) {
          channel = null;
        }
      }
      try (FileChannel ch = channel) {
        lockQuietly(ch); // held until the channel closes, after the rename
        OutputStream out = new BufferedOutputStream(new KeepOpen(Channels.newOutputStream(ch)), 1 << 20);
        content.writeTo(out);
        out.flush();
        ch.force(true); // the bytes are on disk before the name points at them
        try {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        tmp = null;
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
      throw failure(file, parent, e);
    }
  }

  /** A stream whose close only flushes: the channel stays open (and locked) until the file is renamed. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /**
   * Takes the exclusive lock that tells other savers this file is being written; where locks are unavailable the
   * age rule alone protects it. The lock is released when the channel closes.
   */
  private static void lockQuietly(FileChannel channel) {
    try {
      channel.tryLock();
    } catch (IOException | UnsupportedOperationException | OverlappingFileLockException e) {
      // the age rule alone protects this file from other savers
    }
  }

  /**
   * Removes the temporary files {@code .NAME.<digits>.tmp} of earlier saves of {@code name} that were last modified
   * before {@code cutoffMillis} and that no live writer holds locked. Returns how many it removed.
   */
  static int removeStale(Path dir, String name, long cutoffMillis) {
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isTemporaryOf(p, name))) {
      for (Path p : entries) {
        if (removeIfStale(p, cutoffMillis)) {
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Could not look for stale temporary files of {} in {}: {}", name, dir, e.toString());
    }
    if (removed > 0) {
      LOG.debug("Removed {} stale temporary file(s) of {} left by killed saves", removed, dir.resolve(name));
    }
    return removed;
  }

  /** Whether {@code p} is named {@code .NAME.<digits>.tmp}, as this class names the temporary files of NAME. */
  static boolean isTemporaryOf(Path p, String name) {
    String f = p.getFileName().toString();
    String prefix = "." + name + ".";
    if (!f.startsWith(prefix) || !f.endsWith(".tmp") || f.length() <= prefix.length() + 4) {
      return false;
    }
    for (int i = prefix.length(); i < f.length() - 4; i++) {
      if (f.charAt(i) < '0' || f.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean removeIfStale(Path p, long cutoffMillis) {
    try {
      if (!Files.isRegularFile(p) || Files.getLastModifiedTime(p).toMillis() >= cutoffMillis) {
        return false;
      }
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
          FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true)) {
        if (lock == null) {
          return false; // another process is writing it
        }
        return Files.deleteIfExists(p);
      }
    } catch (OverlappingFileLockException e) {
      return false; // a thread of this process is writing it
    } catch (IOException | RuntimeException e) {
      return false; // gone already, unreadable, or locks unsupported: leave it
    }
  }

  /** An {@code IO} error that says what went wrong in words a user can act on. */
  private static MobiEditException failure(Path file, Path dir, IOException e) {
    String text = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
    String lower = text == null ? "" : text.toLowerCase(java.util.Locale.ROOT);
    String why;
    if (e instanceof AccessDeniedException denied) {
      Path where = denied.getFile() == null ? null : Paths.get(denied.getFile()).toAbsolutePath().getParent();
      why = "permission denied (" + denied.getFile() + "). Give the app write access to "
          + (where == null ? dir : where) + ", or save to a folder it can write to";
    } else if (lower.contains("read-only file system")) {
      why = "the file system is read-only. Save to a folder on writable storage";
    } else if (lower.contains("no space left")) {
      why = "the disk is full (" + text + "). Free some space and save again";
    } else {
      why = String.valueOf(e.getMessage());
    }
    return new MobiEditException(MobiEditException.Reason.IO,
        "Cannot write " + file + ": " + why + ". The previous file, if any, is unchanged.", e);
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
