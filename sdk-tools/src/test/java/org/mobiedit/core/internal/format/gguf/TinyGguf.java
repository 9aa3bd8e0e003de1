package org.mobiedit.core.internal.format.gguf;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mobiedit.spi.Architecture;
import org.mobiedit.spi.DType;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.tools.writer.GgufWriter;

/**
 * A tiny, valid llama GGUF model (no tokenizer) whose metadata a test can change: {@link #metadata()} gives the
 * valid entries; put other values in (or {@code null} to leave a key out) and {@link #write} the file.
 */
final class TinyGguf {
  static final ModelSpec SPEC = ModelSpec.builder().architecture(Architecture.LLAMA).hiddenSize(16)
      .intermediateSize(32).layers(2).heads(4).kvHeads(2).vocabSize(32).contextLength(64).tiedEmbeddings(true)
      .ropeLayout(RopeLayout.INTERLEAVED)
      .build();

  private TinyGguf() {}

  static Map<String, Object> metadata() {
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("general.architecture", "llama");
    md.put("llama.embedding_length", (long) SPEC.hiddenSize());
    md.put("llama.feed_forward_length", (long) SPEC.intermediateSize());
    md.put("llama.block_count", (long) SPEC.layers());
    md.put("llama.attention.head_count", (long) SPEC.heads());
    md.put("llama.attention.head_count_kv", (long) SPEC.kvHeads());
    md.put("llama.context_length", (long) SPEC.contextLength());
    md.put("llama.attention.layer_norm_rms_epsilon", 1e-5);
    md.put("llama.rope.freq_base", 10000.0);
    return md;
  }

  static Path write(Path file, Map<String, Object> metadata) {
    GgufWriter w = new GgufWriter();
    metadata.forEach((k, v) -> {
      if (v != null) {
        w.put(k, v);
      }
    });
    for (String name : SPEC.requiredTensors()) {
      w.add(name, DType.F32, SPEC.expectedShape(name), (start, buf, count) -> Arrays.fill(buf, 0, count, 0.5f));
    }
    w.write(file);
    return file;
  }

  static Path write(Path file) {
    return write(file, metadata());
  }
}
