package org.mobiedit.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.mobiedit.tools.eval.SequenceBlame;

/**
 * The files of {@code mobiedit eval --sequential --blame}: one JSON line per applied edit ({@code blame.jsonl}: the
 * case, its perplexity share and its harm on the changed neighbours) and per changed neighbour
 * ({@code blame-neighbours.jsonl}: the edits that lower it most), and a section of {@code sequential.md} naming the
 * worst edits.
 */
final class BlameReport {
  /** How many edits each table of the section lists. */
  static final int LISTED = 10;

  private BlameReport() {}

  /**
   * Writes both files to {@code out} and returns the section for {@code sequential.md}.
   *
   * @param edits one line per case, in order (its subject, prompt and target are copied into blame.jsonl)
   */
  static String write(Path out, SequenceBlame.Result blame, List<JsonObject> edits, Gson gson) {
    StringBuilder lines = new StringBuilder();
    for (SequenceBlame.EditShare e : blame.edits()) {
      JsonObject o = gson.toJsonTree(e).getAsJsonObject();
      JsonObject c = edits.get(e.caseIndex());
      for (String key : new String[] {"subject", "prompt", "target"}) {
        o.add(key, c.get(key));
      }
      lines.append(gson.toJson(o)).append('\n');
    }
    SequentialRun.write(out.resolve("blame.jsonl"), lines.toString());
    StringBuilder neighbours = new StringBuilder();
    for (SequenceBlame.NeighbourBlame n : blame.neighbours()) {
      neighbours.append(gson.toJson(n)).append('\n');
    }
    SequentialRun.write(out.resolve("blame-neighbours.jsonl"), neighbours.toString());
    return section(blame, edits);
  }

  static String section(SequenceBlame.Result blame, List<JsonObject> edits) {
    StringBuilder md = new StringBuilder("## Blame\n\n");
    md.append(String.format(Locale.ROOT, "Log of the final neutral perplexity ratio: %.4f, the sum of the edits'"
        + " shares (undone from the newest). Changed neighbours: %d.%n%n", blame.perplexityLogRatio(),
        blame.neighbours().size()));
    md.append(table("Largest shares of the perplexity", blame.edits(), SequenceBlame.EditShare::perplexityShare,
        edits));
    if (!blame.neighbours().isEmpty()) {
      md.append(table("Most harm on the changed neighbours (nats, summed)", blame.edits(),
          SequenceBlame.EditShare::neighbourHarm, edits));
      List<Double> worstShare = new ArrayList<>();
      for (SequenceBlame.NeighbourBlame n : blame.neighbours()) {
        if (n.harm() > 0 && !n.worst().isEmpty()) {
          worstShare.add(n.worst().get(0).harm() / n.harm());
        }
      }
      if (!worstShare.isEmpty()) {
        worstShare.sort(null);
        md.append(String.format(Locale.ROOT, "On a changed neighbour, the edit that lowers it most does a median"
            + " %.0f%% of the harm all edits do on it (%d neighbours lowered by some edit).%n%n",
            100 * worstShare.get(worstShare.size() / 2), worstShare.size()));
      }
    }
    return md.toString();
  }

  private static String table(String title, List<SequenceBlame.EditShare> shares,
      ToDoubleFunction<SequenceBlame.EditShare> by, List<JsonObject> edits) {
    List<SequenceBlame.EditShare> sorted = new ArrayList<>(shares);
    sorted.sort(Comparator.comparingDouble(by).reversed());
    StringBuilder md = new StringBuilder(title + ":\n\n| edit | prompt | new object | perplexity share | neighbour"
        + " harm | neighbours lowered |\n|---|---|---|---|---|---|\n");
    for (SequenceBlame.EditShare e : sorted.subList(0, Math.min(LISTED, sorted.size()))) {
      JsonObject c = edits.get(e.caseIndex());
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %.4f | %.2f | %d |%n", e.caseIndex() + 1,
          c.get("prompt").getAsString(), c.get("target").getAsString(), e.perplexityShare(), e.neighbourHarm(),
          e.neighboursLowered()));
    }
    return md.append('\n').toString();
  }
}
