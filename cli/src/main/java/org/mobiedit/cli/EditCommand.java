package org.mobiedit.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.MobiEdit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mobiedit edit}: write one fact into a model and show the continuation before and after. */
@Command(name = "edit", mixinStandardHelpOptions = true,
    description = {"Edit one fact with forward passes only (MobiEdit) and show the greedy continuation of the prompt"
        + " before and after. --save keeps the edit in a small file; 'generate --edits FILE' applies it."})
final class EditCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH", description = "Model file or folder.")
  java.nio.file.Path model;

  @Option(names = "--subject", required = true, paramLabel = "S", description = "The subject, as written in the prompt.")
  String subject;

  @ArgGroup(exclusive = true, multiplicity = "1")
  PromptSource source;

  static final class PromptSource {
    @Option(names = "--prompt", paramLabel = "P", description = "The full prompt, containing the subject.")
    String prompt;

    @Option(names = "--relation", paramLabel = "R", description = "A template with {} or a phrase after the subject.")
    String relation;
  }

  @Option(names = "--target", required = true, paramLabel = "T", description = "The new object.")
  String target;

  @CommandLine.Mixin SearchOptions search;

  @CommandLine.Mixin BackendOptions where;

  @Option(names = "--no-early-stop", description = "Run every step.")
  boolean noEarlyStop;

  @Option(names = "--no-prefix-cache", description = "Recompute every layer at every step (same losses, slower).")
  boolean noPrefixCache;

  @Option(names = "--edits", paramLabel = "FILE", description = "Apply the edits saved in FILE first.")
  java.nio.file.Path edits;

  @Option(names = "--save", paramLabel = "FILE",
      description = "Save every applied edit (those of --edits and this one) to FILE, atomically. An existing FILE"
          + " is replaced only with --force, or when it is the --edits file (which then gains this edit).")
  java.nio.file.Path save;

  @Option(names = "--force", description = "Replace an existing --save file.")
  boolean force;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    check.exists("--model", model);
    EditRequest request = source.prompt != null
        ? check.request(subject, "--prompt", source.prompt, target,
            () -> EditRequest.ofPrompt(subject, source.prompt, target))
        : check.request(subject, "--relation", source.relation, target,
            () -> EditRequest.of(subject, source.relation, target));
    EditOptions options = search.check(check).earlyStopping(!noEarlyStop).prefixCache(!noPrefixCache).build();
    where.check(check);
    if (edits != null) {
      check.readableFile("--edits", edits);
    }
    if (save != null) {
      check.newFile("--save", save, force || sameFile(save, edits));
    }
    GenerationOptions greedy = GenerationOptions.greedy(16);
    PrintWriter out = spec.commandLine().getOut();
    try (Editor editor = MobiEdit.open(model, options, where.backend, where.threads)) {
      if (edits != null) {
        editor.load(edits);
      }
      String before = editor.generate(request.getPrompt(), greedy).getText();
      if (!json) {
        out.println("before: " + request.getPrompt() + before);
        out.flush();
      }
      EditResult r = editor.newCall(request, json ? EditListener.NONE : new ProgressBar(spec.commandLine().getErr()))
          .execute();
      String after = editor.generate(request.getPrompt(), greedy).getText();
      if (save != null) {
        editor.save(save);
      }
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("success", r.isSuccess());
        o.put("steps", r.getSteps());
        o.put("stopReason", r.getStopReason().name());
        o.put("forwardPasses", r.getForwardPasses());
        o.put("wallMillis", r.getWallMillis());
        o.put("layer", r.getLayer());
        o.put("before", before);
        o.put("after", after);
        o.put("lossCurve", r.getLossCurve());
        o.put("contextTemplates", r.getContextTemplates());
        if (save != null) {
          o.put("saved", save.toString());
        }
        out.println(Json.write(o));
      } else {
        out.println("after:  " + request.getPrompt() + after);
        float[] curve = r.getLossCurve();
        out.printf(Locale.ROOT, "%s after %d steps (%s), layer %d, %d forward passes, %.1f s, loss %.3f -> %.3f%n",
            r.isSuccess() ? "edited" : "NOT edited", r.getSteps(), r.getStopReason(), r.getLayer(),
            r.getForwardPasses(), r.getWallMillis() / 1000.0, curve.length == 0 ? 0 : curve[0],
            curve.length == 0 ? 0 : curve[curve.length - 1]);
      }
      return r.isSuccess() ? 0 : ExitCode.FAILED.code();
    }
  }

  /** Whether {@code save} names the existing file {@code edits} (saving back into the file the edits came from). */
  private static boolean sameFile(java.nio.file.Path save, java.nio.file.Path edits) {
    try {
      return edits != null && java.nio.file.Files.exists(save) && java.nio.file.Files.isSameFile(save, edits);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
