package org.mobiedit.cli;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.cli.report.EvalReport;
import org.mobiedit.core.edit.MobiEditor;
import org.mobiedit.core.eval.CaseLog;
import org.mobiedit.core.eval.CaseResult;
import org.mobiedit.core.eval.Dataset;
import org.mobiedit.core.eval.DatasetProblem;
import org.mobiedit.core.eval.Datasets;
import org.mobiedit.core.eval.EditCase;
import org.mobiedit.core.eval.EditEvaluation;
import org.mobiedit.core.eval.EvalSummary;
import org.mobiedit.core.format.AtomicFile;
import org.mobiedit.core.json.StrictJson;
import org.mobiedit.core.model.LanguageModel;
import org.mobiedit.core.model.LoadOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mobiedit eval}: single edits over a benchmark file, each on the unedited model, with the standard metrics;
 * per-case results are appended as they complete (an interrupted run resumes), then a summary JSON, a Markdown table
 * and an HTML report with plots are written.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate editing on a benchmark (CounterFact, EasyEdit, zsRE, KnowEdit): edit success,"
        + " generalization, locality, portability, cost.",
        "Writes DIR/cases.jsonl (one line per finished case; rerun the same command to resume), DIR/summary.json,"
            + " DIR/summary.md and DIR/report.html."})
final class EvalCommand implements Callable<Integer> {
  @CommandLine.Mixin ModelOptions modelOptions;

  @Option(names = "--dataset", required = true, paramLabel = "FILE", description = "Benchmark file (JSON or JSONL).")
  Path dataset;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Cases to run (0 = all).")
  int limit;

  @Option(names = "--offset", paramLabel = "K", defaultValue = "0", description = "Skip the first K cases.")
  int offset;

  @Option(names = "--config", paramLabel = "NAME", defaultValue = "default",
      description = "paper (the MobiEdit paper's settings: 600 steps, lr 0.05, absolute epsilon 1e-3) or default"
          + " (the SDK's recommended settings, EditOptions.recommended()). Default: ${DEFAULT-VALUE}.")
  String config;

  @Option(names = "--steps", paramLabel = "N", description = "Override the configuration's step budget.")
  Integer steps;

  @Option(names = "--lr", paramLabel = "ETA", description = "Override the configuration's learning rate.")
  Double learningRate;

  @Option(names = "--layer", paramLabel = "L", description = "Override the edited layer.")
  Integer layer;

  @Option(names = "--key-covariance", description = "Use u = C^-1 k (see 'mobiedit edit --help').")
  boolean keyCovariance;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where results and reports go.")
  Path out;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  EditOptions options(Precision p) {
    EditOptions.Builder b;
    switch (config) {
      case "paper":
        b = EditOptions.defaults().toBuilder();
        break;
      case "default":
        b = EditOptions.recommended().toBuilder();
        break;
      default:
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            "Unknown --config '" + config + "': use paper or default.");
    }
    if (steps != null) {
      b.maxSteps(steps);
    }
    if (learningRate != null) {
      b.learningRate(learningRate);
    }
    if (layer != null) {
      b.layer(layer);
    }
    if (keyCovariance) {
      b.keyCovariance(true);
    }
    // Metrics are measured on the update the search found, successful or not (as the standard harnesses do);
    // reverting failed edits would flatter locality.
    return b.precision(p).keepUnsuccessful(true).build();
  }

  @Override
  public Integer call() {
    LoadOptions load = modelOptions.loadOptions();
    Precision p = load.precision();
    EditOptions options = options(p);
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Dataset data = Datasets.read(dataset);
    for (DatasetProblem problem : data.problems()) {
      err.println("skipped " + dataset.getFileName() + " " + problem);
    }
    List<EditCase> cases = data.slice(offset, limit);
    if (cases.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, dataset + " has " + data.cases().size()
          + " readable cases; --offset " + offset + " leaves none to run.");
    }
    try (LanguageModel lm = LanguageModel.load(modelOptions.model, load)) {
      JsonObject run = describe(lm, data, options);
      CaseLog log = new CaseLog(out.resolve("cases.jsonl"));
      checkSameRun(run);
      Map<String, CaseResult> done = new HashMap<>();
      log.readForAppend().forEach(r -> done.put(r.caseId(), r));
      List<CaseResult> results = new ArrayList<>();
      for (EditCase c : cases) {
        if (done.containsKey(c.id())) {
          results.add(done.get(c.id()));
        }
      }
      if (!results.isEmpty()) {
        err.printf(Locale.ROOT, "resuming: %d of %d cases already in %s%n", results.size(), cases.size(), log.file());
      }
      MobiEditor editor = new MobiEditor(lm, options);
      EditEvaluation evaluation = new EditEvaluation(editor);
      long start = System.nanoTime();
      int ran = 0;
      int todo = cases.size() - results.size();
      for (EditCase c : cases) {
        if (done.containsKey(c.id())) {
          continue;
        }
        CaseResult r = evaluation.run(c);
        log.append(r);
        results.add(r);
        ran++;
        progress(err, results, cases.size(), ran, todo, System.nanoTime() - start);
      }
      err.println();
      EvalSummary summary = EvalSummary.of(results);
      EvalReport report = new EvalReport(run, summary, results);
      write(out.resolve("summary.json"), report.summaryJson());
      write(out.resolve("summary.md"), report.markdown());
      write(out.resolve("report.html"), report.html());
      if (json) {
        stdout.println(report.summaryJson());
      } else {
        stdout.print(report.markdown());
        stdout.println("report: " + out.resolve("report.html"));
      }
      stdout.flush();
    }
    return 0;
  }

  private JsonObject describe(LanguageModel lm, Dataset data, EditOptions o) {
    JsonObject run = new JsonObject();
    run.addProperty("model", modelOptions.model.toString());
    run.addProperty("modelFingerprint", lm.files().fingerprint());
    run.addProperty("dataset", dataset.getFileName().toString());
    run.addProperty("format", data.format().name());
    run.addProperty("config", config);
    run.addProperty("precision", o.getPrecision().getId());
    run.addProperty("backend", lm.backendId());
    run.addProperty("layer", o.getLayer() != null ? o.getLayer()
        : org.mobiedit.core.edit.EditEngine.defaultLayer(lm.spec().layers()));
    run.addProperty("maxSteps", o.getMaxSteps());
    run.addProperty("learningRate", o.getLearningRate());
    run.addProperty("epsilon", o.getEpsilon());
    run.addProperty("relativeEpsilon", o.isRelativeEpsilon());
    run.addProperty("directions", o.getDirections());
    run.addProperty("seed", o.getSeed());
    run.addProperty("keyCovariance", o.isKeyCovariance());
    return run;
  }

  /** A results folder belongs to one model, dataset and configuration; resuming another run there is refused. */
  private void checkSameRun(JsonObject run) {
    Path file = out.resolve("run.json");
    if (Files.exists(file)) {
      JsonObject old;
      try {
        old = StrictJson.parse(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (IOException | RuntimeException e) {
        throw new MobiEditException(MobiEditException.Reason.IO, file + " is unreadable (" + e.getMessage()
            + "): delete " + out + " or choose another --out.");
      }
      for (String key : run.keySet()) {
        if (!key.equals("model") && !run.get(key).equals(old.get(key))) {
          throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, out + " holds a run with another "
              + key + " (" + old.get(key) + ", now " + run.get(key) + "): choose another --out, or delete it to"
              + " start afresh.");
        }
      }
    } else {
      write(file, run.toString());
    }
  }

  private static void write(Path file, String text) {
    AtomicFile.write(file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static void progress(PrintWriter err, List<CaseResult> results, int total, int ran, int todo, long nanos) {
    int ok = 0;
    for (CaseResult r : results) {
      ok += r.success() ? 1 : 0;
    }
    double per = nanos / 1e9 / ran;
    int width = 30;
    int filled = (int) ((long) width * results.size() / total);
    err.printf(Locale.ROOT, "\r[%s%s] case %d/%d  success %d/%d  %.1f s/edit  about %.0f s left  ",
        "#".repeat(filled), ".".repeat(width - filled), results.size(), total, ok, results.size(), per,
        per * (todo - ran));
    err.flush();
  }
}
