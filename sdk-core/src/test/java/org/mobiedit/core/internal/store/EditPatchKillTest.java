package org.mobiedit.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditRequest;

/** Kills a real process in the middle of saving a patch (SIGKILL: no shutdown hooks, no finally blocks). */
class EditPatchKillTest {
  @TempDir Path dir;

  /** The short form of bench/store/kill-during-save.sh (which runs hundreds of kills). */
  @Test
  void twentyKillsAtRandomMomentsOfSavesLeaveNoTornFileAndTheLeftoversAreRemovedByTheNextSave() throws Exception {
    KillDuringSave.Figures f = assertTimeoutPreemptively(Duration.ofSeconds(120),
        () -> KillDuringSave.run(dir, 20, 15, true, (k, line) -> { }));
    assertThat(f.tornReasons()).isEmpty();
    assertThat(f.torn()).isZero();
    assertThat(f.intact()).isEqualTo(20);
    assertThat(f.remainingAfterFinalSave()).as(f.toString()).isZero();
  }

  @Test
  void aWriterKilledMidSaveLeavesTheOldFileIntact() throws Exception {
    Path f = dir.resolve("edits.medp");
    EditPatch old = new EditPatch("fingerprint-1", List.of(new StoredEdit("first",
        EditRequest.of("Lily", "{} went to the", "zoo"), 1, new float[] {1, 2, 3}, new float[] {4, 5})));
    old.write(f);
    byte[] before = Files.readAllBytes(f);

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        SlowPatchWriter.class.getName(), f.toString()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = r.readLine();
      } while (line != null && !line.equals("HALFWAY"));
      assertEquals("HALFWAY", line, "the writer process never reached the middle of its save");
      // The half-written bytes are on disk in the writer's temporary file now.
      try (var files = Files.list(dir)) {
        assertThat(files.filter(x -> x.getFileName().toString().endsWith(".tmp")).count()).isEqualTo(1);
      }
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertArrayEquals(before, Files.readAllBytes(f));
    EditPatch back = EditPatch.read(f);
    assertEquals("fingerprint-1", back.modelFingerprint());
    assertEquals("first", back.edits().get(0).name());
  }
}
