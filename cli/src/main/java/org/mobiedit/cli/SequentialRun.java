package org.mobiedit.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.tools.eval.EditCase;
import org.mobiedit.tools.eval.SequentialEvaluation;

/**
 * {@code mobiedit eval --sequential}: the cases edited one after the other into one model
 * ({@link SequentialEvaluation}), a table row per checkpoint on the terminal as it is measured, and the files: one
 * JSON line per checkpoint ({@code sequential.jsonl}), the table ({@code sequential.md}) with the run's settings and
 * the exactness checks, the edits as a patch ({@code edits.medp}), and for a peer that replays the run
 * (bench/rome/rome_sequential.py): one line per edit with its context templates ({@code edits.jsonl}) and the neutral
 * texts ({@code neutral.jsonl}); with {@code --blame}, which edits cost what ({@link BlameReport}).
 */
final class SequentialRun {
  /**
   * Neutral texts sampled from the unedited model, and their longest length: enough that a good share names none of
   * 200 edited subjects on the demo world.
   */
  static final int NEUTRAL_TEXTS = 256;
  static final int NEUTRAL_TOKENS = 32;
  private static final long NEUTRAL_SEED = 7;
  private static final String HEADER = "| edits | succeeded | still hold | paraphrases | neighbours | portability"
      + " | neutral texts | perplexity (× unedited) | mean steps | elapsed |\n"
      + "|---|---|---|---|---|---|---|---|---|---|\n";

  private final Path out;
  private final int every;
  private final boolean blame;
  private final PrintWriter err;
  private final PrintWriter stdout;
  private final boolean json;

  SequentialRun(Path out, int every, boolean blame, PrintWriter err, PrintWriter stdout, boolean json) {
    this.out = out;
    this.every = every;
    this.blame = blame;
    this.err = err;
    this.stdout = stdout;
    this.json = json;
  }

  void run(Path modelPath, LoadOptions load, EditOptions options, List<EditCase> cases,
      Function<Model, JsonObject> describe) {
    Gson gson = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    try (Model lm = MobiEdit.load(modelPath, load)) {
      JsonObject run = describe.apply(lm);
      run.addProperty("sequential", true);
      run.addProperty("every", every);
      run.addProperty("cases", cases.size());
      write(out.resolve("run.json"), run.toString());
      SequentialEvaluation evaluation = new SequentialEvaluation(lm, MobiEdit.open(lm, options), NEUTRAL_TEXTS,
          NEUTRAL_TOKENS, NEUTRAL_SEED);
      if (blame) {
        evaluation.withBlame();
      }
      StringBuilder neutral = new StringBuilder();
      for (SequentialEvaluation.NeutralText t : evaluation.neutralTexts()) {
        neutral.append(gson.toJson(t)).append('\n');
      }
      write(out.resolve("neutral.jsonl"), neutral.toString());
      List<JsonObject> edits = new ArrayList<>();
      StringBuilder jsonl = new StringBuilder();
      StringBuilder table = new StringBuilder(HEADER);
      if (!json) {
        stdout.print(HEADER);
        stdout.flush();
      }
      long start = System.nanoTime();
      SequentialEvaluation.EditProgress onEdit = new SequentialEvaluation.EditProgress() {
        @Override
        public void edited(int index, EditResult result) {
          edits.add(editLine(gson, cases.get(index), result));
          progress(index + 1, cases.size(), System.nanoTime() - start);
        }

        @Override
        public void aborted(int index, MobiEditException failure) {
          JsonObject line = caseLine(cases.get(index));
          line.addProperty("success", false);
          line.addProperty("refused", failure.getReason().name() + ": " + failure.getMessage());
          edits.add(line);
          err.print("\r" + " ".repeat(60) + "\r");
          err.println("edit " + (index + 1) + " refused, counted as failed (" + failure.getReason() + "): "
              + failure.getMessage());
          progress(index + 1, cases.size(), System.nanoTime() - start);
        }
      };
      SequentialEvaluation.Outcome outcome = evaluation.run(cases, every, out.resolve("edits.medp"), onEdit,
          cp -> {
            String row = row(cp);
            table.append(row);
            jsonl.append(gson.toJson(cp)).append('\n');
            write(out.resolve("sequential.jsonl"), jsonl.toString());
            if (!json) {
              err.print("\r" + " ".repeat(60) + "\r");
              stdout.print(row);
              stdout.flush();
            }
          });
      err.println();
      StringBuilder editLines = new StringBuilder();
      for (int i = 0; i < edits.size(); i++) {
        edits.get(i).addProperty("holdsAtEnd", outcome.holdingAtEnd().get(i));
        edits.get(i).add("neighboursChangedAtEnd", gson.toJsonTree(outcome.neighboursChangedAtEnd().get(i)));
        editLines.append(gson.toJson(edits.get(i))).append('\n');
      }
      write(out.resolve("edits.jsonl"), editLines.toString());
      String md = "# Sequential edits\n\n" + settings(run) + "\n" + table + "\n" + checks(outcome) + "\n";
      if (outcome.blame() != null) {
        md += BlameReport.write(out, outcome.blame(), edits, gson);
      }
      write(out.resolve("sequential.md"), md);
      JsonObject summary = new JsonObject();
      summary.add("run", run);
      summary.add("last", gson.toJsonTree(outcome.checkpoints().get(outcome.checkpoints().size() - 1)));
      summary.addProperty("baselinePerplexity", outcome.baselinePerplexity());
      summary.addProperty("undoneExactly", outcome.undoneExactly());
      summary.addProperty("reloadedRetention", outcome.reloadedRetention());
      write(out.resolve("summary.json"), summary.toString());
      if (json) {
        stdout.println(summary);
      } else {
        stdout.print("\n" + checks(outcome));
        stdout.println("tables: " + out.resolve("sequential.md"));
      }
      stdout.flush();
    }
  }

  private static JsonObject caseLine(EditCase c) {
    JsonObject o = new JsonObject();
    o.addProperty("caseId", c.id());
    o.addProperty("subject", c.request().getSubject());
    o.addProperty("prompt", c.request().getPrompt());
    o.addProperty("target", c.request().getNewObject());
    return o;
  }

  private static JsonObject editLine(Gson gson, EditCase c, EditResult r) {
    JsonObject o = caseLine(c);
    o.add("contextTemplates", gson.toJsonTree(r.getContextTemplates()));
    o.addProperty("success", r.isSuccess());
    o.addProperty("steps", r.getSteps());
    o.addProperty("layer", r.getLayer());
    // |r|·|u| of the edit layer's update: the size of what the edit writes (an outlier here is an edit whose key the
    // update direction barely reaches).
    o.addProperty("updateNorm", norm(r.getLeftVector()) * norm(r.getRightVector()));
    return o;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  private void progress(int done, int total, long nanos) {
    err.printf(Locale.ROOT, "\redit %d/%d  %.1f s/edit  ", done, total, nanos / 1e9 / done);
    err.flush();
  }

  static String row(SequentialEvaluation.Checkpoint cp) {
    return String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %d | %.3f (%.3f) | %.1f | %.0f s |%n",
        cp.edits(), cp.succeeded(), percent(cp.retention()), percent(cp.generalization()), percent(cp.locality()),
        percent(cp.portability()), cp.neutralTexts(), cp.perplexity(), cp.perplexityRatio(), cp.meanSteps(),
        cp.seconds());
  }

  private static String percent(@Nullable Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static String settings(JsonObject run) {
    List<String> parts = new ArrayList<>();
    for (String key : run.keySet()) {
      parts.add(key + " " + run.get(key));
    }
    return "Run: " + String.join(", ", parts) + ".\n";
  }

  private static String checks(SequentialEvaluation.Outcome o) {
    SequentialEvaluation.Checkpoint last = o.checkpoints().get(o.checkpoints().size() - 1);
    return String.format(Locale.ROOT, "unedited perplexity %.4f; every edit undone: perplexity %s; the saved"
        + " edits loaded again: %s still hold (%s at the last checkpoint)%n", o.baselinePerplexity(),
        o.undoneExactly() ? "back exactly" : "NOT back exactly", percent(o.reloadedRetention()),
        percent(last.retention()));
  }

  static void write(Path file, String text) {
    AtomicFile.write(file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
  }
}
