package org.mobiedit.core;

import java.nio.file.Path;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.ModelWeights;

/**
 * A model's files opened and validated but not loaded on any backend ({@link MobiEdit#openWeights}): the weights as
 * the SPI hands them to a backend, and the model's tokenizer. For backend vendors' kits and tools that drive a
 * {@link org.mobiedit.spi.Backend} themselves; the tensors stay in the mapped files until {@link #close()}.
 */
public interface WeightsFile extends ModelWeights, AutoCloseable {

  /**
   * The model's own tokenizer, found on first use (so that the weights alone can be read when it is missing).
   *
   * @throws org.mobiedit.api.MobiEditException {@code TOKENIZER_MISSING} or {@code TOKENIZER_CORRUPT}
   */
  Tokenizer tokenizer();

  /** The file or folder the weights are read from: the GGUF file itself when a folder holding one was given. */
  Path location();

  /** The storage format, as people name it: {@code "gguf v3"}, {@code "safetensors (2 shards)"}, … */
  String formatName();

  @Override
  void close();
}
