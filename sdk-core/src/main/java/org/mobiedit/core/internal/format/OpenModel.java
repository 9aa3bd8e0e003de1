package org.mobiedit.core.internal.format;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.Tensor;

/**
 * A model whose files are open and memory-mapped: its spec, its tensors under canonical names, and where it came
 * from. Made by {@link ModelFiles#open(Path)}, which has already checked that every required tensor is present with
 * the expected shape.
 *
 * <p>Thread safety: reads are safe from any thread. {@link #close()} (or {@link #releaseTensorData()}) unmaps the
 * files; tensors must not be read afterwards, while the spec, metadata and fingerprint stay available.
 */
public final class OpenModel implements ModelWeights, AutoCloseable {
  /** Tensors every layer has: two norms, q, k, v, output, gate, up and down (plus three biases for qwen2). */
  private static final int MIN_TENSORS_PER_LAYER = 9;

  private final Path location;
  private final @Nullable Path folder;
  private final String formatName;
  private final ModelSpec spec;
  private final Map<String, MappedTensor> tensors;
  private final List<MappedFile> files;
  private volatile Map<String, Object> ggufMetadata;
  private final String fingerprint;

  OpenModel(Path location, @Nullable Path folder, String formatName, ModelSpec spec,
      Map<String, MappedTensor> tensors, List<MappedFile> files, Map<String, Object> ggufMetadata) {
    this.location = location;
    this.folder = folder;
    this.formatName = formatName;
    this.spec = spec;
    this.tensors = Collections.unmodifiableMap(new TreeMap<>(tensors));
    this.files = List.copyOf(files);
    this.ggufMetadata = ggufMetadata;
    this.fingerprint = computeFingerprint();
  }

  /**
   * Checks, before anything is mapped, that the tensors can be the model {@code spec} describes: enough of them for
   * its layer count (compared before per-layer names are made, so an absurd count costs nothing), every required
   * tensor present with the expected shape, and no two tensors sharing bytes of a file. Each tensor's own extent was
   * checked against its file when it was made ({@link MappedTensor}).
   */
  static void validate(ModelSpec spec, Map<String, MappedTensor> tensors, Path location, String configSource) {
    long needed = 2 + (spec.tiedEmbeddings() ? 0 : 1)
        + (long) spec.layers() * (MIN_TENSORS_PER_LAYER + (spec.attentionBias() ? 3 : 0));
    // More layers than the tensors can hold: look for the first missing tensor only among the layers they could
    // hold, so that an absurd layer count never makes its tensor names.
    ModelSpec scanned = needed <= tensors.size() ? spec
        : spec.toBuilder().layers((int) Math.min(spec.layers(), tensors.size() / MIN_TENSORS_PER_LAYER + 1)).build();
    for (String name : scanned.requiredTensors()) {
      MappedTensor t = tensors.get(name);
      long[] expected = spec.expectedShape(name);
      if (t == null) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
            location + " has no tensor " + name + " although " + configSource + " describes " + spec
                + ". The weights are incomplete or belong to another architecture.");
      }
      if (!Arrays.equals(expected, t.shape())) {
        throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
            location + ": tensor " + name + " has shape " + Arrays.toString(t.shape()) + " but " + configSource
                + " implies " + Arrays.toString(expected) + " (" + spec + "). The configuration does not match"
                + " the weights: use the config that came with them.");
      }
    }
    if (scanned != spec) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_INCONSISTENT,
          configSource + " describes " + spec.layers() + " layers, which need at least " + needed + " tensors, but "
              + location + " holds " + tensors.size() + " tensors of the model. The configuration does not match"
              + " the weights: use the config that came with them, or download the model again.");
    }
    checkNoOverlap(tensors.values());
  }

  /** Two tensors whose bytes overlap mean a corrupt header (an edit of one would show in the other). */
  private static void checkNoOverlap(Collection<MappedTensor> tensors) {
    Map<MappedFile, List<MappedTensor>> byFile = new IdentityHashMap<>();
    for (MappedTensor t : tensors) {
      if (t.storageBytes() > 0) {
        byFile.computeIfAbsent(t.file(), f -> new ArrayList<>()).add(t);
      }
    }
    for (List<MappedTensor> inFile : byFile.values()) {
      inFile.sort(Comparator.comparingLong(MappedTensor::fileOffset));
      for (int i = 1; i < inFile.size(); i++) {
        MappedTensor a = inFile.get(i - 1);
        MappedTensor b = inFile.get(i);
        if (b.fileOffset() < a.fileOffset() + a.storageBytes()) {
          throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
              a.file().path() + " is corrupt: tensors " + Excerpt.quoted(a.name()) + " (bytes " + a.fileOffset()
                  + " to " + (a.fileOffset() + a.storageBytes()) + ") and " + Excerpt.quoted(b.name())
                  + " (from byte " + b.fileOffset() + ") overlap. Download or convert the model again.");
        }
      }
    }
  }

  private String computeFingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(spec.toString().getBytes(StandardCharsets.UTF_8));
      for (MappedTensor t : tensors.values()) {
        sha.update((t.name() + t.dtype() + Arrays.toString(t.shape())).getBytes(StandardCharsets.UTF_8));
        long size = t.storageBytes();
        sha.update(t.rawBytes(0, 64));
        sha.update(t.rawBytes(size / 2, 64));
        sha.update(t.rawBytes(Math.max(0, size - 64), 64));
      }
      StringBuilder sb = new StringBuilder();
      byte[] d = sha.digest();
      for (int i = 0; i < 12; i++) {
        sb.append(String.format("%02x", d[i] & 0xff));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public ModelSpec spec() {
    return spec;
  }

  @Override
  public Optional<Tensor> find(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  @Override
  public Set<String> tensorNames() {
    return tensors.keySet();
  }

  /**
   * SHA-256 (first 96 bits, hex) over the spec, every tensor's name, type and shape, and 192 sampled bytes of each
   * tensor (start, middle, end). Cheap to compute at open; changes when any tensor is replaced.
   */
  @Override
  public String fingerprint() {
    return fingerprint;
  }

  /** The path the model was opened from. */
  public Path location() {
    return location;
  }

  /** The folder holding the model (where tokenizer files are looked for). */
  public Optional<Path> folder() {
    return Optional.ofNullable(folder);
  }

  /** For example "gguf v3" or "safetensors (2 shards)". */
  public String formatName() {
    return formatName;
  }

  /** GGUF metadata (empty for Hugging Face folders). */
  public Map<String, Object> ggufMetadata() {
    return ggufMetadata;
  }

  /**
   * Drops the tokenizer's lists ({@code tokenizer.ggml.*} values that are lists or arrays: tokens, merges, scores,
   * types) from the metadata, once the tokenizer has been built from them: for a 150,000-token vocabulary they hold
   * about 15 MiB of strings on the Java heap that nothing reads again. The other entries stay.
   */
  public void releaseTokenizerLists() {
    Map<String, Object> kept = new LinkedHashMap<>();
    ggufMetadata.forEach((k, v) -> {
      boolean list = v instanceof Collection || (v != null && v.getClass().isArray());
      if (!(k.startsWith("tokenizer.ggml.") && list)) {
        kept.put(k, v);
      }
    });
    ggufMetadata = Collections.unmodifiableMap(kept);
  }

  /** Total bytes of tensor data in the mapped files. */
  public long mappedBytes() {
    long n = 0;
    for (MappedTensor t : tensors.values()) {
      n += t.storageBytes();
    }
    return n;
  }

  /**
   * Unmaps the files (the backend holds its own copy of the weights). Tensor reads fail afterwards; everything else
   * stays available. Idempotent.
   */
  public void releaseTensorData() {
    for (MappedFile f : files) {
      f.close();
    }
  }

  @Override
  public void close() {
    releaseTensorData();
  }
}
