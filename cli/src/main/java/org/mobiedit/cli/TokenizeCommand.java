package org.mobiedit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mobiedit tokenize}: text to token ids. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
    description = {"Turn text into token ids with a model's tokenizer (no BOS unless --bos).",
        "With --in, FILE is in llama.cpp's test format (texts separated by a line __ggml_vocab_test__) and the output"
            + " has one line of space-separated ids per text, comparable line by line with the matching .out file."})
final class TokenizeCommand implements Callable<Integer> {
  /** The separator line of llama.cpp's tokenizer test files. */
  static final String TEST_SEPARATOR = "\n__ggml_vocab_test__\n";

  @Option(names = {"-m", "--model"}, required = true, paramLabel = "PATH",
      description = "A GGUF file, a model folder or a folder with tokenizer files.")
  Path model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--text", paramLabel = "TEXT", description = "Text to tokenize.")
    String text;

    @Option(names = "--in", paramLabel = "FILE", description = "A llama.cpp tokenizer test input file.")
    Path in;
  }

  @Option(names = "--bos", description = "Prepend BOS where the model wants one (as prompts are encoded).")
  boolean bos;

  @Option(names = "--pieces", description = "With --text: also print each token's text.")
  boolean pieces;

  @Option(names = "--json", description = "With --text: print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** llama.cpp's test files are a few KiB; a much larger file is not one. */
  static final long MAX_TEST_FILE_BYTES = 64L << 20;

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    check.exists("--model", model);
    if (input.in != null) {
      check.readableFile("--in", input.in);
      if (pieces || json) {
        throw check.fail((pieces ? "--pieces" : "--json") + " works with --text only; --in prints one line of ids"
            + " per text.");
      }
    }
    Tokenizer tokenizer = MobiEdit.openTokenizer(model);
    PrintWriter out = spec.commandLine().getOut();
    if (input.in != null) {
      String content = TextFile.read(input.in, MAX_TEST_FILE_BYTES, "a tokenizer test file (UTF-8 text)");
      List<String> lines = new ArrayList<>();
      // Same splitting as llama.cpp's test: a file ending with the separator yields a final empty text.
      for (String text : content.split(TEST_SEPARATOR, -1)) {
        lines.add(llamaCppLine(encode(tokenizer, text)));
      }
      out.print(String.join("\n", lines));
      out.flush();
      return 0;
    }
    int[] ids = encode(tokenizer, input.text);
    if (json) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("ids", ids);
      r.put("tokens", Arrays.stream(ids).mapToObj(tokenizer::tokenText).collect(Collectors.toList()));
      r.put("decoded", tokenizer.decode(ids));
      out.println(Json.write(r));
    } else {
      out.println(ids(ids));
      if (pieces) {
        for (int id : ids) {
          out.println(id + "\t" + tokenizer.tokenText(id));
        }
      }
    }
    return 0;
  }

  private int[] encode(Tokenizer tokenizer, String text) {
    return bos ? tokenizer.encodeForModel(text) : tokenizer.encode(text);
  }

  /** llama.cpp's .out format: every id preceded by one space. */
  static String llamaCppLine(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      sb.append(' ').append(id);
    }
    return sb.toString();
  }

  private static String ids(int[] ids) {
    return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
  }
}
