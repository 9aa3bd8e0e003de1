package org.mobiedit.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.format.AtomicFile;

class EditPatchTest {
  @TempDir Path dir;

  private static EditPatch patch() {
    return new EditPatch("abc123", List.of(
        new StoredEdit("edit-1", EditRequest.of("Lily", "{} went to the", "zoo"), 1, new float[] {1, -2, 3.5f},
            new float[] {0.25f, 0.5f}),
        new StoredEdit("manager", EditRequest.of("My manager", "is", "Priya"), 0, new float[] {0, 0, 1e-9f},
            new float[] {-1, 1})));
  }

  @Test
  void aPatchReadsBackExactly() {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    EditPatch back = EditPatch.read(f);
    assertEquals("abc123", back.modelFingerprint());
    assertEquals(2, back.edits().size());
    StoredEdit e = back.edits().get(1);
    assertEquals("manager", e.name());
    assertEquals(EditRequest.of("My manager", "is", "Priya"), e.request());
    assertEquals(0, e.layer());
    assertArrayEquals(new float[] {0, 0, 1e-9f}, e.left());
    assertArrayEquals(new float[] {-1, 1}, e.right());
  }

  @Test
  void anyDamagedByteIsDetected() throws IOException {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    byte[] good = Files.readAllBytes(f);
    for (int i = 8; i < good.length; i += 7) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(f, bad);
      assertThatThrownBy(() -> EditPatch.read(f)).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("damaged");
    }
    Files.write(f, Arrays.copyOf(good, good.length - 9));
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining("damaged");
  }

  @Test
  void otherFilesAndOtherVersionsAreRefusedClearly() throws IOException {
    Path f = dir.resolve("x.medp");
    Files.writeString(f, "not an edit file at all");
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining("not a MobiEdit edit file");
    patch().write(f);
    byte[] b = Files.readAllBytes(f);
    b[4] = 9;
    Files.write(f, b);
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining("version 9");
    assertThatThrownBy(() -> EditPatch.read(dir.resolve("missing.medp"))).hasMessageContaining("No edit file");
  }

  @Test
  void aFailedSaveLeavesThePreviousFileIntact() throws IOException {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    byte[] before = Files.readAllBytes(f);
    assertThatThrownBy(() -> AtomicFile.write(f, out -> {
      out.write(new byte[100]);
      throw new IOException("disk full");
    })).isInstanceOf(MobiEditException.class).hasMessageContaining("disk full");
    assertArrayEquals(before, Files.readAllBytes(f));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("edits.medp");
    }
  }

  @Test
  void namesMustBeUnique() {
    StoredEdit e = patch().edits().get(0);
    assertThatThrownBy(() -> new EditPatch("x", List.of(e, e))).hasMessageContaining("unique");
  }
}
