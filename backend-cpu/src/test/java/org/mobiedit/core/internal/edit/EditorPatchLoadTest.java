package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.model.LanguageModel;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.StoredEdit;

/**
 * {@code Editor.load} checks every edit of a patch against the model before applying any, and applies the file whole
 * or not at all: a bad second edit (behind a valid checksum) leaves the first unapplied, with an {@code EDIT_STORE}
 * error naming the file.
 */
class EditorPatchLoadTest {
  @TempDir Path dir;

  /** stories260K: 5 layers, hidden size 64, intermediate size 172. */
  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  /** A small, sane update (norm about 0.5). */
  private static StoredEdit good(String name) {
    return new StoredEdit(name, EditRequest.of("Lily", "{} went to the", "zoo"), 1, filled(64, 0.05f),
        filled(172, 0.076f));
  }

  private static StoredEdit bad(int layer, float[] left, float[] right) {
    return new StoredEdit("second", EditRequest.of("Tom", "{} saw a big", "cat"), layer, left, right);
  }

  private static float[] with(float[] a, int i, float v) {
    float[] b = a.clone();
    b[i] = v;
    return b;
  }

  static Stream<Arguments> badSecondEdits() {
    float[] l = filled(64, 0.05f);
    float[] r = filled(172, 0.076f);
    return Stream.of(
        Arguments.of("NaN in left", bad(1, with(l, 5, Float.NaN), r), "left[5] is NaN"),
        Arguments.of("infinity in right", bad(1, l, with(r, 9, Float.NEGATIVE_INFINITY)), "right[9] is -Infinity"),
        Arguments.of("negative layer", bad(-1, l, r), "layer -1 does not exist"),
        Arguments.of("layer past the last", bad(5, l, r), "layer 5 does not exist"),
        Arguments.of("short left", bad(1, filled(63, 0.05f), r), "left vector has 63 values"),
        Arguments.of("long right", bad(1, l, filled(173, 0.076f)), "right vector has 173 values"),
        Arguments.of("finite but extreme", bad(1, with(l, 0, 3.4e38f), r), "above the limit"),
        Arguments.of("all values near float's maximum", bad(1, filled(64, 3.4e38f), filled(172, 3.4e38f)),
            "above the limit"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSecondEdits")
  void aPatchWithOneBadEditIsRefusedWholeNamingTheFile(String what, StoredEdit second, String why) {
    try (LanguageModel lm = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      Path file = dir.resolve("two-edits.medp");
      new EditPatch(lm.files().fingerprint(), List.of(good("first"), second)).write(file);
      float[] before = Stories260K.logits(lm);
      assertThatThrownBy(() -> editor.load(file)).isInstanceOf(MobiEditException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("edit 2 of 2")
          .hasMessageContaining(why)
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.EDIT_STORE);
      assertArrayEquals(before, Stories260K.logits(lm), "part of the refused patch was applied");
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }

  @Test
  void anUpdateJustInsideTheLimitKeepsEveryLogitFinite() {
    try (LanguageModel lm = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      Path file = dir.resolve("large.medp");
      // |left| = 0.99e6 (one value), |right| = 1: the largest update a patch may hold.
      new EditPatch(lm.files().fingerprint(), List.of(new StoredEdit("large", EditRequest.of("Lily", "{} went to the",
          "zoo"), 1, with(new float[64], 0, 0.99e6f), with(new float[172], 0, 1)))).write(file);
      editor.load(file);
      assertThat(editor.getAppliedEdits()).containsExactly("large");
      for (float v : Stories260K.logits(lm)) {
        assertThat(Float.isFinite(v)).isTrue();
      }
    }
  }

  @Test
  void anEditFailingToApplyRevertsTheEditsOfTheFileAppliedBeforeIt() {
    AtomicInteger applies = new AtomicInteger();
    try (LanguageModel lm = Stories260K.load(real -> Stories260K.failing(real, "applyRankOne", () -> {
      if (applies.incrementAndGet() == 3) {
        throw new MobiEditException(MobiEditException.Reason.BACKEND_FAILURE, "the accelerator ran out of memory");
      }
    }))) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      Path file = dir.resolve("three-edits.medp");
      new EditPatch(lm.files().fingerprint(), List.of(good("a"), good("b"), good("c"))).write(file);
      float[] before = Stories260K.logits(lm);
      assertThatThrownBy(() -> editor.load(file)).isInstanceOf(MobiEditException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("applying edit 3 of 3 failed")
          .hasMessageContaining("ran out of memory")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.EDIT_STORE);
      assertThat(applies.get()).isEqualTo(3);
      assertArrayEquals(before, Stories260K.logits(lm), "the first two edits of the file stayed applied");
      assertThat(editor.getAppliedEdits()).isEmpty();
    }
  }

  @Test
  void aPatchForAnotherModelOrAlreadyLoadedIsRefused() {
    try (LanguageModel lm = Stories260K.load()) {
      MobiEditor editor = new MobiEditor(lm, Stories260K.OPTIONS);
      Path foreign = dir.resolve("foreign.medp");
      new EditPatch("another-model", List.of(good("a"))).write(foreign);
      assertThatThrownBy(() -> editor.load(foreign)).hasMessageContaining(foreign.toString())
          .hasMessageContaining("another model")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.EDIT_STORE);
      Path file = dir.resolve("edits.medp");
      new EditPatch(lm.files().fingerprint(), List.of(good("a"))).write(file);
      editor.load(file);
      float[] once = Stories260K.logits(lm);
      assertThatThrownBy(() -> editor.load(file)).hasMessageContaining(file.toString())
          .hasMessageContaining("already applied")
          .extracting(e -> ((MobiEditException) e).getReason())
          .isEqualTo(MobiEditException.Reason.EDIT_STORE);
      assertArrayEquals(once, Stories260K.logits(lm));
      assertThat(editor.getAppliedEdits()).containsExactly("a");
    }
  }
}
