package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.ModelSource;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;

/**
 * A GGUF model read from inside a larger file through a channel, as an Android app reads an asset from its APK (the
 * APK's channel, the asset's offset and length): the same model as from its own file, and the channel closed with it.
 */
class ChannelSourceTest {
  private static final LoadOptions CPU_FP32 = new LoadOptions(Precision.FP32, "cpu", 1);
  private static final ModelSpec TINY = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64)
      .intermediateSize(96).layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f)
      .ropeTheta(1e6).tiedEmbeddings(true).attentionBias(true).build();

  @Test
  void aGgufInsideALargerFileLoadsAsFromItsOwnFile(@TempDir Path dir) throws IOException {
    Path gguf = dir.resolve("tiny.gguf");
    SyntheticModel.writeGguf(TINY, gguf, 3, DType.F32);
    byte[] model = Files.readAllBytes(gguf);
    Path apk = dir.resolve("app.apk");
    int before = 4099; // an asset starts wherever the archive put it, not at a page boundary
    try (OutputStream out = Files.newOutputStream(apk)) {
      Random random = new Random(1);
      byte[] junk = new byte[before];
      random.nextBytes(junk);
      out.write(junk);
      out.write(model);
      random.nextBytes(junk);
      out.write(junk, 0, 777);
    }
    GenerationOptions greedy = GenerationOptions.greedy(8);
    String fromFile;
    String fingerprint;
    try (Model m = MobiEdit.load(gguf, CPU_FP32)) {
      fromFile = m.generate("Once upon a time", greedy).getText();
      fingerprint = m.fingerprint();
    }
    FileChannel channel = FileChannel.open(apk, StandardOpenOption.READ);
    try (Model m = MobiEdit.load(ModelSource.gguf(channel, before, model.length, "assets/tiny.gguf"), CPU_FP32)) {
      assertThat(m.generate("Once upon a time", greedy).getText()).isEqualTo(fromFile);
      assertThat(m.fingerprint()).isEqualTo(fingerprint);
    }
    assertThat(channel.isOpen()).as("the model closes the channel it was given").isFalse();
  }

  @Test
  void anExtentOutsideTheChannelIsRefusedNamingTheAsset(@TempDir Path dir) throws IOException {
    Path gguf = dir.resolve("tiny.gguf");
    SyntheticModel.writeGguf(TINY, gguf, 3, DType.F32);
    long size = Files.size(gguf);
    FileChannel channel = FileChannel.open(gguf, StandardOpenOption.READ);
    assertThatThrownBy(() -> MobiEdit.load(ModelSource.gguf(channel, 10, size, "assets/tiny.gguf"), CPU_FP32))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("assets/tiny.gguf").hasMessageContaining("getStartOffset");
    assertThat(channel.isOpen()).isFalse();
    FileChannel cut = FileChannel.open(gguf, StandardOpenOption.READ);
    assertThatThrownBy(() -> MobiEdit.load(ModelSource.gguf(cut, 0, size / 2, "assets/tiny.gguf"), CPU_FP32))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("assets/tiny.gguf");
    assertThat(cut.isOpen()).isFalse();
  }
}
