package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Saves findings under {@code <findings>/seed-<seed>/}: each finding's input file (the first
 * {@value #KEEP_PER_SIGNATURE} of each signature; inputs over 64 MB are not kept, their seed and index regenerate
 * them) as {@code <target>/<index>-<verdict>-<file>}, and one tab-separated summary line per finding in
 * {@code findings.tsv}; the campaign's table goes to {@code summary.txt}.
 */
final class FindingStore {
  static final int KEEP_PER_SIGNATURE = 10;
  private static final int MAX_KEPT_BYTES = 64 << 20;

  private final Path dir;
  private final Path tsv;

  FindingStore(Path findings, long seed) {
    this.dir = findings.resolve("seed-" + seed);
    this.tsv = dir.resolve("findings.tsv");
    InputFiles.deleteTree(dir);
    try {
      Files.createDirectories(dir);
      Files.writeString(tsv, "target\tindex\tverdict\tsignature\tseed file\tfile\tsparse length\tmutation\tmessage\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path dir() {
    return dir;
  }

  /** Records a finding; keeps its input when {@code nth} (its signature's count so far) is small. */
  void save(FuzzInput in, Verdict v, String signature, String message, int nth) {
    try {
      String line = String.join("\t", in.target(), Long.toString(in.index()), v.name(), signature, in.seed(),
          in.fileName(), Long.toString(in.sparseLength()), oneLine(in.mutation()), oneLine(message)) + "\n";
      // getBytes replaces what UTF-8 cannot encode (a lone surrogate from a mutated file) where writeString throws
      Files.write(tsv, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
      if (nth <= KEEP_PER_SIGNATURE && in.bytes().length <= MAX_KEPT_BYTES) {
        Path t = dir.resolve(in.target());
        Files.createDirectories(t);
        Files.write(t.resolve(in.index() + "-" + v.name() + "-" + in.fileName()), in.bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void summary(String table) {
    try {
      Files.write(dir.resolve("summary.txt"), table.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String oneLine(String s) {
    String t = s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    return t.length() <= 500 ? t : t.substring(0, 497) + "...";
  }
}
