package org.mobiedit.core.internal.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.files.AtomicFile;

/**
 * A model's prepared key statistics: the sample texts an editor collects its key statistics over, and the second
 * moment of the MLP keys at some layers, made once per model ({@code mobiedit prepare}) and kept beside it. An editor
 * that finds them uses them instead of sampling its own at its first edit: more texts than a phone could generate at
 * every start, and the same statistics in every session, whatever edits are applied when the first edit of a session
 * runs (statistics sampled on the device describe the model as it is then, edits included).
 *
 * <p>Layout (little-endian): magic {@code "MEKS"}, u32 version, UTF string fingerprint of the model, u32 intermediate
 * size, u64 seed, u32 text count, per text u32 length and that many u32 token ids, u32 length and the vocabulary
 * tokens whose keys are counted, u32 layer count, per layer u32 layer, u64 key count, u32 length and the lower
 * triangle of the mean of {@code k kᵀ} over the texts' keys row by row in float64, then u32 length and the same over
 * the vocabulary tokens' keys (each token at the start of a text); finally u32 CRC-32 of every byte before it.
 * Version 1 files (before the vocabulary keys) are refused with a message to prepare them again. Read front to back
 * in bounded memory, every count checked against the bytes left and the model before anything is allocated, the
 * checksum compared at the end; written atomically.
 *
 * @param seed the seed the texts were sampled with (recorded for inspection)
 * @param texts the token ids of each sample text, as the model reads them
 * @param vocabularyTokens the tokens whose keys the vocabulary statistics are over, at least one
 * @param layers the layers whose statistics are stored, each at most once
 */
public record KeyStatisticsFile(String modelFingerprint, int intermediateSize, long seed, List<int[]> texts,
    int[] vocabularyTokens, List<Layer> layers) {
  private static final int MAGIC = 0x534B454D; // "MEKS" little-endian
  public static final int VERSION = 2;
  /** The name of the file in a model folder; beside a single-file model it is the model's name plus this. */
  public static final String FILE_NAME = "key-statistics.bin";
  /** The most sample texts (as {@code EditOptions.MAX_KEY_SAMPLE_TEXTS}). */
  public static final int MAX_TEXTS = 65536;
  /** The largest intermediate size whose lower triangle one array can hold. */
  public static final int MAX_SIZE = 65535;

  /**
   * One layer's statistics.
   *
   * @param keys how many keys the mean is over
   * @param lowerTriangle {@code size·(size+1)/2} values: row {@code i} holds columns {@code 0..i}
   * @param vocabularyTriangle the same over the keys of the vocabulary tokens
   */
  public record Layer(int layer, long keys, double[] lowerTriangle, double[] vocabularyTriangle) {}

  public KeyStatisticsFile {
    texts = List.copyOf(texts);
    vocabularyTokens = vocabularyTokens.clone();
    layers = List.copyOf(layers);
  }

  @Override
  public int[] vocabularyTokens() {
    return vocabularyTokens.clone();
  }

  /** Where a model's prepared statistics are: inside a model folder, or beside a single-file model. */
  public static Path beside(Path modelLocation) {
    return Files.isDirectory(modelLocation) ? modelLocation.resolve(FILE_NAME)
        : modelLocation.resolveSibling(modelLocation.getFileName() + "." + FILE_NAME);
  }

  /** The stored statistics of {@code layer}, or null. */
  public Layer layer(int layer) {
    for (Layer l : layers) {
      if (l.layer() == layer) {
        return l;
      }
    }
    return null;
  }

  /**
   * Writes the file atomically.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} for statistics beyond the format's limits, {@code IO} when the
   *     file cannot be written
   */
  public void write(Path file) {
    if (intermediateSize < 1 || intermediateSize > MAX_SIZE || texts.isEmpty() || texts.size() > MAX_TEXTS
        || vocabularyTokens.length == 0) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Cannot write key statistics of size "
          + intermediateSize + " over " + texts.size() + " texts to " + file + ": at most " + MAX_SIZE + " and "
          + MAX_TEXTS + ", and at least one text and one vocabulary token.");
    }
    long triangle = triangle(intermediateSize);
    Set<Integer> seen = new HashSet<>();
    for (Layer l : layers) {
      if (l.lowerTriangle().length != triangle || l.vocabularyTriangle().length != triangle || !seen.add(l.layer()) || l.layer() < 0) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, "Cannot write key statistics to "
            + file + ": layer " + l.layer() + " is repeated, negative, or not of size " + intermediateSize + ".");
      }
    }
    AtomicFile.write(file, stream -> {
      PatchOutput out = new PatchOutput(stream);
      out.u32(MAGIC);
      out.u32(VERSION);
      out.bytes(modelFingerprint.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.u32(intermediateSize);
      out.u64(seed);
      out.u32(texts.size());
      for (int[] t : texts) {
        out.ints(t);
      }
      out.ints(vocabularyTokens);
      out.u32(layers.size());
      for (Layer l : layers) {
        out.u32(l.layer());
        out.u64(l.keys());
        out.doubles(l.lowerTriangle());
        out.doubles(l.vocabularyTriangle());
      }
      out.checksum();
    });
  }

  /** What a prepared file must agree with: the model it is read for. */
  public record Expected(String fingerprint, int intermediateSize, int layers, int vocabSize, int contextLength) {}

  /**
   * Reads and verifies a prepared file for the model {@code expected} describes.
   *
   * @throws MobiEditException {@code MODEL_INCONSISTENT} for statistics of another model, {@code MODEL_CORRUPT} for
   *     a damaged or implausible file, {@code IO} when it cannot be read; every message names the file and says to
   *     prepare it again
   */
  public static KeyStatisticsFile read(Path file, Expected expected) {
    try {
      return PatchInput.read(file, (in, size) -> readBody(in, size, file, expected));
    } catch (PatchInput.Implausible e) {
      throw corrupt(file, e.getMessage());
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "The key statistics at " + file + " are gone: " + e
          .getMessage(), e);
    } catch (AccessDeniedException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": permission denied. Give"
          + " the app read access to it, or delete it.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static KeyStatisticsFile readBody(PatchInput in, long size, Path file, Expected expected)
      throws IOException, PatchInput.Implausible {
    if (size < 12) {
      throw corrupt(file, "it has only " + size + " bytes");
    }
    if (in.u32("magic") != MAGIC) {
      throw corrupt(file, "it is not a MobiEdit key statistics file (wrong magic)");
    }
    int version = in.u32("version");
    if (version != VERSION) {
      throw corrupt(file, "it has format version " + Integer.toUnsignedString(version) + " and this SDK reads "
          + VERSION);
    }
    String fingerprint = in.string("the model fingerprint", EditPatch.MAX_FINGERPRINT_BYTES);
    if (!fingerprint.equals(expected.fingerprint())) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT, file + " holds key statistics of"
          + " another model (fingerprint " + fingerprint + ", this one is " + expected.fingerprint() + "). Delete"
          + " it, or prepare it again for this model with 'mobiedit prepare --model <model>'.");
    }
    int intermediate = in.u32("the intermediate size");
    if (intermediate != expected.intermediateSize()) {
      throw corrupt(file, "its intermediate size is " + Integer.toUnsignedString(intermediate) + " and the model's "
          + expected.intermediateSize());
    }
    long seed = in.u64("the seed");
    int count = in.count("the text count", Math.min(MAX_TEXTS, in.remaining() / 8));
    if (count == 0) {
      throw corrupt(file, "it has no sample text");
    }
    List<int[]> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String which = "text " + (i + 1) + " of " + count;
      int[] ids = in.ints(which, expected.contextLength());
      if (ids.length == 0) {
        throw corrupt(file, which + " is empty");
      }
      for (int id : ids) {
        if (id < 0 || id >= expected.vocabSize()) {
          throw corrupt(file, which + " holds token id " + id + ", outside the model's vocabulary of "
              + expected.vocabSize());
        }
      }
      texts.add(ids);
    }
    int[] vocabulary = in.ints("the vocabulary tokens", expected.vocabSize());
    if (vocabulary.length == 0) {
      throw corrupt(file, "it counts no vocabulary token");
    }
    for (int id : vocabulary) {
      if (id < 0 || id >= expected.vocabSize()) {
        throw corrupt(file, "its vocabulary tokens hold id " + id + ", outside the model's vocabulary of "
            + expected.vocabSize());
      }
    }
    int layerCount = in.count("the layer count", expected.layers());
    long triangle = triangle(intermediate);
    List<Layer> layers = new ArrayList<>(layerCount);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < layerCount; i++) {
      int layer = in.u32("layer " + (i + 1) + "'s index");
      if (layer < 0 || layer >= expected.layers() || !seen.add(layer)) {
        throw corrupt(file, "its layer " + Integer.toUnsignedString(layer) + " is repeated or not one of the "
            + expected.layers() + " the model has");
      }
      long keys = in.u64("layer " + layer + "'s key count");
      if (keys < 1) {
        throw corrupt(file, "layer " + layer + " is over " + keys + " keys");
      }
      double[] values = triangle(in, file, "layer " + layer + "'s statistics", triangle, intermediate);
      double[] vocabularyValues = triangle(in, file, "layer " + layer + "'s vocabulary statistics", triangle,
          intermediate);
      layers.add(new Layer(layer, keys, values, vocabularyValues));
    }
    if (in.remaining() != 0) {
      throw corrupt(file, "it has " + in.remaining() + " unexpected bytes at the end");
    }
    if (!in.checksumMatches()) {
      throw corrupt(file, "its checksum does not match its content");
    }
    return new KeyStatisticsFile(fingerprint, intermediate, seed, texts, vocabulary, layers);
  }

  /** A lower triangle of {@code triangle} finite values. */
  private static double[] triangle(PatchInput in, Path file, String what, long triangle, int size)
      throws IOException, PatchInput.Implausible {
    double[] values = in.doubles(what, (int) triangle);
    if (values.length != triangle) {
      throw corrupt(file, what + " have " + values.length + " values where size " + size + " needs " + triangle);
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw corrupt(file, what + " hold a non-finite value");
      }
    }
    return values;
  }

  private static long triangle(int size) {
    return (long) size * (size + 1) / 2;
  }

  private static MobiEditException corrupt(Path file, String why) {
    return new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT, "The key statistics in " + file
        + " are damaged: " + why + ". Delete the file, or prepare it again with 'mobiedit prepare --model <model>'.");
  }
}
