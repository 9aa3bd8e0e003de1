package org.mobiedit.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.cli.demo.World;
import org.mobiedit.cli.demo.WorldRecall;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.tools.memory.ProcessMemory;
import org.mobiedit.world.WorldModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mobiedit demo}: one edit shown end to end on the demo model the command line carries (a small Llama that
 * knows an invented world): the fact before, the edit, and afterwards the edited prompt, a paraphrase and two
 * unrelated facts, with the cost.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Show an edit working: the demo model states a fact, is edited (forward passes only), then states"
        + " the new fact, also when asked differently, while unrelated facts stay. Without options it picks a fact"
        + " of its invented world; --subject/--relation/--target choose one; --list shows the world."})
final class DemoCommand implements Callable<Integer> {
  private static final int ANSWER_TOKENS = 8;

  @Option(names = {"-m", "--model"}, paramLabel = "PATH",
      description = "A model folder or file (default: the embedded demo model). A folder with a"
          + " world.json gets paraphrases and unrelated facts from it.")
  @Nullable Path model;

  @Option(names = "--subject", paramLabel = "S", description = "Subject of the fact to edit (e.g. a person's name).")
  @Nullable String subject;

  @Option(names = "--relation", paramLabel = "R",
      description = "The relation: a world relation (\"lives in\") or, for other models, a template with {} or a"
          + " phrase after the subject.")
  @Nullable String relation;

  @Option(names = "--target", paramLabel = "T", description = "The new object (default: another of the same kind).")
  @Nullable String target;

  @Option(names = "--paraphrase", paramLabel = "P",
      description = "A paraphrase prompt to check after the edit (repeatable; default from the world).")
  List<String> paraphrases = new ArrayList<>();

  @Option(names = "--unrelated", paramLabel = "P",
      description = "An unrelated prompt that should keep its answer (repeatable; default: two facts of the world).")
  List<String> unrelated = new ArrayList<>();

  @Option(names = "--list", description = "Print every fact of the world and exit.")
  boolean list;

  @Option(names = "--recall", description = "Measure how many of its world's facts the model states, and exit.")
  boolean recall;

  @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
      description = "fp32, int8, int8-a8, int8-a16, int8-dynamic or int4. Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(names = "--layer", paramLabel = "L",
      description = "The layer to edit (default: the engine's, about 17%% of the depth).")
  @Nullable Integer layer;

  @CommandLine.Mixin BackendOptions where;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Seed for the fact and new object picked, and the edit. Default: ${DEFAULT-VALUE}.")
  long seed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A prompt shown before and after the edit, with what the answer should do. */
  private record Probe(String kind, String prompt, @Nullable String expected) {}

  @Override
  public Integer call() {
    OptionCheck check = new OptionCheck(spec);
    Precision p = checkOptions(check);
    PrintWriter out = spec.commandLine().getOut();
    Path path = model != null ? model : extractDemoModel();
    String name = model == null ? WorldModel.NAME
        : model.getFileName() != null ? model.getFileName().toString() : model.toString();
    Path worldFile = Files.isDirectory(path) ? path.resolve("world.json") : null;
    World world = worldFile != null && Files.isRegularFile(worldFile) ? World.read(worldFile) : null;
    if (list) {
      requireWorld(check, world, "--list");
      printWorld(out, world);
      return 0;
    }
    if (recall) {
      requireWorld(check, world, "--recall");
    }
    // Everything the options name is checked against the world (or completed) before the model is loaded.
    if (world != null && subject == null && relation != null) {
      throw check.fail("--relation needs --subject: give both, or neither to let the demo pick a fact.");
    }
    World.Fact chosen = world != null && subject != null ? chosenFact(check, world) : null;
    EditRequest given = null;
    if (world == null && !recall) {
      if (subject == null || relation == null || target == null) {
        throw check.fail(path + " has no world.json, so the demo cannot pick a fact: give --subject, --relation and"
            + " --target (e.g. --subject \"Paris\" --relation \"{} is the capital of\" --target \"Italy\"), or run"
            + " 'mobiedit demo' without --model for the embedded demo model.");
      }
      given = check.request(subject, "--relation", relation, target, () -> EditRequest.of(subject, relation, target));
    }
    // The SDK's default settings, as an app gets them; only --layer overrides (world.json's editLayer, chosen on 30
    // dev cases for the old settings, measured worse on fresh cases: bench/RESULTS.md, "Default settings").
    EditOptions options = EditOptions.recommended().toBuilder().precision(p).seed(seed).layer(layer).build();
    Model lm = MobiEdit.load(path, where.load(p));
    try (Editor editor = openOn(lm, options)) {
      out.printf(Locale.ROOT, "Model %s: %s, %d layers, width %d, %s on the %s backend.%n", name,
          lm.spec().architecture(), lm.spec().layers(), lm.spec().hiddenSize(), p.getId(), lm.backendId());
      if (recall) {
        printRecall(out, WorldRecall.measure(lm, world), world);
        return 0;
      }
      SplittableRandom random = new SplittableRandom(seed);
      EditRequest request;
      List<Probe> probes = new ArrayList<>();
      if (world != null) {
        World.Fact fact = chosen != null ? chosen : pickKnownFact(lm, world, random);
        String newObject = target != null ? target.strip() : pickOther(world, fact, random);
        out.println(world.describe(2).lines().findFirst().orElse(""));
        out.printf("The fact to edit: %s -> %s (the model was taught %s).%n", fact.prompt(0), newObject,
            fact.object());
        request = EditRequest.of(fact.subject(), fact.relation().phrasings().get(0), newObject);
        probes.add(new Probe("the edit", fact.prompt(0), newObject));
        if (paraphrases.isEmpty()) {
          for (int k = 1; k < Math.min(3, fact.relation().phrasings().size()); k++) {
            probes.add(new Probe("paraphrase", fact.prompt(k), newObject));
          }
        }
        if (unrelated.isEmpty()) {
          for (World.Fact other : unrelatedFacts(world, fact, random)) {
            probes.add(new Probe("unrelated", other.prompt(random.nextInt(other.relation().phrasings().size())),
                null));
          }
        }
      } else {
        request = given;
        probes.add(new Probe("the edit", request.getPrompt(), target.strip()));
      }
      for (String para : paraphrases) {
        probes.add(new Probe("paraphrase", para, request.getNewObject()));
      }
      for (String u : unrelated) {
        probes.add(new Probe("unrelated", u, null));
      }

      List<String> before = answers(lm, probes);
      out.println();
      out.println("Before the edit:");
      for (int i = 0; i < probes.size(); i++) {
        out.printf("  %-12s %s%s%n", probes.get(i).kind(), probes.get(i).prompt(), before.get(i));
      }
      out.println();
      out.printf("Editing \"%s\" -> \"%s\" (layer %s, %s)...%n", request.getPrompt(), request.getNewObject(),
          options.getLayer() == null ? "default" : options.getLayer(), p.getId());
      out.flush();
      ProcessMemory.resetPeak();
      ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
      EditResult r = editor.newCall(request, bar).execute();
      long peak = ProcessMemory.peakResidentBytes().orElse(-1);
      List<String> after = answers(lm, probes);
      out.println();
      out.println("After the edit:");
      int good = 0;
      for (int i = 0; i < probes.size(); i++) {
        Probe pr = probes.get(i);
        boolean ok = pr.expected() != null ? startsWithWord(after.get(i), pr.expected())
            : after.get(i).equals(before.get(i));
        good += ok ? 1 : 0;
        String verdict = pr.expected() != null ? (ok ? "new fact" : "not the new fact")
            : (ok ? "unchanged" : "CHANGED");
        out.printf("  %-12s %s%s   [%s]%n", pr.kind(), pr.prompt(), after.get(i), verdict);
      }
      out.println();
      long prep = Math.min(bar.preparationMillis(), r.getWallMillis());
      out.printf(Locale.ROOT, "%s in %d steps (%s), %,d forward passes, %.1f s (%.1f s preparing: context templates"
          + " and key statistics, kept for later edits; %.1f s searching), peak memory %s; %d of %d checks as"
          + " expected.%n", r.isSuccess() ? "Edited" : "NOT edited", r.getSteps(),
          r.getStopReason().name().toLowerCase(Locale.ROOT).replace('_', ' '), r.getForwardPasses(),
          r.getWallMillis() / 1000.0, prep / 1000.0, (r.getWallMillis() - prep) / 1000.0,
          peak < 0 ? "n/a" : (peak >> 20) + " MiB", good, probes.size());
      out.println("Try your own: mobiedit demo --subject \"...\" --relation \"...\" --target \"...\""
          + (world != null ? " (mobiedit demo --list shows the world)." : "."));
      return r.isSuccess() ? 0 : ExitCode.FAILED.code();
    }
  }

  /** Checks every option that needs no model; returns the precision. */
  private Precision checkOptions(OptionCheck check) {
    if (model != null) {
      check.exists("--model", model);
    }
    Precision p = check.precision("--precision", precision);
    where.check(check);
    if (layer != null) {
      check.range("--layer", layer, 0, Integer.MAX_VALUE, "");
    }
    if (list && recall) {
      throw check.fail("--list and --recall are two different runs: choose one.");
    }
    if ((list || recall) && (subject != null || relation != null || target != null || !paraphrases.isEmpty()
        || !unrelated.isEmpty())) {
      throw check.fail((list ? "--list" : "--recall") + " covers the whole world and edits nothing: drop --subject,"
          + " --relation, --target, --paraphrase and --unrelated, or drop " + (list ? "--list" : "--recall") + ".");
    }
    if (subject != null) {
      check.nonBlank("--subject", subject);
    }
    if (relation != null) {
      check.nonBlank("--relation", relation);
    }
    if (target != null) {
      check.nonBlank("--target", target);
    }
    paraphrases.forEach(text -> check.nonBlank("--paraphrase", text));
    unrelated.forEach(text -> check.nonBlank("--unrelated", text));
    return p;
  }

  /** An editor that owns the model (closing it closes the model); the model is closed if it cannot be opened. */
  private static Editor openOn(Model lm, EditOptions options) {
    try {
      return MobiEdit.open(lm, options);
    } catch (RuntimeException e) {
      lm.close();
      throw e;
    }
  }

  /** The embedded demo model, copied to a temporary folder. */
  private static Path extractDemoModel() {
    try {
      return WorldModel.extract();
    } catch (java.io.UncheckedIOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, e.getMessage() + ". Free some space in "
          + System.getProperty("java.io.tmpdir") + ", or give --model.", e);
    }
  }

  private static void requireWorld(OptionCheck check, @Nullable World world, String option) {
    if (world == null) {
      throw check.fail(option + " needs a model folder with a world.json (the embedded demo model has one; run"
          + " without --model).");
    }
  }

  /** The greedy answers to the probes' prompts. */
  private static List<String> answers(Model lm, List<Probe> probes) {
    return probes.stream().map(p -> answer(lm, p.prompt())).collect(Collectors.toList());
  }

  /** The model's greedy answer to a prompt, cut at the end of the sentence. */
  private static String answer(Model lm, String prompt) {
    return sentenceEnd(lm.generate(prompt, GenerationOptions.greedy(ANSWER_TOKENS)).getText());
  }

  static String sentenceEnd(String text) {
    int cut = text.length();
    for (String stop : new String[] {".", "\n"}) {
      int i = text.indexOf(stop);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    return text.substring(0, cut).stripTrailing();
  }

  static boolean startsWithWord(String answer, String expected) {
    String a = answer.strip();
    return a.startsWith(expected) && (a.length() == expected.length() || !Character.isLetterOrDigit(
        a.charAt(expected.length())));
  }

  /** A fact the model states correctly in its first two phrasings, picked with the seed. */
  private static World.Fact pickKnownFact(Model lm, World world, SplittableRandom random) {
    List<World.Fact> facts = world.facts();
    World.Fact first = facts.get(random.nextInt(facts.size()));
    World.Fact f = first;
    for (int attempt = 0; attempt < 50; attempt++) {
      boolean known = true;
      for (int k = 0; k < Math.min(2, f.relation().phrasings().size()) && known; k++) {
        known = startsWithWord(answer(lm, f.prompt(k)), f.object());
      }
      if (known) {
        return f;
      }
      f = facts.get(random.nextInt(facts.size()));
    }
    return first;
  }

  /** The world's fact named by --subject and --relation (both checked against the world). */
  private World.Fact chosenFact(OptionCheck check, World world) {
    String who = world.subject(subject).orElseThrow(() -> check.fail("--subject " + OptionCheck.quoted(subject)
        + " is not in the demo world. " + world.describe(3) + "\nRun 'mobiedit demo --list' for every fact."));
    if (relation == null) {
      throw check.fail("Give --relation too; " + who + "'s relations are " + relationsOf(world, who) + ".");
    }
    World.Relation rel = world.relation(relation).orElseThrow(() -> check.fail("--relation "
        + OptionCheck.quoted(relation) + " is not a relation of the demo world; " + who + "'s relations are "
        + relationsOf(world, who) + "."));
    return world.fact(who, rel).orElseThrow(() -> check.fail(who + " has no \"" + rel.name() + "\" fact (that"
        + " relation is for a " + rel.subjectKind() + "); " + who + "'s relations are " + relationsOf(world, who)
        + "."));
  }

  private static String relationsOf(World world, String subject) {
    return world.factsOf(subject).stream().map(f -> "\"" + f.relation().name() + "\"")
        .collect(Collectors.joining(", "));
  }

  private static String pickOther(World world, World.Fact fact, SplittableRandom random) {
    List<String> choices = world.objectsOf(fact.relation()).stream().filter(o -> !o.equals(fact.object()))
        .collect(Collectors.toList());
    return choices.get(random.nextInt(choices.size()));
  }

  /** Two facts of other subjects: one of the same relation (the hardest to leave alone), one of another relation. */
  private static List<World.Fact> unrelatedFacts(World world, World.Fact fact, SplittableRandom random) {
    List<World.Fact> same = new ArrayList<>();
    List<World.Fact> other = new ArrayList<>();
    for (World.Fact f : world.facts()) {
      if (!f.subject().equals(fact.subject())) {
        (f.relation().equals(fact.relation()) ? same : other).add(f);
      }
    }
    List<World.Fact> out = new ArrayList<>();
    if (!same.isEmpty()) {
      out.add(same.get(random.nextInt(same.size())));
    }
    if (!other.isEmpty()) {
      out.add(other.get(random.nextInt(other.size())));
    }
    return out;
  }

  private static void printWorld(PrintWriter out, World world) {
    out.println(world.describe(3));
    out.println();
    String last = null;
    for (World.Fact f : world.facts()) {
      if (!f.subject().equals(last)) {
        out.println(f.subject() + ":");
        last = f.subject();
      }
      out.printf("  %-10s %s%n", f.relation().name(), f.object());
    }
  }

  private static void printRecall(PrintWriter out, WorldRecall r, World world) {
    out.printf(Locale.ROOT, "Facts stated correctly (greedy), of %d:%n", world.facts().size());
    for (int k = 0; k < r.perPhrasing().length; k++) {
      out.printf(Locale.ROOT, "  phrasing %d: %.1f%%%n", k + 1, 100 * r.perPhrasing()[k]);
    }
    out.printf(Locale.ROOT, "  in at least two phrasings: %.1f%%; in every phrasing: %.1f%%%n", 100 * r.atLeastTwo(),
        100 * r.every());
  }
}
