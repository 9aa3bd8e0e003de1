package org.mobiedit.core.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.AtomicFile;
import org.mobiedit.spi.numerics.ActivationScales;
import org.mobiedit.spi.numerics.SymmetricGrid;

/**
 * A sequence of edits saved for one model, bound to its fingerprint. The file is small (two vectors per edit), has a
 * format version and a CRC-32 of its content, and is written atomically: a crash while saving leaves the previous
 * file intact.
 *
 * <p>Layout (little-endian): magic {@code "MEDP"}, u32 version, UTF string fingerprint, u32 edit count, then per
 * edit: name, subject, prompt, new object (UTF strings), u32 update count, and per update u32 layer, u32 |left|,
 * floats, u32 |right|, floats, u32 |key|, floats; then u32 grid bits, 0 for none, else (8 or 16) u32 |scales| and
 * floats: the static activation scales the model ran on after the edit, when it quantizes activations
 * ({@link #scalesAfter()}); finally u32 CRC-32 of every byte before it. Strings are u32 length + UTF-8 bytes. Version 3
 * (still read) has no scales. Version 2 (still read) has no update count either: one update per edit. Version 1
 * (still read) has no key either, and its edits load without one.
 *
 * <p>Reading streams the file once, front to back, in bounded memory: every count and length is checked against
 * the bytes left and against the limits below before anything is allocated (a damaged or hostile file fails at its
 * first implausible field), and the checksum is computed on the way and compared at the end. Writing refuses what
 * reading would refuse, so every saved patch can be loaded again.
 */
public record EditPatch(String modelFingerprint, List<StoredEdit> edits, Map<String, ActivationScales> scalesAfter) {
  private static final int MAGIC = 0x5044454D; // "MEDP" little-endian
  /** The format version this SDK writes; it reads this one and the three before it. */
  public static final int VERSION = 4;
  /** The format without activation scales (written by SDK 0.1.0 snapshots before 2026-12-06). */
  public static final int VERSION_WITHOUT_SCALES = 3;
  /** The format of one update per edit (written by SDK 0.1.0 snapshots before edits were spread over layers). */
  public static final int VERSION_ONE_UPDATE = 2;
  /** The first format, whose edits carry no key (written by SDK 0.1.0 snapshots before sequential protection). */
  public static final int VERSION_WITHOUT_KEYS = 1;
  /** The longest fingerprint, in UTF-8 bytes (the SDK's are 24 hex digits). */
  public static final int MAX_FINGERPRINT_BYTES = 1024;
  /** The longest name, subject, prompt or new object, in UTF-8 bytes (prompts fit in a context window). */
  public static final int MAX_TEXT_BYTES = 1 << 20;
  /**
   * The most edits in one patch: sequential rank-one editing degrades a model long before this (ROME-style editors
   * are measured with thousands of edits at most).
   */
  public static final int MAX_EDITS = 100_000;
  /** The longest vector: 2^20 values, far above the hidden and intermediate sizes of any model (tens of thousands). */
  public static final int MAX_VECTOR = 1 << 20;
  /** The fewest bytes an edit takes: four empty strings, the layer and two empty vectors (version 1). */
  private static final int MIN_EDIT_BYTES = 4 * 4 + 4 + 4 + 4;
  /** The fewest bytes an update takes: the layer and three empty vectors. */
  private static final int MIN_UPDATE_BYTES = 4 + 4 + 4 + 4;

  /**
   * @param modelFingerprint the fingerprint of the model the edits were made on
   * @param edits the edits, oldest first
   * @param scalesAfter by edit name, the static activation scales the model ran on once that edit was applied (each
   *     edit calibrates on its own rows and the model keeps the last edit's: loading them back makes the model compute
   *     as it did when the edits were saved); empty for a model with float activations
   */
  public EditPatch {
    edits = List.copyOf(edits);
    scalesAfter = Map.copyOf(scalesAfter);
    Set<String> names = new HashSet<>();
    for (StoredEdit e : edits) {
      if (!names.add(e.name())) {
        throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
            "Two edits are named " + Excerpt.quoted(e.name()) + ": names within a patch must be unique.");
      }
    }
    if (!names.containsAll(scalesAfter.keySet())) {
      throw new IllegalArgumentException("scales for edits the patch does not hold");
    }
  }

  /** A patch of edits made with float activations (no scales). */
  public EditPatch(String modelFingerprint, List<StoredEdit> edits) {
    this(modelFingerprint, edits, Map.of());
  }

  /**
   * Writes the patch atomically.
   *
   * @throws MobiEditException {@code EDIT_STORE} for a patch beyond the format's limits (it could not be read
   *     back), {@code IO} when the file cannot be written
   */
  public void write(Path file) {
    List<byte[]> texts = new ArrayList<>();
    byte[] fingerprint = utf8(modelFingerprint, "the model fingerprint", MAX_FINGERPRINT_BYTES, file);
    if (edits.size() > MAX_EDITS) {
      throw unsavable(file, "it has " + edits.size() + " edits, more than the " + MAX_EDITS + " a patch can hold");
    }
    for (StoredEdit e : edits) {
      String which = "edit " + Excerpt.quoted(e.name());
      texts.add(utf8(e.name(), which + "'s name", MAX_TEXT_BYTES, file));
      texts.add(utf8(e.request().getSubject(), which + "'s subject", MAX_TEXT_BYTES, file));
      texts.add(utf8(e.request().getPrompt(), which + "'s prompt", MAX_TEXT_BYTES, file));
      texts.add(utf8(e.request().getNewObject(), which + "'s new object", MAX_TEXT_BYTES, file));
      for (StoredUpdate u : e.updates()) {
        if (u.left().length > MAX_VECTOR || u.right().length > MAX_VECTOR || u.key().length > MAX_VECTOR) {
          throw unsavable(file, which + " has a vector longer than " + MAX_VECTOR + " values");
        }
      }
      ActivationScales scales = scalesAfter.get(e.name());
      if (scales != null && scales.size() > MAX_VECTOR) {
        throw unsavable(file, which + " has more than " + MAX_VECTOR + " activation scales");
      }
    }
    AtomicFile.write(file, stream -> {
      PatchOutput out = new PatchOutput(stream);
      out.u32(MAGIC);
      out.u32(VERSION);
      out.bytes(fingerprint);
      out.u32(edits.size());
      int t = 0;
      for (StoredEdit e : edits) {
        for (int k = 0; k < 4; k++) {
          out.bytes(texts.get(t++));
        }
        out.u32(e.updates().size());
        for (StoredUpdate u : e.updates()) {
          out.u32(u.layer());
          out.floats(u.left());
          out.floats(u.right());
          out.floats(u.key());
        }
        ActivationScales scales = scalesAfter.get(e.name());
        if (scales == null) {
          out.u32(0);
        } else {
          out.u32(scales.grid().bits());
          out.floats(scales.toArray());
        }
      }
      out.checksum();
    });
  }

  private static byte[] utf8(String s, String what, int max, Path file) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > max) {
      throw unsavable(file, what + " has " + b.length + " bytes of UTF-8, more than the " + max + " a patch can hold");
    }
    return b;
  }

  private static MobiEditException unsavable(Path file, String why) {
    return new MobiEditException(MobiEditException.Reason.EDIT_STORE, "Cannot save the edits to " + file + ": "
        + why + ". Undo some edits or save fewer at a time.");
  }

  /**
   * Reads and verifies a patch file.
   *
   * @throws MobiEditException {@code EDIT_STORE} naming the file for a missing, foreign, damaged or implausible
   *     file; {@code IO} when it cannot be read
   */
  public static EditPatch read(Path file) {
    if (Files.notExists(file)) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE, "No edit file at " + file + ".");
    }
    if (!Files.isRegularFile(file)) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
          file + " is not a regular file. Give a file written by 'mobiedit edit --save'.");
    }
    try {
      return PatchInput.read(file, (in, size) -> {
        if (size < 12) {
          throw corrupt(file, "it has only " + size + " bytes");
        }
        if (in.u32("magic") != MAGIC) {
          throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
              file + " is not a MobiEdit edit file (wrong magic). Give a file written by 'mobiedit edit --save'.");
        }
        int version = in.u32("version");
        if (version < VERSION_WITHOUT_KEYS || version > VERSION) {
          throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
              file + " has edit-file format version " + Integer.toUnsignedString(version) + "; this SDK reads"
                  + " versions " + VERSION_WITHOUT_KEYS + " to " + VERSION + ". Save the edits again with this SDK.");
        }
        return readBody(in, file, version);
      });
    } catch (PatchInput.Implausible e) {
      throw corrupt(file, e.getMessage());
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE, "No edit file at " + file + ".", e);
    } catch (AccessDeniedException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": permission denied. Give"
          + " the app read access to the file, or copy it to a folder the app can read.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static EditPatch readBody(PatchInput in, Path file, int version)
      throws IOException, PatchInput.Implausible {
    String fingerprint = in.string("the model fingerprint", MAX_FINGERPRINT_BYTES);
    int count = in.count("the edit count", Math.min(MAX_EDITS, in.remaining() / MIN_EDIT_BYTES));
    List<StoredEdit> edits = new ArrayList<>();
    Map<String, ActivationScales> scales = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String at = "edit " + (i + 1) + " of " + count;
      String name = in.string(at + "'s name", MAX_TEXT_BYTES);
      if (!names.add(name)) {
        throw new PatchInput.Implausible(at + " is named " + Excerpt.quoted(name) + " like an earlier one");
      }
      String subject = in.string(at + "'s subject", MAX_TEXT_BYTES);
      String prompt = in.string(at + "'s prompt", MAX_TEXT_BYTES);
      String newObject = in.string(at + "'s new object", MAX_TEXT_BYTES);
      EditRequest request;
      try {
        request = EditRequest.ofPrompt(subject, prompt, newObject);
      } catch (MobiEditException e) {
        throw new PatchInput.Implausible(at + " holds an invalid request (" + Excerpt.escaped(e.getMessage()) + ")");
      }
      int updates = version >= VERSION_WITHOUT_SCALES ? in.count(at + "'s update count",
          (int) Math.min(StoredEdit.MAX_UPDATES, in.remaining() / MIN_UPDATE_BYTES)) : 1;
      if (updates == 0) {
        throw new PatchInput.Implausible(at + " has no update");
      }
      List<StoredUpdate> parts = new ArrayList<>();
      for (int u = 0; u < updates; u++) {
        String of = updates == 1 ? at : at + "'s update " + (u + 1) + " of " + updates;
        int layer = in.u32(of + "'s layer");
        float[] left = in.floats(of + "'s left vector", MAX_VECTOR);
        float[] right = in.floats(of + "'s right vector", MAX_VECTOR);
        float[] key = version != VERSION_WITHOUT_KEYS ? in.floats(of + "'s key", MAX_VECTOR) : new float[0];
        parts.add(new StoredUpdate(layer, left, right, key));
      }
      edits.add(new StoredEdit(name, request, parts));
      if (version == VERSION) {
        int bits = in.u32(at + "'s activation grid");
        if (bits != 0) {
          scales.put(name, scalesOf(at, bits, in.floats(at + "'s activation scales", MAX_VECTOR)));
        }
      }
    }
    if (in.remaining() != 0) {
      throw corrupt(file, "it has " + in.remaining() + " unexpected bytes at the end");
    }
    if (!in.checksumMatches()) {
      throw corrupt(file, "its checksum does not match its content");
    }
    return new EditPatch(fingerprint, edits, scales);
  }

  private static ActivationScales scalesOf(String at, int bits, float[] scales) throws PatchInput.Implausible {
    try {
      return ActivationScales.of(SymmetricGrid.ofBits(bits), scales);
    } catch (IllegalArgumentException e) {
      throw new PatchInput.Implausible(at + "'s activation scales are not usable (" + e.getMessage() + ")");
    }
  }

  private static MobiEditException corrupt(Path file, String why) {
    return new MobiEditException(MobiEditException.Reason.EDIT_STORE,
        file + " is damaged: " + why + ". Restore it from a backup or make the edits again.");
  }
}
