package org.mobiedit.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.tokenizer.ChatFormat;
import org.mobiedit.tools.memory.ProcessMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mobiedit generate}: continue a prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Continue a prompt with a model (greedy by default, or seeded sampling).",
        "The prompt is used as given: special tokens written in it (e.g. <|im_start|>) are recognised."})
final class GenerateCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt text.")
  String prompt;

  @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "64",
      description = "Tokens to generate at most. Default: ${DEFAULT-VALUE}.")
  int maxTokens;

  @Option(names = "--greedy", description = "Greedy decoding (the default).")
  boolean greedy;

  @Option(names = {"-t", "--temperature"}, paramLabel = "T", defaultValue = "0",
      description = "Sampling temperature; > 0 samples with --seed (0 = greedy).")
  float temperature;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Sampling seed. Default: 0.")
  long seed;

  @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample among the K best (0 = all).")
  int topK;

  @Option(names = "--top-p", paramLabel = "P", defaultValue = "1", description = "Nucleus threshold (1 = off).")
  float topP;

  @Option(names = "--chat", description = "Wrap the prompt in the model's chat format (ChatML, Llama 3) as a user turn.")
  boolean chat;

  @Option(names = "--system", paramLabel = "TEXT", description = "System prompt for --chat.")
  String system;

  @Option(names = "--ignore-eos", description = "Keep generating after an end-of-sequence token.")
  boolean ignoreEos;

  @Option(names = "--json", description = "Print one JSON object (ids, text, speeds) instead of streaming text.")
  boolean json;

  @Option(names = "--edits", paramLabel = "FILE", description = "Apply the edits saved in FILE (mobiedit edit --save).")
  java.nio.file.Path edits;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    LoadOptions load = model.check(check);
    check.range("--max-tokens", maxTokens, 0, Integer.MAX_VALUE, "");
    check.nonNegative("--temperature", temperature, " (0 = greedy)");
    check.range("--top-k", topK, 0, Integer.MAX_VALUE, " (0 = all)");
    if (!(topP > 0 && topP <= 1)) {
      throw check.fail("--top-p must be above 0 and at most 1 (1 = off), got " + topP + ".");
    }
    if (greedy && temperature > 0) {
      throw check.fail("--greedy and --temperature above 0 contradict each other: choose one.");
    }
    if (system != null && !chat) {
      throw check.fail("--system is the system prompt of --chat: add --chat, or drop --system.");
    }
    if (edits != null) {
      check.readableFile("--edits", edits);
    }
    GenerationOptions options = GenerationOptions.builder()
        .maxTokens(maxTokens).temperature(temperature).seed(seed).topK(topK).topP(topP).stopAtEos(!ignoreEos)
        .build();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Model lm = MobiEdit.load(model.model, load)) {
      if (edits != null) {
        // The editor only applies the saved rank-one updates here; the model stays owned by this command.
        MobiEdit.open(lm, EditOptions.defaults().toBuilder().precision(lm.precision()).build()).load(edits);
      }
      String text = prompt;
      if (chat) {
        ChatFormat format = lm.tokenizer().chatFormat();
        if (format == ChatFormat.NONE) {
          throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
              "--chat: this model's tokenizer has no chat format (no ChatML or Llama 3 template): drop --chat.");
        }
        text = format.formatUserTurn(prompt, system);
      }
      int[] ids = lm.encodePrompt(text);
      Generation g;
      if (json) {
        g = lm.generate(ids, options, (id, piece) -> {});
        out.println(Json.write(report(lm, g)));
      } else {
        out.print(text);
        out.flush();
        g = lm.generate(ids, options, (id, piece) -> {
          out.print(piece);
          out.flush();
        });
        out.println();
        err.printf("[%s, %s] %d prompt tokens at %.1f tok/s, %d generated at %.1f tok/s (%s)%n",
            lm.backendId(), lm.precision().getId(), ids.length, g.getPrefillTokensPerSecond(),
            g.getGeneratedIds().length, g.getDecodeTokensPerSecond(), g.getStopReason());
      }
    }
    return 0;
  }

  private static Map<String, Object> report(Model lm, Generation g) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ids", g.getAllIds());
    r.put("promptIds", g.getPromptIds());
    r.put("generatedIds", g.getGeneratedIds());
    r.put("text", g.getText());
    r.put("stopReason", g.getStopReason().name());
    r.put("promptTokens", g.getPromptIds().length);
    r.put("generatedTokens", g.getGeneratedIds().length);
    r.put("prefillTokensPerSecond", g.getPrefillTokensPerSecond());
    r.put("decodeTokensPerSecond", g.getDecodeTokensPerSecond());
    r.put("loadMillis", lm.loadNanos() / 1_000_000);
    r.put("backend", lm.backendId());
    r.put("precision", lm.precision().getId());
    r.put("weightBytes", lm.memory().weightBytes());
    ProcessMemory.residentBytes().ifPresent(v -> r.put("residentBytes", v));
    ProcessMemory.peakResidentBytes().ifPresent(v -> r.put("peakResidentBytes", v));
    return r;
  }
}
