package org.mobiedit.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;

/** The prepared key statistics file: exact round trip, and every damaged or foreign file refused by name. */
class KeyStatisticsFileTest {
  @TempDir Path dir;

  private static final KeyStatisticsFile.Expected MODEL = new KeyStatisticsFile.Expected("fp-1", 3, 4, 50, 16);

  private static KeyStatisticsFile sample() {
    return new KeyStatisticsFile("fp-1", 3, -7L, List.of(new int[] {1, 2, 3}, new int[] {49}), new int[] {2, 7, 48},
        List.of(new KeyStatisticsFile.Layer(1, 4, new double[] {1, 0.5, 2, -0.25, 0.125, 3}, new double[6]),
            new KeyStatisticsFile.Layer(3, 4, new double[] {4, 0, 5, 1e-300, -1, 6},
                new double[] {9, 8, 7, 6, 5, 4})));
  }

  private Path written() {
    Path f = dir.resolve("key-statistics.bin");
    sample().write(f);
    return f;
  }

  @Test
  void aFileReadsBackExactly() {
    KeyStatisticsFile back = KeyStatisticsFile.read(written(), MODEL);
    assertThat(back.seed()).isEqualTo(-7L);
    assertThat(back.intermediateSize()).isEqualTo(3);
    assertThat(back.texts()).hasSize(2);
    assertArrayEquals(new int[] {1, 2, 3}, back.texts().get(0));
    assertArrayEquals(new int[] {49}, back.texts().get(1));
    assertThat(back.layer(2)).isNull();
    assertThat(back.layer(3).keys()).isEqualTo(4);
    assertArrayEquals(new double[] {4, 0, 5, 1e-300, -1, 6}, back.layer(3).lowerTriangle());
    assertArrayEquals(new double[] {9, 8, 7, 6, 5, 4}, back.layer(3).vocabularyTriangle());
    assertArrayEquals(new int[] {2, 7, 48}, back.vocabularyTokens());
  }

  @Test
  void aFileOfTheFirstVersionIsRefusedWithWhatToDo() throws IOException {
    byte[] whole = Files.readAllBytes(written());
    ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1);
    Path f = dir.resolve("v1.bin");
    Files.write(f, whole);
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, MODEL)).hasMessageContaining("format version 1")
        .hasMessageContaining("prepare it again");
  }

  @Test
  void theFileIsFoundInsideAModelFolderOrBesideAModelFile() throws IOException {
    assertThat(KeyStatisticsFile.beside(dir)).isEqualTo(dir.resolve("key-statistics.bin"));
    Path gguf = Files.writeString(dir.resolve("m.gguf"), "x");
    assertThat(KeyStatisticsFile.beside(gguf)).isEqualTo(dir.resolve("m.gguf.key-statistics.bin"));
  }

  @Test
  void statisticsOfAnotherModelAreRefusedAsSuch() {
    Path f = written();
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, new KeyStatisticsFile.Expected("fp-2", 3, 4, 50, 16)))
        .isInstanceOf(MobiEditException.class)
        .satisfies(e -> assertThat(((MobiEditException) e).getReason())
            .isEqualTo(MobiEditException.Reason.MODEL_INCONSISTENT))
        .hasMessageContaining("another model").hasMessageContaining("mobiedit prepare");
  }

  @Test
  void whatTheModelCannotHoldIsRefused() {
    Path f = written();
    // a token id outside the vocabulary, a text longer than the context, a layer the model does not have
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, new KeyStatisticsFile.Expected("fp-1", 3, 4, 49, 16)))
        .hasMessageContaining("token id 49");
    Path outside = dir.resolve("outside.bin");
    new KeyStatisticsFile("fp-1", 3, 1, List.of(new int[] {1}), new int[] {1, 50}, List.of()).write(outside);
    assertThatThrownBy(() -> KeyStatisticsFile.read(outside, MODEL)).hasMessageContaining("vocabulary tokens hold id 50");
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, new KeyStatisticsFile.Expected("fp-1", 3, 4, 50, 2)))
        .hasMessageContaining("text 1 of 2");
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, new KeyStatisticsFile.Expected("fp-1", 3, 3, 50, 16)))
        .hasMessageContaining("layer 3");
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, new KeyStatisticsFile.Expected("fp-1", 4, 4, 50, 16)))
        .hasMessageContaining("intermediate size is 3");
  }

  @Test
  void everyTruncationAndEveryFlippedByteIsRefusedWithTheFileNamed() throws IOException {
    byte[] whole = Files.readAllBytes(written());
    Path f = dir.resolve("damaged.bin");
    for (int n = 0; n < whole.length; n++) {
      Files.write(f, Arrays.copyOf(whole, n));
      assertRefused(f);
    }
    for (int i = 0; i < whole.length; i++) {
      byte[] b = whole.clone();
      b[i] ^= 0x10;
      Files.write(f, b);
      if (i >= 8 && i < 8 + 4 + 4) {
        continue; // inside the fingerprint: another model's statistics (the test above)
      }
      assertRefused(f);
    }
  }

  @Test
  void hostileCountsFailFastWithoutAllocating() throws IOException {
    byte[] whole = Files.readAllBytes(written());
    // the text count sits after magic, version, fingerprint (4 + 4 bytes), size and seed
    int at = 4 + 4 + 4 + 4 + 4 + 8;
    ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).putInt(at, Integer.MAX_VALUE);
    Path f = dir.resolve("hostile.bin");
    Files.write(f, whole);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertRefused(f));
  }

  @Test
  void nonFiniteStatisticsAreRefused() {
    Path f = dir.resolve("nan.bin");
    new KeyStatisticsFile("fp-1", 3, 1, List.of(new int[] {1}), new int[] {1},
        List.of(new KeyStatisticsFile.Layer(0, 1, new double[] {1, Double.NaN, 1, 0, 0, 1}, new double[6])))
        .write(f);
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, MODEL)).hasMessageContaining("non-finite");
    new KeyStatisticsFile("fp-1", 3, 1, List.of(new int[] {1}), new int[] {1},
        List.of(new KeyStatisticsFile.Layer(0, 1, new double[6], new double[] {0, 0, Double.POSITIVE_INFINITY, 0, 0,
            0}))).write(f);
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, MODEL)).hasMessageContaining("non-finite");
  }

  @Test
  void statisticsTheFormatCannotHoldAreNotWritten() {
    Path f = dir.resolve("bad.bin");
    assertThatThrownBy(() -> new KeyStatisticsFile("fp-1", 3, 1, List.of(), new int[] {1},
        List.of()).write(f)).isInstanceOf(MobiEditException.class);
    assertThatThrownBy(() -> new KeyStatisticsFile("fp-1", 3, 1, List.of(new int[] {1}), new int[0],
        List.of()).write(f)).isInstanceOf(MobiEditException.class);
    assertThatThrownBy(() -> new KeyStatisticsFile("fp-1", 3, 1, List.of(new int[] {1}), new int[] {1},
        List.of(new KeyStatisticsFile.Layer(0, 1, new double[5], new double[6]))).write(f))
        .hasMessageContaining("layer 0");
    assertThatThrownBy(() -> new KeyStatisticsFile("fp-1", 3, 1, List.of(new int[] {1}), new int[] {1},
        List.of(new KeyStatisticsFile.Layer(0, 1, new double[6], new double[5]))).write(f))
        .hasMessageContaining("layer 0");
    assertThat(f).doesNotExist();
  }

  private static void assertRefused(Path f) {
    assertThatThrownBy(() -> KeyStatisticsFile.read(f, MODEL)).isInstanceOf(MobiEditException.class)
        .satisfies(e -> assertThat(((MobiEditException) e).getReason())
            .isIn(MobiEditException.Reason.MODEL_CORRUPT, MobiEditException.Reason.MODEL_INCONSISTENT))
        .hasMessageContaining(f.toString());
  }
}
