package org.mobiedit.core;

import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.ModelWeights;

/**
 * A model's files opened and validated but not loaded on any backend ({@link MobiEdit#openWeights}): the weights as
 * the SPI hands them to a backend, and the model's tokenizer. For backend vendors' kits and tools that drive a
 * {@link org.mobiedit.spi.Backend} themselves; the tensors stay in the mapped files until {@link #close()}.
 */
public interface WeightsFile extends ModelWeights, AutoCloseable {

  /** The model's own tokenizer. */
  Tokenizer tokenizer();

  @Override
  void close();
}
