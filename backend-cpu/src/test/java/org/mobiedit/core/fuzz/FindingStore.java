package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Saves findings under {@code <findings>/seed-<seed>/} ({@code replay-seed-<seed>/} for replays): each finding's
 * input file (the first {@value #KEEP_PER_SIGNATURE} of each signature; inputs over 64 MB are not kept, their seed
 * and index regenerate them) as {@code <target>/<index>-<verdict>-<file>}, and one tab-separated summary line per
 * finding in {@code findings.tsv}; the campaign's table goes to {@code summary.txt}.
 */
final class FindingStore {
  static final int KEEP_PER_SIGNATURE = 10;
  private static final int MAX_KEPT_BYTES = 64 << 20;

  private final Path dir;
  private final Path tsv;

  /** A store appending to the run folder {@code dir} (made by {@link #fresh}). */
  FindingStore(Path dir) {
    this.dir = dir;
    this.tsv = dir.resolve("findings.tsv");
  }

  /** Empties (or makes) a run folder and starts its {@code findings.tsv}. */
  static FindingStore fresh(Path dir) {
    InputFiles.deleteTree(dir);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("findings.tsv"),
          "target\tindex\tverdict\tsignature\tseed file\tfile\tsparse length\tmutation\tmessage\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FindingStore(dir);
  }

  Path dir() {
    return dir;
  }

  /** Records a finding; keeps its input when {@code nth} (its signature's count so far) is small. */
  void save(FuzzInput in, Verdict v, String signature, String message, int nth) {
    line(in.target(), in.index(), v, signature, in.seed(), in.fileName(), in.sparseLength(), in.mutation(), message);
    try {
      if (nth <= KEEP_PER_SIGNATURE && in.bytes().length <= MAX_KEPT_BYTES) {
        Path t = dir.resolve(in.target());
        Files.createDirectories(t);
        Files.write(t.resolve(in.index() + "-" + v.name() + "-" + in.fileName()), in.bytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records a finding's summary line (alone when the JVM that ran the input died before it could save it). */
  void line(String target, long index, Verdict v, String signature, String seed, String file, long sparse,
      String mutation, String message) {
    String line = String.join("\t", target, Long.toString(index), v.name(), signature, seed, file,
        Long.toString(sparse), oneLine(mutation), oneLine(message)) + "\n";
    try {
      Files.write(tsv, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
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
    String t = Protocol.clean(s);
    return t.length() <= 500 ? t : t.substring(0, 497) + "...";
  }
}
