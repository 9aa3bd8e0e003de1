package org.mobiedit.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.SlowPatchWriter;
import org.mobiedit.core.internal.store.StoredEdit;

/**
 * Saves remove the temporary files that killed saves of the same target left behind, and only those: never the
 * file of a writer still alive (it holds a lock on it), never a fresh one, never another target's. A directory the
 * app may not write to is reported as "permission denied" with what to do.
 */
class AtomicFileCleanupTest {
  @TempDir Path dir;

  private static EditPatch patch(String fingerprint) {
    return new EditPatch(fingerprint, List.of(new StoredEdit("first", EditRequest.of("Lily", "{} went to the", "zoo"),
        1, new float[] {1, 2, 3}, new float[] {4, 5})));
  }

  private Path leftover(String name, long ageMillis) throws IOException {
    Path p = Files.write(dir.resolve(name), new byte[100]);
    Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - ageMillis));
    return p;
  }

  private List<String> files() throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void staleTemporaryFilesOfKilledSavesOfTheSameTargetAreRemovedAtTheNextSave() throws IOException {
    long stale = AtomicFile.STALE_AFTER_MILLIS + 60_000;
    leftover(".edits.medp.123.tmp", stale);
    leftover(".edits.medp.18446744073709551615.tmp", stale);
    leftover(".edits.medp.backup.55.tmp", stale); // the target "edits.medp.backup"'s
    leftover(".other.medp.1.tmp", stale); // another target's
    leftover(".edits.medp.notes.tmp", stale); // not a name this SDK makes
    leftover(".edits.medp.77.tmp", 0); // fresh: a writer may have just created it
    patch("fingerprint-1").write(dir.resolve("edits.medp"));
    assertThat(files()).containsExactly(".edits.medp.77.tmp", ".edits.medp.backup.55.tmp", ".edits.medp.notes.tmp",
        ".other.medp.1.tmp", "edits.medp");
  }

  @Test
  void theTemporaryFileOfALiveWriterInAnotherProcessIsKeptAndRemovedOnceItIsKilled() throws Exception {
    Path f = dir.resolve("edits.medp");
    patch("fingerprint-1").write(f);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        SlowPatchWriter.class.getName(), f.toString()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = r.readLine();
      } while (line != null && !line.equals("HALFWAY"));
      assertEquals("HALFWAY", line, "the writer process never reached the middle of its save");
      Path tmp;
      try (var s = Files.list(dir)) {
        tmp = s.filter(x -> x.getFileName().toString().endsWith(".tmp")).findFirst().orElseThrow();
      }
      // Even with an old modification time, the live writer's lock keeps its file.
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() - 10 * 60_000));
      patch("fingerprint-2").write(f);
      assertThat(Files.exists(tmp)).as("the live writer's temporary file was removed").isTrue();

      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() - 10 * 60_000));
      patch("fingerprint-3").write(f);
      assertThat(Files.exists(tmp)).as("the killed writer's temporary file was kept").isFalse();
      assertThat(files()).containsExactly("edits.medp");
      assertEquals("fingerprint-3", EditPatch.read(f).modelFingerprint());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aTargetThatIsAFolderIsNeverReplaced() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("edits.medp"));
    Files.writeString(folder.resolve("keep.txt"), "mine");
    assertThatThrownBy(() -> patch("fingerprint-1").write(folder))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("not a regular file");
    assertThat(Files.readString(folder.resolve("keep.txt"))).isEqualTo("mine");
  }

  @Test
  void aDirectoryTheAppMayNotWriteToSaysPermissionDenied() throws IOException {
    assumeThat(System.getProperty("user.name")).as("root ignores directory permissions").isNotEqualTo("root");
    Path f = dir.resolve("edits.medp");
    patch("fingerprint-1").write(f);
    byte[] before = Files.readAllBytes(f);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertThatThrownBy(() -> patch("fingerprint-2").write(f)).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("permission denied")
          .hasMessageContaining("Give the app write access to " + dir);
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    assertArrayEquals(before, Files.readAllBytes(f));
  }

  @Test
  void aPermissionDeniedWhileWritingSaysSoAndWhatToDo() throws IOException {
    Path f = dir.resolve("edits.medp");
    patch("fingerprint-1").write(f);
    byte[] before = Files.readAllBytes(f);
    assertThatThrownBy(() -> AtomicFile.write(f, out -> {
      throw new AccessDeniedException(f.toString());
    })).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("Cannot write " + f + ": permission denied")
        .hasMessageContaining("save to a folder it can write to")
        .extracting(e -> ((MobiEditException) e).getReason())
        .isEqualTo(MobiEditException.Reason.IO);
    assertArrayEquals(before, Files.readAllBytes(f));
    assertThat(files()).containsExactly("edits.medp");
  }
}
