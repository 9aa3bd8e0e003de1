package org.mobiedit.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Line-level mutations of {@code merges.txt}: a line with one or three parts, an empty or a 1 MB line, a merge of
 * tokens the vocabulary lacks, a leading or trailing space, a tab or CR, a version line in the middle, a duplicated,
 * removed or swapped line; and format-blind byte mutations (invalid UTF-8 among them).
 */
final class MergesMutations {
  private MergesMutations() {}

  /** {@code lines} are the seed's lines (without line ends). */
  static byte[] mutate(List<String> lines, byte[] seedBytes, SplittableRandom r, StringBuilder log) {
    if (r.nextInt(10) < 2) {
      return ByteMutations.mutate(seedBytes, Math.min(seedBytes.length, 4096), null, r, log);
    }
    List<String> out = new ArrayList<>(lines);
    int n = 1 + r.nextInt(3);
    for (int k = 0; k < n; k++) {
      // early lines are where a parse error is found first; any line half the time
      int i = r.nextBoolean() ? r.nextInt(Math.min(out.size(), 50)) : r.nextInt(out.size());
      String line = out.get(i);
      String v;
      switch (r.nextInt(12)) {
        case 0: v = line.replace(" ", ""); break;
        case 1: v = line + " " + line.split(" ")[0]; break;
        case 2: v = ""; break;
        case 3: v = "a".repeat(1_000_000) + " b"; break;
        case 4: v = "\u0120zzzq \u0120zzzr"; break;
        case 5: v = " " + line; break;
        case 6: v = line + " "; break;
        case 7: v = line.replace(' ', '\t'); break;
        case 8: v = line + "\r"; break;
        case 9: v = "#version: 0.2"; break;
        case 10: {
          int j = r.nextInt(out.size());
          out.set(j, line);
          log.append(" line ").append(j + 1).append(" := line ").append(i + 1).append(';');
          continue;
        }
        default: {
          out.remove(i);
          log.append(" line ").append(i + 1).append(" removed;");
          continue;
        }
      }
      log.append(" line ").append(i + 1).append(" := \"").append(v.length() > 30 ? v.substring(0, 27) + "..." : v)
          .append("\";");
      out.set(i, v);
    }
    return (String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8);
  }
}
