package org.mobiedit.core.internal.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.MobiEditException.Reason;

/** Lengths read from a file are checked against the bytes it still has, without overflow, before any allocation. */
class LittleEndianInputTest {
  @TempDir Path dir;

  private static void assertTruncated(Runnable read) {
    assertThatThrownBy(read::run).isInstanceOfSatisfying(MobiEditException.class, e -> {
      assertThat(e.getReason()).isEqualTo(Reason.MODEL_CORRUPT);
      assertThat(e.getMessage()).contains("data.bin is truncated or corrupt", "Download or convert");
    });
  }

  @Test
  void aLengthThatOverflowsThePositionIsStillTooLong() throws Exception {
    Path file = Files.write(dir.resolve("data.bin"), new byte[100]);
    try (LittleEndianInput in = new LittleEndianInput(file)) {
      in.i64("a field");
      // position + n wraps to a negative number: it used to pass the check.
      assertTruncated(() -> in.require(Long.MAX_VALUE - 4, "a huge field"));
      assertTruncated(() -> in.skip(Long.MAX_VALUE - 4, "a huge field"));
      assertThat(in.remaining()).isEqualTo(92);
    }
  }

  @Test
  void textLongerThanTheBytesLeftIsRefusedBeforeItIsAllocated() throws Exception {
    Path file = Files.write(dir.resolve("data.bin"), new byte[100]);
    try (LittleEndianInput in = new LittleEndianInput(file)) {
      assertTruncated(() -> in.utf8((1L << 31) - 100, "a name"));
      assertTruncated(() -> in.utf8(101, "a name"));
      assertThat(in.utf8(100, "all of it")).hasSize(100);
    }
  }
}
