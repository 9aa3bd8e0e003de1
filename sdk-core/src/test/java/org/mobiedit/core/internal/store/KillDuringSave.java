package org.mobiedit.core.internal.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.AtomicFile;

/**
 * The kill-during-save loop: starts a process that saves patches to one file over and over, kills it with SIGKILL
 * at a random moment of its saves (writing, forcing, renaming, cleaning), and reads the file back; repeats. A torn
 * file is one that fails to read (a partial write or a bad checksum). Temporary files left by the killed saves are
 * counted, and the later saves must remove the stale ones: at the end one more save runs after they are stale (the
 * loop waits for that, or, with {@code backdate}, ages their modification times), and no temporary file may remain.
 *
 * <p>Run by {@code bench/store/kill-during-save.sh} (hundreds of kills) and by {@link EditPatchKillTest} (a few).
 * Usage: {@code KillDuringSave <dir> <kills> [seed] [--backdate]}.
 */
public final class KillDuringSave {
  /** What a run found. */
  public record Figures(int kills, int torn, int intact, int temporaryFilesLeftByKills, int staleRemovedDuringLoop,
      int remainingBeforeFinalSave, int remainingAfterFinalSave, List<String> tornReasons) {
    @Override
    public String toString() {
      return "kills " + kills + ", torn files " + torn + ", intact reads " + intact + ", temporary files left by"
          + " killed saves " + temporaryFilesLeftByKills + ", removed as stale by later saves during the loop "
          + staleRemovedDuringLoop + ", left before the final save " + remainingBeforeFinalSave
          + ", left after it " + remainingAfterFinalSave;
    }
  }

  private KillDuringSave() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int kills = Integer.parseInt(args[1]);
    long seed = args.length > 2 && !args[2].startsWith("--") ? Long.parseLong(args[2]) : 1;
    boolean backdate = List.of(args).contains("--backdate");
    Files.createDirectories(dir);
    long start = System.nanoTime();
    Figures f = run(dir, kills, seed, backdate, (i, line) -> {
      if (i % 25 == 0) {
        System.out.println(line);
      }
    });
    System.out.println(f);
    System.out.printf("wall %.1f s%n", (System.nanoTime() - start) / 1e9);
    for (String r : f.tornReasons()) {
      System.out.println("TORN: " + r);
    }
    System.exit(f.torn() == 0 && f.remainingAfterFinalSave() == 0 ? 0 : 1);
  }

  /** Progress after each kill. */
  @FunctionalInterface
  public interface Progress {
    void after(int kill, String summary);
  }

  public static Figures run(Path dir, int kills, long seed, boolean backdate, Progress progress)
      throws IOException, InterruptedException {
    Path target = dir.resolve("edits.medp");
    SplittableRandom random = new SplittableRandom(seed);
    RepeatedPatchSaver.patch("initial", random).write(target);
    Set<String> seen = new HashSet<>();
    int torn = 0;
    int intact = 0;
    List<String> reasons = new ArrayList<>();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    for (int k = 1; k <= kills; k++) {
      Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), RepeatedPatchSaver.class.getName(), target.toString(),
          Long.toString(seed * 1_000_003L + k)).redirectErrorStream(true).start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        do {
          line = r.readLine();
        } while (line != null && !line.equals("SAVING"));
        if (line == null) {
          throw new IllegalStateException("the saver process ended before saving (exit " + p.waitFor() + ")");
        }
        // A save of this size takes a few to a few tens of milliseconds: the kill lands in any phase of one.
        Thread.sleep(random.nextInt(60));
        p.destroyForcibly(); // SIGKILL on Linux and Android: no shutdown hooks, no finally blocks
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the killed saver did not end");
        }
      }
      try {
        EditPatch back = EditPatch.read(target);
        if (back.edits().isEmpty()) {
          throw new IllegalStateException("no edits");
        }
        intact++;
      } catch (MobiEditException | IllegalStateException e) {
        torn++;
        reasons.add("kill " + k + ": " + e.getMessage());
      }
      List<String> now = temporaryFiles(dir);
      seen.addAll(now);
      progress.after(k, "kill " + k + ": torn " + torn + ", temporary files seen " + seen.size() + ", present "
          + now.size());
    }
    List<String> before = temporaryFiles(dir);
    int removedDuringLoop = seen.size() - before.size();
    // The leftovers are stale once unmodified for AtomicFile.STALE_AFTER_MILLIS: wait for that, or age them.
    if (backdate) {
      for (String name : before) {
        Files.setLastModifiedTime(dir.resolve(name),
            FileTime.fromMillis(System.currentTimeMillis() - AtomicFile.STALE_AFTER_MILLIS - 1000));
      }
    } else if (!before.isEmpty()) {
      long youngest = 0;
      for (String name : before) {
        youngest = Math.max(youngest, Files.getLastModifiedTime(dir.resolve(name)).toMillis());
      }
      long wait = youngest + AtomicFile.STALE_AFTER_MILLIS + 1000 - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
    }
    RepeatedPatchSaver.patch("final", random).write(target);
    List<String> after = temporaryFiles(dir);
    if (!EditPatch.read(target).modelFingerprint().equals("final")) {
      throw new IllegalStateException("the final save did not replace the file");
    }
    return new Figures(kills, torn, intact, seen.size(), removedDuringLoop, before.size(), after.size(), reasons);
  }

  private static List<String> temporaryFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).sorted()
          .collect(Collectors.toList());
    }
  }
}
