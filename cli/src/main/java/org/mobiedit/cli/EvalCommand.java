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
import java.util.concurrent.atomic.AtomicInteger;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.cli.report.EvalReport;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.tools.eval.CaseLog;
import org.mobiedit.tools.eval.CaseResult;
import org.mobiedit.tools.eval.Dataset;
import org.mobiedit.tools.eval.DatasetProblem;
import org.mobiedit.tools.eval.Datasets;
import org.mobiedit.tools.eval.EditCase;
import org.mobiedit.tools.eval.EditEvaluation;
import org.mobiedit.tools.eval.EvalSummary;
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
  /** Skipped records listed one per line; beyond this, only their count (a file in a near-format skips all). */
  static final int MAX_PROBLEMS_SHOWN = 10;

  /** The run description this command writes is a few hundred bytes. */
  private static final long MAX_RUN_FILE_BYTES = 1L << 20;

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

  @Option(names = "--key-covariance", negatable = true,
      description = "Use u = C^-1 k (see 'mobiedit edit --help'; on in the default configuration).")
  Boolean keyCovariance;

  @Option(names = "--ridge", paramLabel = "R",
      description = "Override the ridge of the key covariance (with --key-covariance; smaller is more specific).")
  Double ridge;

  @Option(names = "--kl-weight", paramLabel = "W", description = "Override the weight of the essence-row KL term.")
  Double klWeight;

  @Option(names = "--check-when-likely", negatable = true,
      description = "Also check for success at any step whose evaluations make it likely (see 'mobiedit edit --help';"
          + " on in the default configuration).")
  Boolean checkWhenLikely;

  @Option(names = "--directions", paramLabel = "Q", description = "Override the random directions per step.")
  Integer directions;

  @Option(names = "--clamp-factor", paramLabel = "F",
      description = "Override the clamp of the value correction: |delta| at most F times the hidden state's norm.")
  Double clampFactor;

  @Option(names = "--protect-earlier-edits", negatable = true,
      description = "Write each edit so that the keys of earlier edits do not move (on in the default"
          + " configuration; matters with --sequential).")
  Boolean protectEarlierEdits;

  @Option(names = "--shrink-after-success", negatable = true,
      description = "Write only as much of a passing correction as success needs (on in the default configuration).")
  Boolean shrinkAfterSuccess;

  @CommandLine.Mixin LayerOptions layers;

  @Option(names = "--sequential", description = "Edit the cases one after the other into the same model (in dataset"
      + " order) and measure every edit so far after each --every edits: how many still hold, paraphrases,"
      + " neighbours, portability, and the perplexity of neutral text. Writes DIR/sequential.jsonl,"
      + " DIR/sequential.md and the edits as DIR/edits.medp.")
  boolean sequential;

  @Option(names = "--blame", description = "With --sequential: at the end, find which edits cost what: each edit's"
      + " share of the neutral perplexity increase (undoing from the newest) and, for each neighbour that changed, the"
      + " edits that lower its answer most (the patch loaded without each edit in turn). Writes DIR/blame.jsonl and"
      + " DIR/blame-neighbours.jsonl and adds the worst edits to DIR/sequential.md. About two more passes over the"
      + " checks per edit.")
  boolean blame;

  @Option(names = "--every", paramLabel = "N", defaultValue = "10",
      description = "With --sequential: measure after every N edits (and after the last). Default: ${DEFAULT-VALUE}.")
  int every;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Where results and reports go: a new or empty folder, or the folder of this same run to resume"
          + " it.")
  Path out;

  @Option(names = "--force", description = "Also use an --out folder that holds other files or another run (that"
      + " run's results are then replaced).")
  boolean force;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand MobiEditCli parent;

  EditOptions options(Precision p) {
    EditOptions.Builder b = config.equals("paper") ? EditOptions.paper().toBuilder()
        : EditOptions.recommended().toBuilder();
    if (steps != null) {
      b.maxSteps(steps);
    }
    if (learningRate != null) {
      b.learningRate(learningRate);
    }
    if (layer != null) {
      b.layer(layer);
    }
    if (keyCovariance != null) {
      b.keyCovariance(keyCovariance);
    }
    if (checkWhenLikely != null) {
      b.checkWhenLikely(checkWhenLikely);
    }
    if (ridge != null) {
      b.covarianceRidge(ridge);
    }
    if (klWeight != null) {
      b.klWeight(klWeight);
    }
    if (protectEarlierEdits != null) {
      b.protectEarlierEdits(protectEarlierEdits);
    }
    if (clampFactor != null) {
      b.clampFactor(clampFactor);
    }
    if (directions != null) {
      b.directions(directions);
    }
    if (shrinkAfterSuccess != null) {
      b.shrinkAfterSuccess(shrinkAfterSuccess);
    }
    layers.applyTo(b);
    // Single edits: metrics are measured on the update the search found, successful or not (as the standard
    // harnesses do); reverting failed edits would flatter locality. Sequential edits keep only what succeeded, as an
    // app's editor does.
    return b.precision(p).keepUnsuccessful(!sequential).build();
  }

  /** Checks every option before anything is read or loaded. */
  private LoadOptions checkOptions(OptionCheck check) {
    LoadOptions load = modelOptions.check(check);
    check.readableFile("--dataset", dataset);
    check.range("--limit", limit, 0, Integer.MAX_VALUE, " (0 = all)");
    check.range("--offset", offset, 0, Integer.MAX_VALUE, "");
    config = check.oneOf("--config", config, List.of("paper", "default"));
    if (steps != null) {
      check.range("--steps", steps, 1, OptionCheck.MAX_STEPS, "");
    }
    if (learningRate != null) {
      check.positive("--lr", learningRate);
    }
    if (layer != null) {
      check.range("--layer", layer, 0, Integer.MAX_VALUE, "");
    }
    if (clampFactor != null) {
      check.positive("--clamp-factor", clampFactor);
    }
    if (directions != null) {
      check.range("--directions", directions, 1, EditOptions.MAX_DIRECTIONS, "");
    }
    check.range("--every", every, 1, Integer.MAX_VALUE, "");
    if (blame && !sequential) {
      throw check.fail("--blame goes with --sequential: it blames the edits of a sequence.");
    }
    if (sequential) {
      check.newFolder("--out", out, force);
      return load;
    }
    // The folder of a run (it has run.json) is resumed, or refused after loading if it is another run's.
    check.newFolder("--out", out, force || Files.isRegularFile(out.resolve("run.json")));
    return load;
  }

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    LoadOptions load = checkOptions(check);
    EditOptions options = options(load.precision());
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Dataset data = Datasets.read(dataset);
    List<DatasetProblem> problems = data.problems();
    for (DatasetProblem problem : problems.subList(0, Math.min(MAX_PROBLEMS_SHOWN, problems.size()))) {
      err.println("skipped " + dataset.getFileName() + " " + problem);
    }
    if (problems.size() > MAX_PROBLEMS_SHOWN) {
      err.printf(Locale.ROOT, "skipped %d records of %s in all (the first %d above)%n", problems.size(),
          dataset.getFileName(), MAX_PROBLEMS_SHOWN);
    }
    if (data.cases().isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, dataset + " has no readable case: all "
          + problems.size() + " records were skipped (see why above).");
    }
    List<EditCase> cases = data.slice(offset, limit);
    if (cases.isEmpty()) {
      throw check.fail("--offset " + offset + " leaves no case to run: " + dataset + " has " + data.cases().size()
          + " readable cases.");
    }
    if (sequential) {
      new SequentialRun(out, every, blame, err, stdout, json).run(modelOptions.model, load, options, cases,
          lm -> describe(lm, data, options));
      return 0;
    }
    try (Model lm = MobiEdit.load(modelOptions.model, load)) {
      JsonObject run = describe(lm, data, options);
      CaseLog log = new CaseLog(out.resolve("cases.jsonl"));
      AtomicInteger doneCount = new AtomicInteger();
      AtomicInteger ranCount = new AtomicInteger();
      String resume = resumeCommand();
      parent.interrupts().onInterrupt(() -> interrupted(doneCount.get(), cases.size(), ranCount.get(), log.file(),
          resume));
      checkSameRun(run, log, err);
      Map<String, CaseResult> done = new HashMap<>();
      log.readForAppend().forEach(r -> done.put(r.caseId(), r));
      List<CaseResult> results = new ArrayList<>();
      for (EditCase c : cases) {
        if (done.containsKey(c.id())) {
          results.add(done.get(c.id()));
        }
      }
      doneCount.set(results.size());
      if (!results.isEmpty()) {
        err.printf(Locale.ROOT, "resuming: %d of %d cases already in %s%n", results.size(), cases.size(), log.file());
      }
      // The editor is not closed on its own: closing the model (above) ends it.
      Editor editor = MobiEdit.open(lm, options);
      EditEvaluation evaluation = new EditEvaluation(lm, editor);
      long start = System.nanoTime();
      int todo = cases.size() - results.size();
      for (EditCase c : cases) {
        if (done.containsKey(c.id())) {
          continue;
        }
        CaseResult r = evaluation.run(c);
        log.append(r);
        results.add(r);
        doneCount.set(results.size());
        int ran = ranCount.incrementAndGet();
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

  /** The command line this run was started with: running it again resumes the run. */
  private String resumeCommand() {
    List<String> words = new ArrayList<>();
    String launcher = System.getenv("MOBIEDIT_LAUNCHER"); // set by the ./mobiedit script to the path it was run as
    words.add(launcher == null || launcher.isBlank() ? "mobiedit" : launcher);
    words.addAll(spec.root().commandLine().getParseResult().originalArgs());
    return ShellCommand.line(words);
  }

  /** The line printed when the run is stopped (Ctrl-C): how far it got and the command that resumes it. */
  static String interrupted(int done, int total, int ranNow, Path log, String command) {
    return String.format(Locale.ROOT, "interrupted: %d of %d cases done (%d in this run), kept in %s; the case that"
        + " was running starts again when you resume. Resume with the same command: %s", done, total, ranNow, log,
        command);
  }

  private JsonObject describe(Model lm, Dataset data, EditOptions o) {
    JsonObject run = new JsonObject();
    run.addProperty("model", modelOptions.model.toString());
    run.addProperty("modelFingerprint", lm.fingerprint());
    run.addProperty("dataset", dataset.getFileName().toString());
    run.addProperty("format", data.format().name());
    run.addProperty("config", config);
    run.addProperty("precision", o.getPrecision().getId());
    run.addProperty("backend", lm.backendId());
    run.addProperty("layer", lm.editLayer(o));
    run.addProperty("maxSteps", o.getMaxSteps());
    run.addProperty("learningRate", o.getLearningRate());
    run.addProperty("epsilon", o.getEpsilon());
    run.addProperty("relativeEpsilon", o.isRelativeEpsilon());
    run.addProperty("directions", o.getDirections());
    run.addProperty("seed", o.getSeed());
    run.addProperty("keyCovariance", o.isKeyCovariance());
    run.addProperty("checkWhenLikely", o.isCheckWhenLikely());
    run.addProperty("covarianceRidge", o.getCovarianceRidge());
    run.addProperty("klWeight", o.getKlWeight());
    run.addProperty("protectEarlierEdits", o.isProtectEarlierEdits());
    run.addProperty("clampFactor", o.getClampFactor());
    run.addProperty("shrinkAfterSuccess", o.isShrinkAfterSuccess());
    run.addProperty("spreadLayers", o.getSpreadLayers());
    run.addProperty("keySampleTexts", o.getKeySampleTexts());
    run.addProperty("preparedKeyStatistics", o.isKeyCovariance() && o.isPreparedKeyStatistics()
        && Files.exists(MobiEdit.keyStatisticsLocation(lm)));
    run.addProperty("vocabularyKeyWeight", o.getVocabularyKeyWeight());
    run.addProperty("nearWords", o.getNearWords());
    run.addProperty("sequentialNearWords", o.getSequentialNearWords());
    run.addProperty("sequentialLayers", o.getSequentialLayers());
    run.addProperty("sequentialSpreadLayers", o.getSequentialSpreadLayers());
    run.addProperty("sequentialDirections", o.getSequentialDirections());
    run.addProperty("sequentialLearningRate", o.getSequentialLearningRate());
    return run;
  }

  /**
   * A results folder belongs to one model, dataset and configuration; resuming another run there is refused, or
   * with --force that run's results are replaced.
   */
  private void checkSameRun(JsonObject run, CaseLog log, PrintWriter err) {
    Path file = out.resolve("run.json");
    if (Files.exists(file)) {
      String other = otherRun(file, run);
      if (other == null) {
        return;
      }
      if (!force) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, out + " holds " + other
            + ": choose another --out, or add --force to replace its results.");
      }
      err.println("replacing the results in " + out + ": it held " + other + " (--force).");
      try {
        Files.deleteIfExists(log.file());
      } catch (IOException e) {
        throw new MobiEditException(MobiEditException.Reason.IO, "Cannot delete " + log.file() + ": "
            + e.getMessage() + ".", e);
      }
    }
    write(file, run.toString());
  }

  /** What differs between the run described in {@code file} and this one, or null if it is this run. */
  private String otherRun(Path file, JsonObject run) {
    JsonObject old;
    try {
      com.google.gson.JsonElement e = JsonFile.read(file, MAX_RUN_FILE_BYTES, "the description of a mobiedit eval"
          + " run");
      if (!e.isJsonObject()) {
        return "an unreadable run description (" + file.getFileName() + " is not a JSON object)";
      }
      old = e.getAsJsonObject();
    } catch (MobiEditException e) {
      return "an unreadable run description (" + e.getMessage() + ")";
    }
    for (String key : run.keySet()) {
      if (!key.equals("model") && !run.get(key).equals(old.get(key))) {
        return "a run with another " + key + " (" + OptionCheck.quoted(String.valueOf(old.get(key))) + ", now "
            + run.get(key) + ")";
      }
    }
    return null;
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
