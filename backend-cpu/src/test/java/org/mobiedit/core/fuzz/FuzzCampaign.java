package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Runs a seeded, deterministic mutation campaign inside one JVM (started by {@link FuzzSupervisor}): each target gets
 * its share of the inputs; input {@code i} of target {@code t} is made by a random generator seeded from (campaign
 * seed, t, i) alone, so any input is rebuilt from the seed and its index, whatever ran before it. Each input runs on a
 * worker thread under the time bound and ends as an {@link Outcome}, reported through the {@link Protocol}; findings
 * are saved by a {@link FindingStore}.
 */
final class FuzzCampaign implements AutoCloseable {
  private final FuzzSettings settings;
  private final Path work;
  private final List<CampaignTargets.Planned> targets;
  private final BoundedRunner runner;
  private final FindingStore store;
  private final Protocol protocol;
  private final Map<String, TargetStats> seen = new LinkedHashMap<>();
  private int ranHere;

  private FuzzCampaign(FuzzSettings settings, Path work, List<CampaignTargets.Planned> targets, Protocol protocol,
      FindingStore store) {
    this.settings = settings;
    this.work = work;
    this.targets = targets;
    this.protocol = protocol;
    this.store = store;
    this.runner = new BoundedRunner(settings.timeoutMillis());
  }

  static FuzzCampaign create(FuzzSettings settings, Protocol protocol, FindingStore store) throws IOException {
    String folder = System.getProperty(FuzzSupervisor.WORK_FOLDER);
    Path work = folder != null ? Files.createDirectories(Path.of(folder)) : Files.createTempDirectory("mobiedit-fuzz-");
    String seedFolder = System.getProperty(FuzzSupervisor.SEED_FOLDER);
    Path seeds = seedFolder != null ? Path.of(seedFolder) : work.resolve("seeds");
    SeedFiles files = SeedFiles.locate();
    List<CampaignTargets.Planned> targets = CampaignTargets.build(files, new SeedMutator(files), seeds,
        settings::runs);
    files.missing().forEach(m -> protocol.send("NOTE", m));
    return new FuzzCampaign(settings, work, targets, protocol, store);
  }

  /** The seed of input {@code index} of a target: a function of the campaign seed, the target and the index only. */
  static long inputSeed(long seed, String target, long index) {
    long h = mix(seed ^ 0x6d6f626965646974L);
    h = mix(h ^ target.hashCode());
    return mix(h ^ index);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * Runs the plan from input {@code fromIndex} of target {@code fromTarget} (null: from the start). Returns false
   * when it stopped early for a fresh JVM to go on (a worker could not be stopped, an input is to be run again, or
   * this thread ran out of memory); the {@link Protocol} tells the supervisor where to resume.
   */
  boolean run(String fromTarget, long fromIndex) {
    int shares = targets.stream().mapToInt(CampaignTargets.Planned::share).sum();
    boolean started = fromTarget == null;
    for (CampaignTargets.Planned p : targets) {
      FuzzTarget t = p.target();
      long budget = Math.max(1, Math.round((double) settings.inputs() * p.share() / shares));
      protocol.send("TARGET", t.name(), budget, String.join(",", t.seeds()));
      long first = 0;
      if (!started) {
        if (!t.name().equals(fromTarget)) {
          continue;
        }
        started = true;
        first = fromIndex;
      }
      if (first == 0) {
        checkSeeds(t);
      }
      for (long i = first; i < budget; i++) {
        Verdict v;
        try {
          v = runOne(t, i, false);
        } catch (OutOfMemoryError e) {
          // this thread could not record the input (a worker's garbage had the heap): a fresh JVM goes on, and the
          // supervisor records the input as a crash unless its result got out
          protocol.send("RESTART");
          return false;
        }
        if (v == null) {
          return false; // to be run again by a fresh JVM
        }
        if (runner.stillRunning() > 0) {
          protocol.send("RESTART"); // a worker that could not be stopped keeps a core busy
          return false;
        }
      }
    }
    protocol.send("DONE", processCpuNanos());
    return true;
  }

  /** Runs each seed unmutated; one the SDK does not accept is reported (a NOTE), as its inputs test little. */
  private void checkSeeds(FuzzTarget t) {
    for (FuzzInput in : t.seedInputs()) {
      Path dir = work.resolve(t.name()).resolve("seed");
      BoundedRunner.End end = runner.run(() -> t.run(in, dir));
      Outcome o = Outcome.of(end);
      if (o.verdict() != Verdict.OK) {
        protocol.send("NOTE", "seed check: " + t.name() + " " + in.seed() + "/" + in.fileName() + " unmutated ends as "
            + o.verdict() + " " + o.signature() + ": " + cut(o.message(), 300));
        t.recover();
      }
      if (!end.hung()) {
        InputFiles.deleteTree(dir);
      }
    }
  }

  /** Runs the inputs named {@code target:index,...}, printing each outcome with its whole stack trace. */
  void replay(String which) {
    for (String one : which.split("\\s*,\\s*")) {
      String[] ti = one.split(":");
      FuzzTarget t = targets.stream().map(CampaignTargets.Planned::target).filter(x -> x.name().equals(ti[0]))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("no target " + ti[0]));
      protocol.send("TARGET", t.name(), 1, String.join(",", t.seeds()));
      runOne(t, Long.parseLong(ti[1]), true);
    }
    protocol.send("DONE", processCpuNanos());
  }

  /** The input's verdict, or null when a fresh JVM is to run it again. */
  private @Nullable Verdict runOne(FuzzTarget t, long index, boolean verbose) {
    protocol.send("BEGIN", t.name(), index);
    long generateStart = System.nanoTime();
    FuzzInput in = t.generate(index, new SplittableRandom(inputSeed(settings.seed(), t.name(), index)));
    long generated = System.nanoTime() - generateStart;
    Path dir = work.resolve(t.name()).resolve(Long.toString(index));
    BoundedRunner.End end = runner.run(() -> t.run(in, dir));
    ranHere++;
    Outcome o = Outcome.of(end);
    if (!verbose && ranHere > 1 && o.verdict() == Verdict.OUT_OF_MEMORY && end.error().getStackTrace().length == 0) {
      // The JVM gives only its first few OutOfMemoryErrors a stack trace, and the frame is what groups findings:
      // a fresh JVM runs this input again, first.
      protocol.send("REDO", t.name(), index);
      InputFiles.deleteTree(dir);
      return null;
    }
    String example = "#" + index + " " + in.seed() + "/" + in.fileName() + ": " + cut(in.mutation(), 160) + " -> "
        + cut(o.message(), 200);
    int nth = seen.computeIfAbsent(t.name(), TargetStats::new).add(o.verdict(), generated, end.nanos(),
        o.signature(), example);
    if (verbose) {
      System.err.printf("replay %s:%d (%s/%s): %s %s%n  mutation: %s%n  %s%n", t.name(), index, in.seed(),
          in.fileName(), o.verdict(), o.signature(), in.mutation(),
          end.error() == null ? o.message() : stackTrace(end.error()));
    }
    if (o.verdict().isFinding()) {
      store.save(in, o.verdict(), o.signature(), o.message() + " | " + o.frames(), verbose ? 1 : nth);
    }
    protocol.send("RESULT", t.name(), index, o.verdict(), end.nanos(), generated, o.signature(), example,
        processCpuNanos());
    if (o.verdict().isFinding()) {
      t.recover();
    }
    if (!end.hung()) {
      InputFiles.deleteTree(dir); // else the abandoned worker may still hold it; the folder goes at close
    }
    return o.verdict();
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  private static String stackTrace(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    String s = w.toString();
    return s.length() < 20_000 ? s : s.substring(0, 20_000) + "\n... (cut)";
  }

  private static String cut(String s, int n) {
    String t = s == null ? "null" : s.replace('\n', ' ');
    return t.length() <= n ? t : t.substring(0, n - 3) + "...";
  }

  @Override
  public void close() {
    runner.close();
    for (CampaignTargets.Planned p : targets) {
      try {
        p.target().close();
      } catch (RuntimeException e) {
        // closing a model an abandoned worker broke: nothing left to do
      }
    }
    InputFiles.deleteTree(work);
  }
}
