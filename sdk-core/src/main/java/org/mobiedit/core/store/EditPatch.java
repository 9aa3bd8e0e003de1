package org.mobiedit.core.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.format.AtomicFile;

/**
 * A sequence of edits saved for one model, bound to its fingerprint. The file is small (two vectors per edit), has a
 * format version and a CRC-32 of its content, and is written atomically: a crash while saving leaves the previous
 * file intact.
 *
 * <p>Layout (little-endian): magic {@code "MEDP"}, u32 version, UTF string fingerprint, u32 edit count, then per
 * edit: name, subject, prompt, new object (UTF strings), u32 layer, u32 |left|, floats, u32 |right|, floats; finally
 * u32 CRC-32 of every byte before it. Strings are u32 length + UTF-8 bytes.
 */
public record EditPatch(String modelFingerprint, List<StoredEdit> edits) {
  private static final int MAGIC = 0x5044454D; // "MEDP" little-endian
  /** The format version this SDK writes and reads. */
  public static final int VERSION = 1;

  public EditPatch {
    edits = List.copyOf(edits);
    Set<String> names = new HashSet<>();
    for (StoredEdit e : edits) {
      if (!names.add(e.name())) {
        throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
            "Two edits are named \"" + e.name() + "\": names within a patch must be unique.");
      }
    }
  }

  /** Writes the patch atomically. */
  public void write(Path file) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteBuffer body = ByteBuffer.allocate(sizeHint()).order(ByteOrder.LITTLE_ENDIAN);
    body.putInt(MAGIC).putInt(VERSION);
    putString(body, modelFingerprint);
    body.putInt(edits.size());
    for (StoredEdit e : edits) {
      putString(body, e.name());
      putString(body, e.request().getSubject());
      putString(body, e.request().getPrompt());
      putString(body, e.request().getNewObject());
      body.putInt(e.layer());
      putFloats(body, e.left());
      putFloats(body, e.right());
    }
    CRC32 crc = new CRC32();
    crc.update(body.array(), 0, body.position());
    body.putInt((int) crc.getValue());
    bytes.write(body.array(), 0, body.position());
    AtomicFile.write(file, out -> bytes.writeTo(out));
  }

  private int sizeHint() {
    int n = 64 + 4 * modelFingerprint.length();
    for (StoredEdit e : edits) {
      n += 64 + 4 * (e.name().length() + e.request().getSubject().length() + e.request().getPrompt().length()
          + e.request().getNewObject().length()) + 4 * (e.left().length + e.right().length);
    }
    return n;
  }

  /** Reads and verifies a patch file. */
  public static EditPatch read(Path file) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE, "No edit file at " + file + ".", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (all.length < 12) {
      throw corrupt(file, "it has only " + all.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != MAGIC) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
          file + " is not a MobiEdit edit file (wrong magic). Give a file written by 'mobiedit edit --save'.");
    }
    int version = b.getInt();
    if (version != VERSION) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
          file + " has edit-file format version " + version + "; this SDK reads version " + VERSION
              + ". Save the edits again with this SDK.");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 4);
    int stored = ByteBuffer.wrap(all, all.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (stored != (int) crc.getValue()) {
      throw corrupt(file, "its checksum does not match its content");
    }
    try {
      String fingerprint = getString(b);
      int count = b.getInt();
      List<StoredEdit> edits = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = getString(b);
        EditRequest request = EditRequest.ofPrompt(getString(b), getString(b), getString(b));
        int layer = b.getInt();
        edits.add(new StoredEdit(name, request, layer, getFloats(b), getFloats(b)));
      }
      if (b.remaining() != 4) {
        throw corrupt(file, "it has " + (b.remaining() - 4) + " unexpected bytes at the end");
      }
      return new EditPatch(fingerprint, edits);
    } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
      throw corrupt(file, "its content is inconsistent (" + e + ")");
    }
  }

  private static MobiEditException corrupt(Path file, String why) {
    return new MobiEditException(MobiEditException.Reason.EDIT_STORE,
        file + " is damaged: " + why + ". Restore it from a backup or make the edits again.");
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putInt(bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("a string claims " + n + " bytes");
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void putFloats(ByteBuffer b, float[] v) {
    b.putInt(v.length);
    for (float f : v) {
      b.putFloat(f);
    }
  }

  private static float[] getFloats(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || (long) n * 4 > b.remaining()) {
      throw new IllegalArgumentException("a vector claims " + n + " floats");
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = b.getFloat();
    }
    return v;
  }
}
