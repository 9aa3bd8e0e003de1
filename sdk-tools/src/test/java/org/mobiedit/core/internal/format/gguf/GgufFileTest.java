package org.mobiedit.core.internal.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.testing.SharedData;

/** A GGUF header is untrusted: every count, length and extent is checked before anything is allocated. */
class GgufFileTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final int U8 = 0;
  private static final int STRING = 8;
  private static final int ARRAY = 9;

  @TempDir Path dir;

  private static MobiEditException open(Path file) {
    return assertTimeoutPreemptively(BOUND, () -> {
      try {
        GgufFile.open(file);
      } catch (MobiEditException e) {
        return e;
      }
      throw new AssertionError("expected " + file + " to be refused");
    });
  }

  private static void assertCorrupt(Path file, String... fragments) {
    MobiEditException e = open(file);
    assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
    assertThat(e.getMessage()).contains(file.toString()).contains(fragments);
    assertThat(e.getMessage()).contains("again");
  }

  @Test
  void arrayCountAbove2To31IsCorruptInsteadOfANegativeArraySize() throws Exception {
    Path file = GgufBytes.header(0, 1).string("a").i32(ARRAY).i32(U8).i64((1L << 31) + 1)
        .writeSparse(dir.resolve("count-2^31.gguf"), (1L << 31) + 4096);
    assertCorrupt(file, "claims 2147483649 elements");
  }

  @Test
  void arrayCountOf2To32Plus5IsNotReadAsFive() throws Exception {
    Path file = GgufBytes.header(0, 1).string("a").i32(ARRAY).i32(U8).i64((1L << 32) + 5)
        .writeSparse(dir.resolve("count-2^32+5.gguf"), (1L << 32) + 4096);
    assertCorrupt(file, "claims 4294967301 elements");
  }

  @Test
  void stringArrayCountIsBoundedByTheBytesLeftNotByTheFileSize() throws Exception {
    // 2^28 strings need at least 2^31 bytes (8 per length) but the file has 2^30: refused before reading one.
    Path file = GgufBytes.header(0, 1).string("tokens").i32(ARRAY).i32(STRING).i64(1L << 28)
        .writeSparse(dir.resolve("strings.gguf"), 1L << 30);
    assertCorrupt(file, "claims 268435456 elements", "each element takes at least 8");
  }

  @Test
  void byteArrayBeyondTheElementLimitIsRefusedBeforeItIsAllocated() throws Exception {
    // 2^30 one-byte elements fit in the file, but would be decoded into 8 GiB of longs.
    Path file = GgufBytes.header(0, 1).string("a").i32(ARRAY).i32(U8).i64(1L << 30)
        .writeSparse(dir.resolve("u8.gguf"), (1L << 30) + 4096);
    assertCorrupt(file, "claims 1073741824 elements", "together");
  }

  @Test
  void deeplyNestedArraysAreCorruptInsteadOfAStackOverflow() throws Exception {
    GgufBytes b = GgufBytes.header(0, 1).string("deep").i32(ARRAY);
    for (int i = 0; i < 5000; i++) {
      b.i32(ARRAY).i64(1);
    }
    b.i32(U8).i64(0);
    assertCorrupt(b.write(dir.resolve("deep.gguf")), "nests arrays more than 8 levels deep");
  }

  @Test
  void nestedArraysWithinTheDepthLimitAreRead() throws Exception {
    Path file = GgufBytes.header(0, 1).string("nested").i32(ARRAY).i32(ARRAY).i64(2)
        .i32(U8).i64(1).u8(7).i32(STRING).i64(1).string("x")
        .write(dir.resolve("nested.gguf"));
    List<?> nested = (List<?>) GgufFile.open(file).metadata().get("nested");
    assertThat((long[]) nested.get(0)).containsExactly(7);
    assertThat(nested.get(1)).isEqualTo(List.of("x"));
  }

  @Test
  void tensorCountThatCannotFitInTheFileIsCorrupt() throws Exception {
    Path file = GgufBytes.header(1000, 0).zeros(64).write(dir.resolve("tensors.gguf"));
    assertCorrupt(file, "1000 tensors", "cannot fit");
  }

  @Test
  void keyLongerThan64KiBIsCorrupt() throws Exception {
    Path file = GgufBytes.header(0, 1).string("k".repeat(70_000)).i32(4).i32(1)
        .write(dir.resolve("key.gguf"));
    assertCorrupt(file, "metadata key 0 claims a length of 70000 bytes");
  }

  @Test
  void duplicateMetadataKeyIsCorrupt() throws Exception {
    Path file = GgufBytes.header(0, 2).u32Entry("llama.block_count", 2).u32Entry("llama.block_count", 3)
        .write(dir.resolve("dup-key.gguf"));
    assertCorrupt(file, "\"llama.block_count\" appears twice");
  }

  @Test
  void alignmentThatIsNotAnIntegerIsCorrupt() throws Exception {
    Path file = GgufBytes.header(0, 1).stringEntry("general.alignment", "32")
        .write(dir.resolve("align-string.gguf"));
    assertCorrupt(file, "general.alignment is the string \"32\"");
  }

  @Test
  void alignmentZeroOrHugeIsCorrupt() throws Exception {
    Path zero = GgufBytes.header(0, 1).u32Entry("general.alignment", 0).write(dir.resolve("align0.gguf"));
    assertCorrupt(zero, "general.alignment is 0");
    Path huge = GgufBytes.header(0, 1).u32Entry("general.alignment", 1L << 31).write(dir.resolve("align.gguf"));
    assertCorrupt(huge, "general.alignment is 2147483648");
  }

  private static GgufBytes oneTensorFile(long[] ne, int type, long offset) {
    return GgufBytes.header(1, 0).tensor("t", ne, type, offset).pad(32);
  }

  @Test
  void tensorOffsetNotAMultipleOfTheAlignmentIsCorrupt() throws Exception {
    Path file = oneTensorFile(new long[] {4}, 0, 4).zeros(64).write(dir.resolve("unaligned.gguf"));
    assertCorrupt(file, "offset 4", "alignment 32");
  }

  @Test
  void tensorBeyondTheEndOfTheFileIsCorrupt() throws Exception {
    Path file = oneTensorFile(new long[] {64}, 0, 0).zeros(100).write(dir.resolve("short.gguf"));
    assertCorrupt(file, "needs bytes 0 to 256 of the data section, which has 100 bytes");
  }

  @Test
  void tensorWhoseSizeOverflowsIsCorruptInsteadOfWrappingToZero() throws Exception {
    // 2^33 * 2^33 * 4 elements wrap to 0 in 64 bits; without the check the tensor would claim no bytes at all.
    Path file = oneTensorFile(new long[] {4, 1L << 33, 1L << 33}, 0, 0).zeros(64)
        .write(dir.resolve("overflow.gguf"));
    assertCorrupt(file, "overflows 64 bits");
  }

  @Test
  void quantizedRowsThatAreNotWholeBlocksAreCorrupt() throws Exception {
    Path file = oneTensorFile(new long[] {33, 2}, 8, 0).zeros(128).write(dir.resolve("q8.gguf"));
    assertCorrupt(file, "rows of 33 elements", "Q8_0 block of 32");
  }

  @Test
  void duplicateTensorNamesAreCorrupt() throws Exception {
    Path file = GgufBytes.header(2, 0).tensor("t", new long[] {8}, 0, 0).tensor("t", new long[] {8}, 0, 32)
        .pad(32).zeros(64).write(dir.resolve("dup-tensor.gguf"));
    assertCorrupt(file, "tensor \"t\" appears twice");
  }

  @Test
  void overlappingTensorsAreCorrupt() throws Exception {
    Path file = GgufBytes.header(2, 0).tensor("a", new long[] {16}, 0, 0).tensor("b", new long[] {8}, 0, 32)
        .pad(32).zeros(64).write(dir.resolve("overlap.gguf"));
    assertCorrupt(file, "\"a\" and \"b\" overlap");
  }

  @Test
  void bigEndianFileIsNamedAsSuch() throws Exception {
    Path file = new GgufBytes().i32(0x46554747).i32(Integer.reverseBytes(3)).i64(0).i64(0)
        .write(dir.resolve("be.gguf"));
    MobiEditException e = open(file);
    assertThat(e.getReason()).isEqualTo(Reason.MODEL_UNSUPPORTED);
    assertThat(e.getMessage()).contains("big-endian");
  }

  @Test
  void aValidTinyModelStillOpens() {
    GgufFile gguf = GgufFile.open(TinyGguf.write(dir.resolve("tiny.gguf")));
    assertThat(gguf.tensors()).hasSize(TinyGguf.SPEC.requiredTensors().size());
    assertThat(GgufModels.spec(gguf).toString()).isEqualTo(TinyGguf.SPEC.toString());
  }

  /** The defect as reported: one byte of a real model (n_dims of a 1-D tensor, 1 to 2) used to exhaust the heap. */
  @Test
  void oneChangedDimensionCountInARealModelIsCorruptInsteadOfOutOfMemory() throws Exception {
    Path real = SharedData.require("models/stories260K/stories260K-f32.gguf");
    byte[] bytes = Files.readAllBytes(real);
    GgufLayout layout = GgufLayout.of(bytes);
    for (String name : List.of("output_norm.weight", "blk.0.attn_norm.weight", "blk.4.ffn_norm.weight")) {
      byte[] copy = bytes.clone();
      GgufLayout.putInt(copy, layout.tensors.get(name).dimsPos(), 2);
      Path file = Files.write(dir.resolve("ndims-" + name + ".gguf"), copy);
      MobiEditException e = assertTimeoutPreemptively(BOUND, () -> {
        try {
          ModelFiles.open(file).close();
        } catch (MobiEditException x) {
          return x;
        }
        throw new AssertionError("expected " + file + " to be refused");
      });
      assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(e.getMessage()).contains(file.toString());
    }
  }
}
