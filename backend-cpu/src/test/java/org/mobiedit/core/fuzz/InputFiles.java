package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes an input's file, and gives it the rest of its seed's folder as symbolic links (cheap, and unchanged). */
final class InputFiles {
  private InputFiles() {}

  /** Writes the mutated file into {@code dir}; a sparse length extends it with zeros that are never written. */
  static Path write(FuzzInput in, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(in.fileName());
    Files.write(file, in.bytes());
    if (in.sparseLength() > in.bytes().length) {
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(in.sparseLength());
      }
    }
    return file;
  }

  /** A model or tokenizer folder: the seed's {@code files} linked, the input's file written in place of its own. */
  static Path folder(Path seedFolder, List<String> files, FuzzInput in, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : files) {
      if (!f.equals(in.fileName())) {
        try {
          Files.createSymbolicLink(dir.resolve(f), seedFolder.resolve(f).toAbsolutePath());
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
          Files.copy(seedFolder.resolve(f), dir.resolve(f));
        }
      }
    }
    write(in, dir);
    return dir;
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a file still mapped or open by an abandoned worker: left for the end of the run
        }
      });
    } catch (IOException e) {
      // as above
    }
  }
}
