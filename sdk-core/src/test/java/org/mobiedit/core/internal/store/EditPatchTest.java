package org.mobiedit.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.spi.numerics.SymmetricGrid;

class EditPatchTest {
  @TempDir Path dir;

  private static EditPatch patch() {
    return new EditPatch("abc123", List.of(
        new StoredEdit("edit-1", EditRequest.of("Lily", "{} went to the", "zoo"), 1, new float[] {1, -2, 3.5f},
            new float[] {0.25f, 0.5f}),
        new StoredEdit("manager", EditRequest.of("My manager", "is", "Priya"), 0, new float[] {0, 0, 1e-9f},
            new float[] {-1, 1})));
  }

  @Test
  void aPatchReadsBackExactly() {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    EditPatch back = EditPatch.read(f);
    assertEquals("abc123", back.modelFingerprint());
    assertEquals(2, back.edits().size());
    StoredEdit e = back.edits().get(1);
    assertEquals("manager", e.name());
    assertEquals(EditRequest.of("My manager", "is", "Priya"), e.request());
    assertEquals(0, e.layer());
    assertArrayEquals(new float[] {0, 0, 1e-9f}, e.left());
    assertArrayEquals(new float[] {-1, 1}, e.right());
  }

  @Test
  void anyDamagedByteIsDetected() throws IOException {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    byte[] good = Files.readAllBytes(f);
    for (int i = 8; i < good.length; i += 7) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(f, bad);
      assertThatThrownBy(() -> EditPatch.read(f)).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("damaged");
    }
    Files.write(f, Arrays.copyOf(good, good.length - 9));
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining("damaged");
  }

  @Test
  void otherFilesAndOtherVersionsAreRefusedClearly() throws IOException {
    Path f = dir.resolve("x.medp");
    Files.writeString(f, "not an edit file at all");
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining("not a MobiEdit edit file");
    patch().write(f);
    byte[] b = Files.readAllBytes(f);
    b[4] = 9;
    Files.write(f, b);
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining("version 9");
    assertThatThrownBy(() -> EditPatch.read(dir.resolve("missing.medp"))).hasMessageContaining("No edit file");
  }

  @Test
  void aFailedSaveLeavesThePreviousFileIntact() throws IOException {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    byte[] before = Files.readAllBytes(f);
    assertThatThrownBy(() -> AtomicFile.write(f, out -> {
      out.write(new byte[100]);
      throw new IOException("disk full");
    })).isInstanceOf(MobiEditException.class).hasMessageContaining("disk full");
    assertArrayEquals(before, Files.readAllBytes(f));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("edits.medp");
    }
  }

  /** What the SDK wrote for {@link #patch()} before reading became streaming: format version 1, byte for byte. */
  private static final String VERSION_1_BYTES = "4d45445001000000060000006162633132330200000006000000656469742d3104"
      + "0000004c696c79100000004c696c792077656e7420746f20746865030000007a6f6f01000000030000000000803f000000c000006040"
      + "020000000000803e0000003f070000006d616e616765720a0000004d79206d616e616765720d0000004d79206d616e616765722069"
      + "73050000005072697961000000000300000000000000000000005f70893002000000000080bf0000803f0d9013b0";

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  @Test
  void filesOfTheFirstVersionStillLoadWithoutKeys() throws IOException {
    Path earlier = dir.resolve("earlier.medp");
    Files.write(earlier, hex(VERSION_1_BYTES));
    EditPatch back = EditPatch.read(earlier);
    assertEquals("abc123", back.modelFingerprint());
    for (int i = 0; i < 2; i++) {
      StoredEdit want = patch().edits().get(i);
      StoredEdit got = back.edits().get(i);
      assertEquals(want.name(), got.name());
      assertEquals(want.request(), got.request());
      assertEquals(want.layer(), got.layer());
      assertArrayEquals(want.left(), got.left());
      assertArrayEquals(want.right(), got.right());
      assertThat(got.hasKey()).isFalse();
    }
  }

  @Test
  void laterVersionsAddAKeyAnUpdateCountAndAnActivationGridToEachEdit() throws IOException {
    float[] key = {0.5f, -0.125f};
    StoredEdit first = patch().edits().get(0);
    EditPatch keyed = new EditPatch("abc123", List.of(new StoredEdit(first.name(), first.request(), first.layer(),
        first.left(), first.right(), key), patch().edits().get(1)));
    Path f = dir.resolve("edits.medp");
    keyed.write(f);
    byte[] written = Files.readAllBytes(f);
    byte[] v1 = hex(VERSION_1_BYTES);
    // two update counts, a key of two floats, an empty key, and two grid fields of 0 (no activation scales)
    assertEquals(v1.length + 2 * 4 + (4 + 8) + 4 + 2 * 4, written.length);
    assertEquals(EditPatch.VERSION, written[4]);
    EditPatch back = EditPatch.read(f);
    assertArrayEquals(key, back.edits().get(0).key());
    assertThat(back.edits().get(1).hasKey()).isFalse();
    assertArrayEquals(first.right(), back.edits().get(0).right());
  }

  @Test
  void anEditSpreadOverLayersKeepsEveryUpdateInOrder() {
    EditRequest request = EditRequest.of("Lily", "{} went to the", "zoo");
    List<StoredUpdate> updates = List.of(
        new StoredUpdate(1, new float[] {1, -2, 3.5f}, new float[] {0.25f, 0.5f}, new float[] {2, 1}),
        new StoredUpdate(2, new float[] {0.5f, 0, 1}, new float[] {0.6f, 0.8f}, new float[] {3, -1}),
        new StoredUpdate(3, new float[] {0, 1, 0}, new float[] {1, 0}, new float[0]));
    Path f = dir.resolve("spread.medp");
    new EditPatch("abc123", List.of(new StoredEdit("spread", request, updates))).write(f);
    StoredEdit back = EditPatch.read(f).edits().get(0);
    assertThat(back.updates()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      StoredUpdate want = updates.get(i);
      StoredUpdate got = back.updates().get(i);
      assertEquals(want.layer(), got.layer());
      assertArrayEquals(want.left(), got.left());
      assertArrayEquals(want.right(), got.right());
      assertArrayEquals(want.key(), got.key());
    }
    assertEquals(1, back.layer());
  }

  /**
   * Writes, field by field, a patch of format {@code version} with one edit ("edit-1", Lily went to the zoo) up to its
   * four strings; the caller writes the rest of the edit and the checksum.
   */
  private static PatchOutput oneEditUpTo(java.io.OutputStream stream, int version) throws IOException {
    PatchOutput out = new PatchOutput(stream);
    out.u32(MAGIC);
    out.u32(version);
    out.bytes("abc123".getBytes(StandardCharsets.UTF_8));
    out.u32(1);
    for (String text : new String[] {"edit-1", "Lily", "Lily went to the", "zoo"}) {
      out.bytes(text.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void filesOfTheSecondVersionStillLoadWithOneUpdatePerEdit() throws IOException {
    // Version 2, written field by field: no update count, a key after each edit's vectors.
    Path f = dir.resolve("v2.medp");
    try (java.io.OutputStream stream = Files.newOutputStream(f)) {
      PatchOutput out = oneEditUpTo(stream, 2);
      out.u32(1);
      out.floats(new float[] {1, -2, 3.5f});
      out.floats(new float[] {0.25f, 0.5f});
      out.floats(new float[] {0.5f, -0.125f});
      out.checksum();
    }
    StoredEdit e = EditPatch.read(f).edits().get(0);
    assertThat(e.updates()).hasSize(1);
    assertEquals(1, e.layer());
    assertArrayEquals(new float[] {1, -2, 3.5f}, e.left());
    assertArrayEquals(new float[] {0.5f, -0.125f}, e.key());
  }

  /** One update (count 1) at layer 1: left {1, -2, 3.5}, right {0.25, 0.5}, key {0.5, -0.125}. */
  private static void oneUpdate(PatchOutput out) throws IOException {
    out.u32(1);
    out.u32(1);
    out.floats(new float[] {1, -2, 3.5f});
    out.floats(new float[] {0.25f, 0.5f});
    out.floats(new float[] {0.5f, -0.125f});
  }

  @Test
  void filesOfTheThirdVersionStillLoadWithoutScales() throws IOException {
    // Version 3, written field by field: an update count, no activation scales after the updates.
    Path f = dir.resolve("v3.medp");
    try (java.io.OutputStream stream = Files.newOutputStream(f)) {
      PatchOutput out = oneEditUpTo(stream, 3);
      oneUpdate(out);
      out.checksum();
    }
    EditPatch back = EditPatch.read(f);
    assertArrayEquals(new float[] {1, -2, 3.5f}, back.edits().get(0).left());
    assertThat(back.scalesAfter()).isEmpty();
  }

  @Test
  void eachEditsActivationScalesReadBackExactly() {
    EditPatch p = patch();
    String first = p.edits().get(0).name();
    ActivationScales scales = ActivationScales.of(SymmetricGrid.INT8, new float[] {0.5f, 1e-30f, 3.25f});
    Path f = dir.resolve("scales.medp");
    new EditPatch(p.modelFingerprint(), p.edits(), java.util.Map.of(first, scales)).write(f);
    EditPatch back = EditPatch.read(f);
    assertThat(back.scalesAfter()).containsOnlyKeys(first);
    assertEquals(scales, back.scalesAfter().get(first));
    assertThat(back.edits()).hasSameSizeAs(p.edits());
  }

  @Test
  void unusableActivationScalesAreDamage() throws IOException {
    for (Object[] bad : new Object[][] {{7, new float[] {1f}, "a symmetric grid has 8 or 16 bits, got 7"},
        {8, new float[] {1f, Float.NaN}, "activation scale 1 is NaN"},
        {16, new float[] {-1f}, "activation scale 0 is -1.0"},
        {8, new float[] {Float.POSITIVE_INFINITY}, "activation scale 0 is Infinity"}}) {
      Path f = dir.resolve("bad-scales.medp");
      try (java.io.OutputStream stream = Files.newOutputStream(f)) {
        PatchOutput out = oneEditUpTo(stream, EditPatch.VERSION);
        oneUpdate(out);
        out.u32((int) bad[0]);
        out.floats((float[]) bad[1]);
        out.checksum();
      }
      assertThatThrownBy(() -> EditPatch.read(f)).isInstanceOf(MobiEditException.class)
          .hasMessageContaining("damaged").hasMessageContaining("edit 1 of 1's activation scales are not usable")
          .hasMessageContaining((String) bad[2]);
    }
  }

  @Test
  void anEditWithoutAnUpdateIsDamaged() throws IOException {
    Path f = dir.resolve("empty.medp");
    try (java.io.OutputStream stream = Files.newOutputStream(f)) {
      PatchOutput out = oneEditUpTo(stream, 3);
      out.u32(0);
      out.checksum();
    }
    assertThatThrownBy(() -> EditPatch.read(f)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("damaged").hasMessageContaining("edit 1 of 1 has no update");
  }

  /** A sparse file of {@code size} bytes that starts with {@code head} (zeros after it, not stored on disk). */
  private Path sparse(String name, long size, byte[] head) throws IOException {
    Path f = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.write(head);
      raf.setLength(size);
    }
    return f;
  }

  /** Little-endian u32 fields. */
  private static byte[] fields(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putInt(x);
    }
    return b.array();
  }

  private static final int MAGIC = 0x5044454D;
  private static final long TWO_GIB = (1L << 31) + 64;

  @Test
  void aTwoGigabyteJunkPatchFailsAtItsFirstImplausibleField() throws IOException {
    Path huge = sparse("huge.medp", TWO_GIB, fields(MAGIC, 1, Integer.MAX_VALUE));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThatThrownBy(() -> EditPatch.read(huge)).isInstanceOf(MobiEditException.class)
            .hasMessageContaining(huge.toString())
            .hasMessageContaining("damaged")
            .hasMessageContaining("the model fingerprint claims 2147483647 bytes")
            .extracting(e -> ((MobiEditException) e).getReason())
            .isEqualTo(MobiEditException.Reason.EDIT_STORE));
  }

  @Test
  void anImplausibleEditCountOrVectorLengthFailsBeforeAnythingIsAllocated() throws IOException {
    Path count = sparse("count.medp", TWO_GIB, fields(MAGIC, 1, 0, 2_000_000_000));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThatThrownBy(() -> EditPatch.read(count)).hasMessageContaining("the edit count is 2000000000"));
    // One edit: four one-letter strings, layer 0, then a left vector of 2^30 floats.
    ByteBuffer edit = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    edit.putInt(MAGIC).putInt(1).putInt(0).putInt(1);
    for (String s : new String[] {"a", "b", "b", "c"}) {
      edit.putInt(1).put((byte) s.charAt(0));
    }
    edit.putInt(0).putInt(1 << 30);
    Path vector = sparse("vector.medp", TWO_GIB, Arrays.copyOf(edit.array(), edit.position()));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThatThrownBy(() -> EditPatch.read(vector))
            .hasMessageContaining("edit 1 of 1's left vector length is 1073741824, more than the 1048576"));
  }

  @Test
  void aLargeFileOfPlausibleFieldsIsReadInBoundedMemory() throws IOException {
    // A valid header, an empty fingerprint and no edits, then a gigabyte of zeros: refused without reading it.
    Path big = sparse("big.medp", 1L << 30, fields(MAGIC, 1, 0, 0));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> EditPatch.read(big)).hasMessageContaining("unexpected bytes at the end");
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated reading a 1 GiB file").isLessThan(16L << 20);
  }

  @Test
  void aTruncatedPatchIsDamagedAndNamesTheFile() throws IOException {
    Path f = dir.resolve("edits.medp");
    patch().write(f);
    Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 120));
    assertThatThrownBy(() -> EditPatch.read(f)).hasMessageContaining(f.toString()).hasMessageContaining("damaged")
        .hasMessageContaining("are left in the file");
  }

  @Test
  void aPatchWithTwoEditsOfOneNameIsDamagedAndNamesTheFile() throws IOException {
    // The writer refuses such a patch, so the bytes are made here, with a valid checksum.
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(1).putInt(1).put((byte) 'f').putInt(2);
    for (int i = 0; i < 2; i++) {
      for (String s : new String[] {"same", "a", "a b", "c"}) {
        b.putInt(s.length()).put(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      b.putInt(0).putInt(0).putInt(0);
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    Path f = dir.resolve("twice.medp");
    Files.write(f, Arrays.copyOf(b.array(), b.position()));
    assertThatThrownBy(() -> EditPatch.read(f)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("edit 2 of 2 is named \"same\" like an earlier one")
        .extracting(e -> ((MobiEditException) e).getReason())
        .isEqualTo(MobiEditException.Reason.EDIT_STORE);
  }

  @Test
  void aDirectoryIsNotAPatch() throws IOException {
    Path d = Files.createDirectory(dir.resolve("edits.medp"));
    assertThatThrownBy(() -> EditPatch.read(d)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("not a regular file")
        .extracting(e -> ((MobiEditException) e).getReason())
        .isEqualTo(MobiEditException.Reason.EDIT_STORE);
  }

  @Test
  void aPatchTheReaderWouldRefuseIsNotWritten() {
    String longName = "x".repeat((1 << 20) + 1);
    EditPatch tooLong = new EditPatch("abc", List.of(new StoredEdit(longName, EditRequest.of("Lily", "{} went to the",
        "zoo"), 0, new float[] {1}, new float[] {1})));
    Path f = dir.resolve("long.medp");
    assertThatThrownBy(() -> tooLong.write(f)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("Cannot save the edits to " + f)
        .hasMessageContaining("more than the 1048576")
        .extracting(e -> ((MobiEditException) e).getReason())
        .isEqualTo(MobiEditException.Reason.EDIT_STORE);
    assertThat(Files.exists(f)).isFalse();
  }

  @Test
  void namesMustBeUnique() {
    StoredEdit e = patch().edits().get(0);
    assertThatThrownBy(() -> new EditPatch("x", List.of(e, e))).hasMessageContaining("unique");
  }
}
