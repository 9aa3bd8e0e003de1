package org.mobiedit.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mobiedit ablation}: the same edit requests under the paper's four system configurations (plain, + early
 * stopping, + prefix cache, + both), each edit on the unedited model, with success, steps, forward passes, wall time,
 * whether the continuation shows the new object, and locality (other subjects' continuations unchanged).
 */
@Command(name = "ablation", mixinStandardHelpOptions = true,
    description = {"Run edit requests under the four system configurations of the MobiEdit paper and print a table.",
        "FILE is a JSON array of {subject, prompt, target}."})
final class AblationCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH") Path model;

  @Option(names = "--requests", required = true, paramLabel = "FILE") Path requests;

  @CommandLine.Mixin SearchOptions search;

  @CommandLine.Mixin BackendOptions where;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Use the first N requests (0 = all).")
  int limit;

  @Option(names = "--configs", defaultValue = "all", paramLabel = "LIST",
      description = "Comma-separated subset of: plain, early-stop, prefix-cache, both (default: all).")
  String configs;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The request file is a short list typed by hand: a few MiB is already far more than a run can edit. */
  static final long MAX_REQUEST_FILE_BYTES = 16L << 20;

  /** The paper's four configurations: name to {early stopping, prefix cache}. */
  private static Map<String, boolean[]> configurations() {
    Map<String, boolean[]> all = new LinkedHashMap<>();
    all.put("plain", new boolean[] {false, false});
    all.put("early-stop", new boolean[] {true, false});
    all.put("prefix-cache", new boolean[] {false, true});
    all.put("both", new boolean[] {true, true});
    return all;
  }

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    check.exists("--model", model);
    check.readableFile("--requests", requests);
    EditOptions.Builder base = search.check(check);
    Precision p = base.build().getPrecision();
    where.check(check);
    check.range("--limit", limit, 0, Integer.MAX_VALUE, " (0 = all)");
    List<String> chosen = chosenConfigurations(check);
    List<EditRequest> list = readRequests(requests);
    if (limit > 0 && limit < list.size()) {
      list = list.subList(0, limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    EditOptions shown = base.build();
    out.printf(Locale.ROOT, "%d requests, %s, lr %.3g, budget %d steps%n%n", list.size(), p.getId(),
        shown.getLearningRate(), shown.getMaxSteps());
    out.flush();
    PrintWriter err = spec.commandLine().getErr();
    out.println("| configuration | edit success | shows new object | locality | median steps | median forward passes"
        + " | median wall ms | total wall s |");
    out.println("|---|---|---|---|---|---|---|---|");
    try (Model lm = MobiEdit.load(model, where.load(p))) {
      GenerationOptions greedy = GenerationOptions.greedy(4);
      List<int[]> baseline = new ArrayList<>();
      for (EditRequest r : list) {
        baseline.add(lm.generate(r.getPrompt(), greedy).getGeneratedIds());
      }
      for (String name : chosen) {
        boolean[] c = configurations().get(name);
        EditOptions options = base
            .earlyStopping(c[0]).prefixCache(c[1]).keepUnsuccessful(true).build();
        // One editor per configuration on the same model; each undoes its edits, and closing the model ends them.
        Editor editor = MobiEdit.open(lm, options);
        int success = 0;
        int shows = 0;
        int localKept = 0;
        int localTotal = 0;
        long[] stepsOf = new long[list.size()];
        long[] passes = new long[list.size()];
        long[] wall = new long[list.size()];
        long total = 0;
        for (int i = 0; i < list.size(); i++) {
          EditRequest r = list.get(i);
          err.printf(Locale.ROOT, "\r%s: request %d/%d, %d succeeded so far  ", name, i + 1, list.size(), success);
          err.flush();
          EditResult res = editor.edit(r);
          success += res.isSuccess() ? 1 : 0;
          stepsOf[i] = res.getSteps();
          passes[i] = res.getForwardPasses();
          wall[i] = res.getWallMillis();
          total += res.getWallMillis();
          if (lm.generate(r.getPrompt(), greedy).getText().strip().startsWith(r.getNewObject())) {
            shows++;
          }
          for (int j = 0; j < list.size(); j++) {
            if (!list.get(j).getSubject().equals(r.getSubject())) {
              localTotal++;
              if (Arrays.equals(baseline.get(j), lm.generate(list.get(j).getPrompt(), greedy).getGeneratedIds())) {
                localKept++;
              }
            }
          }
          if (editor.getAppliedEdits().size() > 0) {
            editor.undoLast();
          }
        }
        err.print("\r" + " ".repeat(60) + "\r");
        err.flush();
        out.printf(Locale.ROOT, "| %s | %d/%d (%.0f%%) | %.0f%% | %.1f%% | %d | %d | %d | %.1f |%n", name, success,
            list.size(), 100.0 * success / list.size(), 100.0 * shows / list.size(),
            localTotal == 0 ? 100 : 100.0 * localKept / localTotal, median(stepsOf), median(passes), median(wall),
            total / 1000.0);
        out.flush();
      }
    }
    return 0;
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? 0 : s[s.length / 2];
  }

  /** The configurations of {@code --configs}, each known and named once. */
  private List<String> chosenConfigurations(OptionCheck check) {
    if (configs.trim().equalsIgnoreCase("all")) {
      return new ArrayList<>(configurations().keySet());
    }
    List<String> chosen = new ArrayList<>();
    for (String name : configs.split(",", -1)) {
      String c = check.oneOf("--configs", name, configurations().keySet());
      if (chosen.contains(c)) {
        throw check.fail("--configs names " + c + " twice.");
      }
      chosen.add(c);
    }
    return chosen;
  }

  /** A JSON array of {subject, prompt, target} objects; a malformed entry is an error naming its index. */
  static List<EditRequest> readRequests(Path file) {
    String what = "an edit request file (a JSON array of {subject, prompt, target})";
    JsonElement root = JsonFile.read(file, MAX_REQUEST_FILE_BYTES, what);
    if (!root.isJsonArray()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not " + what + ".");
    }
    List<EditRequest> out = new ArrayList<>();
    int index = 0;
    for (JsonElement e : root.getAsJsonArray()) {
      JsonObject o = e.isJsonObject() ? e.getAsJsonObject() : null;
      String subject = o == null ? null : text(o, "subject");
      String prompt = o == null ? null : text(o, "prompt");
      String target = o == null ? null : text(o, "target");
      if (subject == null || prompt == null || target == null) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + ": request " + index
            + " is not an object with the strings subject, prompt and target.");
      }
      if (subject.isBlank() || target.isBlank() || !prompt.contains(subject)) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + ": request " + index
            + " needs a non-blank subject and target, and a prompt containing the subject; it has subject "
            + OptionCheck.quoted(subject) + ", prompt " + OptionCheck.quoted(prompt) + ", target "
            + OptionCheck.quoted(target) + ".");
      }
      out.add(EditRequest.ofPrompt(subject, prompt, target));
      index++;
    }
    if (out.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " holds no requests.");
    }
    return out;
  }

  private static String text(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
  }
}
