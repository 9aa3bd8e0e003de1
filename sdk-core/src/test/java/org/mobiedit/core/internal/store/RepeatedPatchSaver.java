package org.mobiedit.core.internal.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.api.EditRequest;

/**
 * A separate process for {@link KillDuringSave}: saves patches of a few hundred kilobytes to one file, one after the
 * other, each different, until it is killed. Says "SAVING" on stdout once its first save is done (the classes are
 * loaded and the code warm, so that what follows is a steady stream of saves, about 20 ms each with the forces).
 */
public final class RepeatedPatchSaver {
  private RepeatedPatchSaver() {}

  public static void main(String[] args) {
    Path target = Path.of(args[0]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
    patch("saver-" + args[1] + "-save-0", random).write(target);
    System.out.println("SAVING");
    System.out.flush();
    for (long save = 1; ; save++) {
      patch("saver-" + args[1] + "-save-" + save, random).write(target);
    }
  }

  /** A patch shaped like a few edits of a 1B-parameter model (hidden 2048, intermediate 8192), about 160 KB. */
  static EditPatch patch(String fingerprint, SplittableRandom random) {
    List<StoredEdit> edits = new ArrayList<>();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      float[] left = new float[2048];
      float[] right = new float[8192];
      for (int j = 0; j < left.length; j++) {
        left[j] = (float) random.nextDouble(-1, 1);
      }
      for (int j = 0; j < right.length; j++) {
        right[j] = (float) random.nextDouble(-1, 1);
      }
      edits.add(new StoredEdit("edit-" + (i + 1), EditRequest.of("Lily", "{} went to the", "zoo"), 3, left, right));
    }
    return new EditPatch(fingerprint, edits);
  }
}
