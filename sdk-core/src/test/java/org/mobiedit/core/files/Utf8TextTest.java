package org.mobiedit.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Utf8TextTest {
  @TempDir Path dir;

  private static IllegalArgumentException problem(String what) {
    return new IllegalArgumentException(what);
  }

  @Test
  void readsAFileAndRefusesOneOverTheBoundBeforeReadingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("a.txt"), "Grüße");
    assertThat(Utf8Text.read(file, 7, Utf8TextTest::problem)).isEqualTo("Grüße");
    assertThatThrownBy(() -> Utf8Text.read(file, 6, Utf8TextTest::problem))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 bytes, more than the 6");
  }

  @Test
  void namesTheFirstInvalidByte() throws IOException {
    Path file = Files.write(dir.resolve("b.txt"), new byte[] {'o', 'k', (byte) 0xC3, '!'});
    assertThatThrownBy(() -> Utf8Text.read(file, 100, Utf8TextTest::problem))
        .hasMessage("the text is not UTF-8 (an invalid byte sequence at byte 2)");
  }

  @Test
  void readsAPipeUpToTheBound() throws Exception {
    Path fifo = dir.resolve("pipe");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      mkfifo = null;
    }
    assumeTrue(mkfifo != null && mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0,
        "this platform has no mkfifo");
    assertThat(Files.isRegularFile(fifo)).isFalse();
    CompletableFuture<Void> small = writeLater(fifo, "[1, 2]".getBytes(StandardCharsets.UTF_8));
    assertThat(Utf8Text.read(fifo, 100, Utf8TextTest::problem)).isEqualTo("[1, 2]");
    small.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> large = writeLater(fifo, new byte[100_000]);
    assertThatThrownBy(() -> Utf8Text.read(fifo, 1000, Utf8TextTest::problem))
        .hasMessageContaining("more than the 1000 bytes");
    large.handle((v, e) -> null).get(10, TimeUnit.SECONDS); // the writer sees the reader close the pipe
  }

  private static CompletableFuture<Void> writeLater(Path fifo, byte[] bytes) {
    return CompletableFuture.runAsync(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(bytes);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }
}
