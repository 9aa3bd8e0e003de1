package org.mobiedit.backend.litert.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.TensorType;
import org.mobiedit.backend.litert.runtime.javacpp.TfliteInterpreter;

/**
 * The file layout that lets graphs exceed 2 GB: a small FlatBuffer, then every constant at a 64-byte aligned offset
 * its buffer names, produced only while the file is written.
 */
class TfliteFileTest {
  private static final int ROWS = 300;
  private static final int COLS = 7;

  private static float[] table(float offset) {
    float[] v = new float[ROWS * COLS];
    for (int i = 0; i < v.length; i++) {
      v[i] = i + offset;
    }
    return v;
  }

  /** Two lookups into two constants, added: an output that depends on where each constant's bytes are. */
  private static TfliteFile lookupGraph(int[] producedCount) {
    Graph g = new Graph();
    Graph.Tensor row = g.input("row", TensorType.INT32, 1);
    Graph.Tensor a = g.constant("a", new int[] {ROWS, COLS}, () -> {
      producedCount[0]++;
      return table(0);
    });
    Graph.Tensor b = g.constant("b", new int[] {ROWS, COLS}, table(0.5f));
    g.output(g.add(g.gather(a, row), g.gather(b, row)));
    return TfliteWriter.write(g, "layout test");
  }

  @Test
  void constantsFollowTheFlatBufferAtAlignedOffsetsAndTheFileIsExactlyItsParts(@TempDir Path dir) throws IOException {
    int[] produced = {0};
    TfliteFile f = lookupGraph(produced);
    assertThat(produced[0]).as("weights are produced when written, not when the graph is built").isZero();
    TfliteFile.Part head = f.parts().get(0);
    assertThat(head.offset()).isZero();
    long previousEnd = head.data().size();
    for (TfliteFile.Part p : f.parts().subList(1, f.parts().size())) {
      assertThat(p.offset() % TfliteFile.ALIGNMENT).isZero();
      assertThat(p.offset()).isGreaterThanOrEqualTo(previousEnd);
      previousEnd = p.offset() + p.data().size();
    }
    assertThat(f.size()).isEqualTo(previousEnd);
    assertThat(head.data().size()).as("no constant is inside the FlatBuffer").isLessThan((long) ROWS * COLS * 4);

    Path file = dir.resolve("g.tflite");
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      f.writeTo(out);
    }
    assertThat(Files.size(file)).isEqualTo(f.size());
    assertThat(produced[0]).isEqualTo(1);
    byte[] bytes = Files.readAllBytes(file);
    assertThat(new String(bytes, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("TFL3");
    TfliteFile.Part first = f.parts().get(1); // constant "a", the first tensor with data
    ByteBuffer at = ByteBuffer.wrap(bytes, (int) first.offset(), 8).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(at.getFloat()).isEqualTo(0f);
    assertThat(at.getFloat()).isEqualTo(1f);
  }

  @Test
  void theRuntimeReadsEachConstantFromTheOffsetItsBufferNames(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("g.tflite");
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      lookupGraph(new int[1]).writeTo(out);
    }
    try (TfliteInterpreter it = TfliteInterpreter.open(file, 1)) {
      it.setInput(0, new int[] {ROWS - 1});
      it.run();
      float[] out = it.floatOutput(0);
      for (int c = 0; c < COLS; c++) {
        float v = (ROWS - 1) * COLS + c;
        assertThat(out[c]).isEqualTo(v + v + 0.5f);
      }
    }
  }

  @Test
  void aSupplierThatProducesTheWrongCountIsCaughtWhenWritten(@TempDir Path dir) {
    Graph g = new Graph();
    Graph.Tensor x = g.input("x", TensorType.FLOAT32, 2);
    g.output(g.add(x, g.constant("c", new int[] {2}, () -> new float[3])));
    TfliteFile f = TfliteWriter.write(g, "wrong count");
    assertThatThrownBy(() -> {
      try (FileChannel out = FileChannel.open(dir.resolve("w.tflite"), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        f.writeTo(out);
      }
    }).isInstanceOf(IllegalStateException.class).hasMessageContaining("c: 3 values produced, 2 declared");
  }

  @Test
  void aFileThatIsNotAModelIsRefusedWithAMessage(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("junk.tflite");
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertThatThrownBy(() -> TfliteInterpreter.open(file, 1))
        .hasMessageContaining("not a valid TFLite FlatBuffer")
        .hasMessageContaining("delete the cache folder");
  }
}
