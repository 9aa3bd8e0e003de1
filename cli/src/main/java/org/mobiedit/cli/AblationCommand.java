package org.mobiedit.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.edit.MobiEditor;
import org.mobiedit.core.json.StrictJson;
import org.mobiedit.core.model.LanguageModel;
import org.mobiedit.core.model.LoadOptions;
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

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Use the first N requests (0 = all).")
  int limit;

  @Option(names = "--configs", defaultValue = "all", paramLabel = "LIST",
      description = "Comma-separated subset of: plain, early-stop, prefix-cache, both (default: all).")
  String configs;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<EditRequest> list = readRequests(requests);
    if (limit > 0 && limit < list.size()) {
      list = list.subList(0, limit);
    }
    Precision p = search.precision();
    PrintWriter out = spec.commandLine().getOut();
    Map<String, boolean[]> all = new LinkedHashMap<>();
    all.put("plain", new boolean[] {false, false});
    all.put("early-stop", new boolean[] {true, false});
    all.put("prefix-cache", new boolean[] {false, true});
    all.put("both", new boolean[] {true, true});
    List<String> chosen = configs.equals("all") ? new ArrayList<>(all.keySet()) : Arrays.asList(configs.split(","));
    out.printf(Locale.ROOT, "%d requests, %s, lr %.3g, budget %d steps%n%n", list.size(), p.getId(),
        search.learningRate, search.steps);
    out.println("| configuration | edit success | shows new object | locality | median steps | median forward passes"
        + " | median wall ms | total wall s |");
    out.println("|---|---|---|---|---|---|---|---|");
    try (LanguageModel lm = LanguageModel.load(model, LoadOptions.defaults().withPrecision(p))) {
      GenerationOptions greedy = GenerationOptions.greedy(4);
      List<int[]> baseline = new ArrayList<>();
      for (EditRequest r : list) {
        baseline.add(lm.generate(r.getPrompt(), greedy).getGeneratedIds());
      }
      for (String name : chosen) {
        boolean[] c = all.get(name.trim());
        if (c == null) {
          throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
              "Unknown configuration '" + name + "': use plain, early-stop, prefix-cache, both.");
        }
        EditOptions options = search.builder()
            .earlyStopping(c[0]).prefixCache(c[1]).keepUnsuccessful(true).build();
        MobiEditor editor = new MobiEditor(lm, options);
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

  static List<EditRequest> readRequests(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    List<EditRequest> out = new ArrayList<>();
    int index = 0;
    for (JsonElement e : StrictJson.parse(text).getAsJsonArray()) {
      JsonObject o = e.getAsJsonObject();
      try {
        out.add(EditRequest.ofPrompt(o.get("subject").getAsString(), o.get("prompt").getAsString(),
            o.get("target").getAsString()));
      } catch (RuntimeException ex) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
            file + ": request " + index + " is malformed: " + ex.getMessage());
      }
      index++;
    }
    return out;
  }
}
