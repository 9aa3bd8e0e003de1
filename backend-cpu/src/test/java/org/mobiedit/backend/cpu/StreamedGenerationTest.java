package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.Editor;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.tools.synthetic.SyntheticModel;

/** An editor streams generated text as it is produced, the same text as without streaming, and stops when told. */
class StreamedGenerationTest {
  private static final ModelSpec TINY = ModelSpec.builder().architecture(Architecture.QWEN2).hiddenSize(64)
      .intermediateSize(96).layers(2).heads(4).kvHeads(2).vocabSize(300).contextLength(64).rmsNormEps(1e-6f)
      .ropeTheta(1e6).tiedEmbeddings(true).attentionBias(true).build();

  @Test
  void theStreamedPiecesAreTheTextAndTheListenerCanStopIt(@TempDir Path dir) {
    Path gguf = dir.resolve("tiny.gguf");
    SyntheticModel.writeGguf(TINY, gguf, 5, DType.F32);
    GenerationOptions twelve = GenerationOptions.greedy(12);
    try (Editor editor = MobiEdit.open(gguf, EditOptions.recommended(), "cpu", 1)) {
      Generation plain = editor.generate("Once upon a time", twelve);
      List<String> pieces = new ArrayList<>();
      Generation streamed = editor.generate("Once upon a time", twelve, piece -> pieces.add(piece));
      assertThat(String.join("", pieces)).isEqualTo(plain.getText()).isEqualTo(streamed.getText());
      assertThat(streamed.getGeneratedIds()).isEqualTo(plain.getGeneratedIds());

      int[] seen = {0};
      Generation stopped = editor.generate("Once upon a time", twelve, piece -> ++seen[0] < 3);
      assertThat(stopped.getStopReason()).isEqualTo(Generation.StopReason.STOPPED);
      assertThat(stopped.getGeneratedIds()).hasSize(3)
          .containsExactly(java.util.Arrays.copyOf(plain.getGeneratedIds(), 3));
    }
  }
}
