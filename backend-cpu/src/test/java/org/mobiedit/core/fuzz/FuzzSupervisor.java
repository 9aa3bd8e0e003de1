package org.mobiedit.core.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a campaign in a separate JVM ({@link FuzzChild}) with a bounded heap, and keeps it going: an input that kills
 * that JVM (an OutOfMemoryError that hits a thread other than the worker, a crash) or freezes it is recorded as a
 * {@link Verdict#CRASH} and a fresh JVM resumes at the next input. The test JVM itself never runs an input, so no
 * finding can take down the build's test run. Aggregates the per-input results into a {@link CampaignReport}.
 */
final class FuzzSupervisor {
  /** System property naming the run folder, for the child. */
  static final String RUN_FOLDER = "mobiedit.fuzz.runFolder";
  /** System property naming the child's scratch folder (removed by the supervisor when the child has ended). */
  static final String WORK_FOLDER = "mobiedit.fuzz.workFolder";
  /** System property naming the folder of derived seeds, shared by the run's children (removed at the end). */
  static final String SEED_FOLDER = "mobiedit.fuzz.seedFolder";
  private static final long SETUP_MILLIS = TimeUnit.MINUTES.toMillis(10);
  /** Beyond the input's own bound: the worker's stop grace and the reload of a model after a finding. */
  private static final long SLACK_MILLIS = 60_000;
  private static final int MAX_JVMS = 2_000;
  private static final String END = "\u0000end";

  private final FuzzSettings settings;
  private final String mainClass;
  private final Path runFolder;

  FuzzSupervisor(FuzzSettings settings) {
    this(settings, FuzzChild.class.getName());
  }

  /** @param mainClass the campaign JVM's main class (a test of the supervisor gives its own) */
  FuzzSupervisor(FuzzSettings settings, String mainClass) {
    this.settings = settings;
    this.mainClass = mainClass;
    this.runFolder = settings.findings().toAbsolutePath()
        .resolve((settings.replay() == null ? "seed-" : "replay-seed-") + settings.seed());
  }

  Path runFolder() {
    return runFolder;
  }

  CampaignReport run() throws IOException, InterruptedException {
    FindingStore store = FindingStore.fresh(runFolder);
    CampaignReport report = new CampaignReport(settings.seed());
    long start = System.nanoTime();
    String resumeTarget = null;
    long resumeIndex = 0;
    boolean anyInput = false;
    for (int jvm = 1; ; jvm++) {
      if (jvm > MAX_JVMS) {
        throw new IllegalStateException("gave up after " + MAX_JVMS + " campaign JVMs");
      }
      Path log = runFolder.resolve("jvm-" + jvm + ".log");
      Path work = runFolder.resolve("work-" + jvm);
      Child child = new Child(launch(resumeTarget, resumeIndex, log, work), report);
      child.follow();
      InputFiles.deleteTree(work); // what a JVM that died could not remove (sparse files of gigabytes among it)
      report.cpuNanos += child.cpuNanos;
      anyInput |= child.lastIndex >= 0 || child.pendingTarget != null;
      if (child.done) {
        break;
      }
      if (child.redoTarget != null) {
        resumeTarget = child.redoTarget;
        resumeIndex = child.redoIndex;
      } else if (child.pendingTarget != null) {
        String why = child.stuck ? "the JVM stopped answering" : "the JVM exited with code " + child.exitCode;
        String signature = child.stuck ? "JVM froze" : "JVM died (exit code " + child.exitCode + ")";
        String example = "#" + child.pendingIndex + " (" + why + "; its output is in " + log.getFileName()
            + "; replay the input with its index) " + lastLine(log);
        report.target(child.pendingTarget).add(Verdict.CRASH, 0, 0, signature, example);
        store.line(child.pendingTarget, child.pendingIndex, Verdict.CRASH, signature, "?", "?", 0, "?", example);
        resumeTarget = child.pendingTarget;
        resumeIndex = child.pendingIndex + 1;
      } else if (child.lastTarget != null) {
        resumeTarget = child.lastTarget; // asked for a fresh JVM, or died between two inputs
        resumeIndex = child.lastIndex + 1;
      } else if (!anyInput) {
        throw new IllegalStateException("the campaign JVM ended before its first input (exit code "
            + child.exitCode + "); its output: " + log + "\n" + tail(log));
      }
      if (settings.replay() != null) {
        break;
      }
    }
    report.wallNanos = System.nanoTime() - start;
    InputFiles.deleteTree(runFolder.resolve("seeds"));
    String table = report.table() + "\nFindings saved in " + runFolder + "\nReproduce one: bench/fuzz/run.sh --replay"
        + " <target>:<index> " + settings.seed() + "\n";
    store.summary(table);
    System.out.println(table);
    if (settings.replay() != null) {
      for (int jvm = 1; Files.exists(runFolder.resolve("jvm-" + jvm + ".log")); jvm++) {
        System.out.println(tail(runFolder.resolve("jvm-" + jvm + ".log")));
      }
    }
    return report;
  }

  private Process launch(String resumeTarget, long resumeIndex, Path log, Path work) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + System.getProperty("mobiedit.fuzz.heap", "1g"));
    // else the JIT replaces a frequent implicit exception (a failed cast) by one without a stack trace, and findings
    // would lose the frame that tells where they come from
    cmd.add("-XX:-OmitStackTraceInFastThrow");
    // a StackOverflowError's trace keeps only its top 1,024 frames by default: all inside the recursion, none of the
    // SDK code that entered it
    cmd.add("-XX:MaxJavaStackTraceDepth=200000");
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
      String k = e.getKey().toString();
      if (k.startsWith("mobiedit.") && !k.equals(RUN_FOLDER) && !k.equals(WORK_FOLDER) && !k.equals(SEED_FOLDER)) {
        cmd.add("-D" + k + "=" + e.getValue());
      }
    }
    cmd.add("-D" + RUN_FOLDER + "=" + runFolder);
    cmd.add("-D" + WORK_FOLDER + "=" + work);
    cmd.add("-D" + SEED_FOLDER + "=" + runFolder.resolve("seeds"));
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(mainClass);
    if (resumeTarget != null) {
      cmd.add(resumeTarget);
      cmd.add(Long.toString(resumeIndex));
    }
    return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
  }

  /** The test class path: surefire's own property, since java.class.path may be a manifest-only jar. */
  private static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** One campaign JVM, followed line by line. */
  private final class Child {
    private final Process process;
    private final CampaignReport report;
    boolean done;
    boolean stuck;
    int exitCode;
    long cpuNanos;
    String pendingTarget;
    long pendingIndex;
    String lastTarget;
    long lastIndex = -1;
    String redoTarget;
    long redoIndex;

    Child(Process process, CampaignReport report) {
      this.process = process;
      this.report = report;
    }

    void follow() throws InterruptedException {
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException e) {
          // the JVM went away: handled as its end
        }
        lines.add(END);
      }, "fuzz-supervisor-reader");
      reader.setDaemon(true);
      reader.start();
      boolean started = false;
      while (true) {
        long wait = started ? settings.timeoutMillis() + SLACK_MILLIS : SETUP_MILLIS;
        String line = lines.poll(wait, TimeUnit.MILLISECONDS);
        if (line == null) {
          stuck = true;
          process.destroyForcibly();
          process.waitFor();
          exitCode = process.exitValue();
          return;
        }
        if (line.equals(END)) {
          exitCode = process.waitFor();
          return;
        }
        String[] f = Protocol.parse(line);
        if (f == null) {
          continue;
        }
        switch (f[0]) {
          case "TARGET":
            started = true;
            if (!report.targets.containsKey(f[1])) {
              System.out.printf("fuzz: %s, %s inputs from seeds %s%n", f[1], f[2], f[3]);
              report.target(f[1]);
            }
            break;
          case "NOTE":
            if (!report.notes.contains(f[1])) {
              report.notes.add(f[1]);
            }
            break;
          case "BEGIN":
            pendingTarget = f[1];
            pendingIndex = Long.parseLong(f[2]);
            break;
          case "RESULT": {
            TargetStats t = report.target(f[1]);
            t.add(Verdict.valueOf(f[3]), Long.parseLong(f[5]), Long.parseLong(f[4]), f[6], f[7]);
            cpuNanos = Math.max(cpuNanos, Long.parseLong(f[8]));
            lastTarget = f[1];
            lastIndex = Long.parseLong(f[2]);
            pendingTarget = null;
            if (t.inputs % 10_000 == 0) {
              System.out.printf("fuzz: %s %d inputs, %d findings%n", f[1], t.inputs, t.findingCount());
            }
            break;
          }
          case "REDO":
            redoTarget = f[1];
            redoIndex = Long.parseLong(f[2]);
            pendingTarget = null;
            break;
          case "DONE":
            done = true;
            cpuNanos = Math.max(cpuNanos, Long.parseLong(f[1]));
            break;
          default:
            break;
        }
      }
    }
  }

  private static String lastLine(Path log) {
    List<String> lines = lines(log);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank() && !lines.get(i).startsWith("\tat ")) {
        return lines.get(i).strip();
      }
    }
    return "";
  }

  private static String tail(Path log) {
    List<String> lines = lines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 200), lines.size()));
  }

  private static List<String> lines(Path log) {
    try {
      return new ArrayList<>(List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n")));
    } catch (IOException e) {
      return new ArrayList<>();
    }
  }
}
