package org.mobiedit.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.cli.demo.World;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.cli.demo.WorldCases;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mobiedit cases}: edit cases drawn from a demo world with a seed, for choosing and checking settings. */
@Command(name = "cases", mixinStandardHelpOptions = true,
    description = {"Draw edit cases from a demo world (world.json) with a seed, in CounterFact's schema, for",
        "'mobiedit eval': facts another subject shares, same-object neighbours, paraphrases, and a portability",
        "probe where relations chain. Choose settings on one seed, report them on another."})
final class CasesCommand implements Callable<Integer> {
  @Option(names = "--world", paramLabel = "PATH", defaultValue = "models/mobiedit-world",
      description = "A world.json, or a model folder holding one. Default: ${DEFAULT-VALUE}.")
  Path world;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "The draw's seed.")
  long seed;

  @Option(names = "--count", paramLabel = "N", defaultValue = "100", description = "Cases. Default: 100.")
  int count;

  @Option(names = "--exclude", paramLabel = "FILE",
      description = {"Cases (CounterFact JSON) whose facts are not drawn again, e.g. the world's edits-dev.json and",
          "edits-heldout.json. Repeatable."})
  List<Path> exclude = new ArrayList<>();

  @Option(names = "--relation", paramLabel = "NAME",
      description = {"Draw only facts of these relations (repeatable), e.g. the non-person ones: country, based in,",
          "maker, industry, capital, language. Default: every relation."})
  List<String> relations = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the cases go (JSON).")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (count < 1 || count > 100_000) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count must be between 1 and 100000.");
    }
    Path file = Files.isDirectory(world) ? world.resolve("world.json") : world;
    World w = World.read(file);
    Set<String> excluded = new HashSet<>();
    for (Path p : exclude) {
      JsonElement e = JsonFile.read(p, 64L << 20, "edit cases");
      if (!e.isJsonArray()) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, p + " is not a JSON array of"
            + " CounterFact cases.");
      }
      for (JsonElement c : e.getAsJsonArray()) {
        JsonObject rw = c.getAsJsonObject().getAsJsonObject("requested_rewrite");
        excluded.add(WorldCases.key(rw.get("subject").getAsString(), rw.get("relation_id").getAsString()));
      }
    }
    for (String r : relations) {
      if (!w.relations().containsKey(r)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Unknown relation '" + r + "': the world has "
            + String.join(", ", w.relations().keySet()) + ".");
      }
    }
    JsonArray cases = WorldCases.draw(w, seed, count, excluded, Set.copyOf(relations));
    String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(cases) + "\n";
    AtomicFile.write(out, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
    PrintWriter o = spec.commandLine().getOut();
    o.printf("%d cases from %s (seed %d, %d facts excluded) -> %s%n", cases.size(), file, seed, excluded.size(), out);
    o.flush();
    return 0;
  }
}
