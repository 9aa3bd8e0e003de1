package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.api.MobiEditException;

/**
 * Runs a seeded, deterministic mutation campaign: each target gets its share of the inputs; input {@code i} of
 * target {@code t} is made by a random generator seeded from (campaign seed, t, i) alone, so any input is rebuilt
 * from the seed and its index, whatever ran before it. Each input runs on a worker thread under the time bound and
 * ends as a {@link Verdict}; findings are saved by a {@link FindingStore}.
 */
final class FuzzCampaign implements AutoCloseable {
  private final FuzzSettings settings;
  private final Path work;
  private final List<CampaignTargets.Planned> targets;
  private final SeedFiles files;
  private final BoundedRunner runner;
  private final FindingStore store;
  private final List<Path> leftBehind = new ArrayList<>();

  private FuzzCampaign(FuzzSettings settings, Path work, SeedFiles files, List<CampaignTargets.Planned> targets) {
    this.settings = settings;
    this.work = work;
    this.files = files;
    this.targets = targets;
    this.runner = new BoundedRunner(settings.timeoutMillis());
    this.store = new FindingStore(settings.findings(), settings.seed());
  }

  static FuzzCampaign create(FuzzSettings settings) throws IOException {
    Path work = Files.createTempDirectory("mobiedit-fuzz-");
    SeedFiles files = SeedFiles.locate();
    SeedMutator mutator = new SeedMutator(files);
    return new FuzzCampaign(settings, work, files, CampaignTargets.build(files, mutator, work, settings::runs));
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

  CampaignReport run() {
    CampaignReport report = new CampaignReport(settings.seed());
    report.notes.addAll(files.missing());
    long start = System.nanoTime();
    int shares = 0;
    for (CampaignTargets.Planned p : targets) {
      if (settings.runs(p.target().name())) {
        shares += p.share();
      }
    }
    for (CampaignTargets.Planned p : targets) {
      FuzzTarget t = p.target();
      if (!settings.runs(t.name())) {
        continue;
      }
      long budget = Math.max(1, Math.round((double) settings.inputs() * p.share() / shares));
      System.out.printf("fuzz: %s, %d inputs from seeds %s%n", t.name(), budget, t.seeds());
      TargetStats stats = report.target(t.name());
      long step = Math.max(1, budget / 10);
      for (long i = 0; i < budget; i++) {
        runOne(t, i, stats, false);
        if ((i + 1) % step == 0 && budget >= 1000) {
          System.out.printf("fuzz: %s %d/%d, %d findings%n", t.name(), i + 1, budget, stats.findingCount());
        }
      }
    }
    report.wallNanos = System.nanoTime() - start;
    if (runner.stillRunning() > 0) {
      report.notes.add(runner.stillRunning() + " abandoned worker thread(s) could not be stopped");
    }
    String table = report.table() + "\nFindings saved in " + store.dir().toAbsolutePath() + "\nReproduce one: "
        + reproduceHint();
    store.summary(table);
    System.out.println(table);
    return report;
  }

  /** Runs the inputs named {@code target:index,...}, printing each outcome with its whole stack trace. */
  CampaignReport replay(String which) {
    CampaignReport report = new CampaignReport(settings.seed());
    for (String one : which.split("\\s*,\\s*")) {
      String[] ti = one.split(":");
      FuzzTarget t = targets.stream().map(CampaignTargets.Planned::target).filter(x -> x.name().equals(ti[0]))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("no target " + ti[0]));
      runOne(t, Long.parseLong(ti[1]), report.target(t.name()), true);
    }
    System.out.println(report.table());
    return report;
  }

  private void runOne(FuzzTarget t, long index, TargetStats stats, boolean verbose) {
    long generateStart = System.nanoTime();
    FuzzInput in = t.generate(index, new SplittableRandom(inputSeed(settings.seed(), t.name(), index)));
    long generated = System.nanoTime() - generateStart;
    Path dir = work.resolve(t.name()).resolve(Long.toString(index));
    BoundedRunner.End end = runner.run(() -> t.run(in, dir));
    Verdict v = verdict(end);
    String signature = signature(v, end);
    String message = message(v, end);
    String example = "#" + index + " " + in.seed() + "/" + in.fileName() + ": " + cut(in.mutation(), 160) + " -> "
        + cut(message, 200);
    int nth = stats.add(v, generated, end.nanos(), signature, example);
    if (verbose) {
      System.out.printf("replay %s:%d (%s/%s): %s%n  mutation: %s%n  %s%n", t.name(), index, in.seed(),
          in.fileName(), v, in.mutation(), end.error() == null ? message : stackTrace(end.error()));
    }
    if (v.isFinding()) {
      store.save(in, v, signature, message + " | " + frames(end), nth);
      try {
        t.recover();
      } catch (RuntimeException e) {
        throw new IllegalStateException("target " + t.name() + " could not recover after input " + index, e);
      }
    }
    if (end.hung()) {
      leftBehind.add(dir); // the abandoned worker may still hold it
    } else {
      InputFiles.deleteTree(dir);
    }
  }

  static Verdict verdict(BoundedRunner.End end) {
    Throwable e = end.error();
    if (end.hung()) {
      return Verdict.HANG;
    }
    if (e == null) {
      return Verdict.OK;
    }
    if (e instanceof OracleViolation o) {
      return o.verdict();
    }
    if (e instanceof MobiEditException) {
      return Verdict.REJECTED;
    }
    if (e instanceof OutOfMemoryError) {
      return Verdict.OUT_OF_MEMORY;
    }
    if (e instanceof StackOverflowError) {
      return Verdict.STACK_OVERFLOW;
    }
    return Verdict.OTHER_EXCEPTION;
  }

  /** What groups findings: the exception type and the first SDK frame it passed (or the reason, for refusals). */
  static String signature(Verdict v, BoundedRunner.End end) {
    Throwable e = end.error();
    switch (v) {
      case OK:
        return "";
      case REJECTED:
        return ((MobiEditException) e).getReason().name();
      case HANG:
        return "at " + sdkFrame(end.hungAt());
      case MODEL_CHANGED:
        Throwable c = e.getCause();
        return "after " + (c instanceof MobiEditException m ? "MobiEditException " + m.getReason()
            : c == null ? "?" : c.getClass().getSimpleName() + " at " + sdkFrame(c.getStackTrace()));
      case NON_FINITE_AFTER_LOAD:
      case NOT_RESTORED_BY_UNDO:
        return "";
      default:
        return e.getClass().getSimpleName() + " at " + sdkFrame(e.getStackTrace());
    }
  }

  /** The first frame in the SDK (not in the fuzzer, the JDK or a library), else the first frame. */
  static String sdkFrame(StackTraceElement[] st) {
    for (StackTraceElement f : st) {
      if (f.getClassName().startsWith("org.mobiedit.") && !f.getClassName().startsWith("org.mobiedit.core.fuzz.")) {
        return shortFrame(f);
      }
    }
    return st.length == 0 ? "?" : shortFrame(st[0]) + " (no SDK frame)";
  }

  private static String shortFrame(StackTraceElement f) {
    String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
    return cls + "." + f.getMethodName() + ":" + f.getLineNumber();
  }

  private static String message(Verdict v, BoundedRunner.End end) {
    if (v == Verdict.HANG) {
      return "no end within the time bound; the worker was at " + sdkFrame(end.hungAt());
    }
    Throwable e = end.error();
    return e == null ? "accepted" : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static String frames(BoundedRunner.End end) {
    StackTraceElement[] st = end.hung() ? end.hungAt() : end.error() == null ? new StackTraceElement[0]
        : end.error().getStackTrace();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(8, st.length); i++) {
      sb.append(i == 0 ? "" : " < ").append(shortFrame(st[i]));
    }
    return sb.toString();
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

  private String reproduceHint() {
    return "bench/fuzz/run.sh --replay <target>:<index> " + settings.seed()
        + "  (or -Dmobiedit.fuzz.seed=" + settings.seed() + " -Dmobiedit.fuzz.replay=<target>:<index>)";
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
    leftBehind.clear();
    InputFiles.deleteTree(work);
  }
}
