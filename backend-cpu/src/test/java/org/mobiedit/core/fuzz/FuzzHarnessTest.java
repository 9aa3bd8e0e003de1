package org.mobiedit.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditRequest;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.internal.store.EditPatch;
import org.mobiedit.core.internal.store.StoredEdit;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;

/** The fuzzer's own promises: reproducible inputs, mutations that keep what they must, a supervisor that survives. */
class FuzzHarnessTest {
  @TempDir Path dir;

  @Test
  void theSameSeedAndIndexMakeTheSameInputWhateverRanBefore() throws Exception {
    Path config = dir.resolve("config.json");
    Files.writeString(config, "{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
        + "\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0},\"architectures\":[\"LlamaForCausalLM\"]}");
    HfConfigTarget target = new HfConfigTarget(Map.of("c", config), new SeedMutator(SeedFiles.locate()));
    FuzzInput a = target.generate(7, new SplittableRandom(FuzzCampaign.inputSeed(15, "hf-config", 7)));
    for (long i = 0; i < 20; i++) {
      target.generate(i, new SplittableRandom(FuzzCampaign.inputSeed(15, "hf-config", i)));
    }
    FuzzInput b = target.generate(7, new SplittableRandom(FuzzCampaign.inputSeed(15, "hf-config", 7)));
    assertThat(b.bytes()).isEqualTo(a.bytes());
    assertThat(b.mutation()).isEqualTo(a.mutation());
    assertThat(FuzzCampaign.inputSeed(15, "hf-config", 7)).isNotEqualTo(FuzzCampaign.inputSeed(16, "hf-config", 7))
        .isNotEqualTo(FuzzCampaign.inputSeed(15, "gguf-header", 7));
  }

  @Test
  void anEntryAddedToAGgufHeaderKeepsEveryTensorOnItsData() throws Exception {
    Path file = dir.resolve("m.gguf");
    SyntheticModel.writeGguf(ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(32).intermediateSize(48)
        .layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(32).rmsNormEps(1e-5f).ropeTheta(1e4).build(),
        file, 1, DType.F32);
    GgufLayout layout = GgufLayout.parse(Files.readAllBytes(file));
    byte[] entry = new GgufBytes().string("fuzz.extra").u32(GgufBytes.STRING).string("x".repeat(37)).toBytes();
    Path rebuilt = dir.resolve("r.gguf");
    Files.write(rebuilt, layout.rebuild(layout.metadataEnd, layout.metadataEnd, entry, 1, 0));
    GgufFile before = GgufFile.open(file);
    GgufFile after = GgufFile.open(rebuilt);
    assertThat(after.metadata()).containsEntry("fuzz.extra", "x".repeat(37));
    assertThat(after.dataOffset() % layout.alignment).isZero();
    assertThat(Files.size(rebuilt) - after.dataOffset()).isEqualTo(Files.size(file) - before.dataOffset());
    assertThat(after.tensors()).hasSameSizeAs(before.tensors());
  }

  @Test
  void aPatchWithItsCrcRecomputedReachesTheChecksAfterTheChecksum() throws Exception {
    Path file = dir.resolve("p.medp");
    new EditPatch("fp", List.of(new StoredEdit("edit-1", EditRequest.of("Zevour", "{} was born in", "Gaizobu"), 1,
        new float[] {1, 2, 3}, new float[] {4, 5}))).write(file);
    PatchLayout layout = PatchLayout.parse(Files.readAllBytes(file));
    byte[] b = layout.bytes.clone();
    PatchLayout.Edit e = layout.edits.get(0);
    LittleEndian.put(b, e.rightFloats() + 4, 4, Float.floatToRawIntBits(7f));
    Files.write(file, PatchLayout.withCrc(b));
    assertThat(EditPatch.read(file).edits().get(0).right()).containsExactly(4f, 7f);
  }

  @Test
  void aCampaignJvmThatDiesIsRecordedAsACrashAndAFreshOneResumesAtTheNextInput() throws Exception {
    FuzzSettings settings = new FuzzSettings(5, 15, 10_000, null, null, dir.resolve("findings"));
    CampaignReport report = new FuzzSupervisor(settings, CrashingChild.class.getName()).run();
    TargetStats fake = report.targets.get("fake");
    assertThat(fake.inputs).isEqualTo(5);
    assertThat(fake.count(Verdict.OK)).isEqualTo(4);
    assertThat(fake.count(Verdict.CRASH)).isEqualTo(1);
    assertThat(fake.findings).containsOnlyKeys("CRASH JVM died (exit code 3)");
    assertThat(Files.readString(dir.resolve("findings/seed-15/findings.tsv"))).contains("fake\t2\tCRASH");
  }
}
