package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.edit.MobiEditor;
import org.mobiedit.spi.ModelSpec;

/**
 * A mutated patch file given to {@code Editor.load} on the already-loaded demo model. After a failed load the
 * model must be bit-identical (logits of a fixed prompt) and its applied-edit list unchanged; after a successful
 * load its logits must be finite, and undoing the loaded edits must restore the exact logits. One input in 200 is a
 * sparse file of 2 or 3 GB.
 */
final class PatchTarget implements FuzzTarget {
  private final PatchBench bench;
  private final Map<String, PatchLayout> seeds;

  /** @param seeds the seed patches (made by real edits on the bench's model) by name */
  PatchTarget(PatchBench bench, Map<String, PatchLayout> seeds) {
    this.bench = bench;
    this.seeds = seeds;
  }

  @Override
  public String name() {
    return "patch";
  }

  @Override
  public List<String> seeds() {
    return new ArrayList<>(seeds.keySet());
  }

  @Override
  public List<FuzzInput> seedInputs() {
    List<FuzzInput> out = new ArrayList<>();
    seeds.forEach((name, layout) -> out.add(new FuzzInput(name(), -1, name, "edits.medp", layout.bytes, 0,
        "no mutation")));
    return out;
  }

  @Override
  public FuzzInput generate(long index, SplittableRandom r) {
    String seed = seeds().get(r.nextInt(seeds.size()));
    ModelSpec spec = bench.model().spec();
    StringBuilder log = new StringBuilder();
    byte[] b = PatchMutations.mutate(seeds.get(seed), spec.layers(), spec.hiddenSize(), spec.intermediateSize(), r,
        log);
    long sparse = 0;
    if (r.nextInt(200) == 0) {
      sparse = r.nextBoolean() ? (1L << 31) + 64 : 3L << 30;
      log.append(" made a sparse file of ").append(sparse).append(" bytes;");
    }
    return new FuzzInput(name(), index, seed, "edits.medp", b, sparse, log.toString().trim());
  }

  @Override
  public void run(FuzzInput input, Path dir) throws Exception {
    Path file = InputFiles.write(input, dir);
    MobiEditor editor = bench.editor();
    List<String> before = editor.getAppliedEdits();
    float[] baseline = bench.baseline();
    try {
      editor.load(file);
    } catch (Throwable failure) {
      List<String> after = editor.getAppliedEdits();
      float[] logits = bench.probe();
      if (!after.equals(before) || !Bits.same(baseline, logits)) {
        String what = failure instanceof MobiEditException m ? "MobiEditException " + m.getReason()
            : failure.getClass().getName();
        throw new OracleViolation(Verdict.MODEL_CHANGED, "Editor.load failed (" + what + ": "
            + String.valueOf(failure.getMessage()).lines().findFirst().orElse("") + ") but the applied edits went "
            + before + " -> " + after + " and the logits differ at " + Bits.firstDifference(baseline, logits),
            failure);
      }
      throw failure;
    }
    List<String> added = new ArrayList<>(editor.getAppliedEdits());
    added.removeAll(before);
    float[] loaded = bench.probe();
    Collections.reverse(added);
    for (String name : added) {
      editor.undo(name);
    }
    float[] restored = bench.probe();
    if (!Bits.same(baseline, restored)) {
      throw new OracleViolation(Verdict.NOT_RESTORED_BY_UNDO, "undoing the loaded edits " + added
          + " left the logits changed at " + Bits.firstDifference(baseline, restored), null);
    }
    if (!Bits.allFinite(loaded)) {
      throw new OracleViolation(Verdict.NON_FINITE_AFTER_LOAD, "Editor.load accepted the patch (edits " + added
          + ") and then the model computes non-finite logits for \"" + PatchBench.PROBE + "\"", null);
    }
  }

  @Override
  public void recover() {
    bench.reload();
  }

  @Override
  public void close() {
    bench.close();
  }
}
