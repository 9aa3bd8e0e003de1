package org.mobiedit.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;

/** The per-case log of an eval run resumes after any interruption, and reports real damage by line. */
class CaseLogTest {
  @TempDir Path dir;

  private static CaseResult result(String id, String prompt, float[] losses) {
    return new CaseResult(id, "Tokyo", prompt, "Paris", false, 0.1, Double.NaN, null, null, 1.0, null, null, null,
        null, losses.length, 10, 5, 0, "MAX_STEPS", losses, List.of("{}"), "capital");
  }

  @Test
  void aResultWithNaNLossesIsReadBack() {
    CaseLog log = new CaseLog(dir.resolve("cases.jsonl"));
    log.append(result("1", "Tokyo is in", new float[] {1f, Float.NaN, Float.POSITIVE_INFINITY}));
    log.append(result("2", "Tokyo is in", new float[] {2f}));
    List<CaseResult> back = log.readForAppend();
    assertThat(back).extracting(CaseResult::caseId).containsExactly("1", "2");
    assertArrayEquals(new float[] {1f, Float.NaN, Float.POSITIVE_INFINITY}, back.get(0).lossCurve());
    assertThat(back.get(0).rewriteAccuracy()).isNaN();
  }

  @Test
  void aLineTornInsideAMultiByteCharacterIsCutOffAndTheRestResumes() throws IOException {
    Path file = dir.resolve("cases.jsonl");
    CaseLog log = new CaseLog(file);
    log.append(result("1", "東京は", new float[] {1f}));
    long firstLine = Files.size(file);
    log.append(result("2", "東京は", new float[] {1f}));
    byte[] all = Files.readAllBytes(file);
    String second = new String(all, (int) firstLine, all.length - (int) firstLine, StandardCharsets.UTF_8);
    int cut = (int) firstLine + second.substring(0, second.indexOf('東')).getBytes(StandardCharsets.UTF_8).length + 1;
    Files.write(file, Arrays.copyOf(all, cut)); // ends with the first byte of a three-byte character

    assertThat(log.readForAppend()).extracting(CaseResult::caseId).containsExactly("1");
    assertEquals(firstLine, Files.size(file));
    log.append(result("3", "Paris is", new float[] {1f}));
    assertThat(log.readForAppend()).extracting(CaseResult::caseId).containsExactly("1", "3");
  }

  @Test
  void aMissingFinalLineEndIsAddedAndNothingIsLost() throws IOException {
    Path file = dir.resolve("cases.jsonl");
    CaseLog log = new CaseLog(file);
    log.append(result("1", "Tokyo is in", new float[] {1f}));
    byte[] all = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(all, all.length - 1));
    assertThat(log.readForAppend()).hasSize(1);
    assertArrayEquals(all, Files.readAllBytes(file));
  }

  @Test
  void damageBeforeTheLastLineIsAnErrorNamingTheLine() throws IOException {
    Path file = dir.resolve("cases.jsonl");
    CaseLog log = new CaseLog(file);
    log.append(result("1", "Tokyo is in", new float[] {1f}));
    byte[] good = Files.readAllBytes(file);
    byte[] binary = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'};
    byte[] damaged = new byte[good.length + binary.length + good.length];
    System.arraycopy(good, 0, damaged, 0, good.length);
    System.arraycopy(binary, 0, damaged, good.length, binary.length);
    System.arraycopy(good, 0, damaged, good.length + binary.length, good.length);
    Files.write(file, damaged);
    assertThatThrownBy(log::readForAppend).isInstanceOfSatisfying(MobiEditException.class,
        e -> assertEquals(MobiEditException.Reason.INVALID_REQUEST, e.getReason()))
        .hasMessageContaining("cases.jsonl line 2 is not a case result (not UTF-8 text)")
        .hasMessageContaining("delete the file");
    assertArrayEquals(damaged, Files.readAllBytes(file));
  }
}
