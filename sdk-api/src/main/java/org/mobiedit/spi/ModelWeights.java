package org.mobiedit.spi;

import java.util.Optional;
import java.util.Set;

/**
 * A model as a backend receives it: the architecture and its tensors under canonical names. The SDK's loaders
 * (safetensors folders, GGUF files) produce one after checking that every required tensor is present with the
 * shape {@link ModelSpec#expectedShape(String)} demands, so a backend can rely on that.
 *
 * <p>The tensors stay valid until the owner of this object closes it. The SDK closes (unmaps) them as soon as
 * {@link Backend#load} returns, unless the loaded model {@linkplain BackendModel#keepsModelFilesMapped() keeps them
 * mapped}; a backend that keeps tensor views past the load must say so there, and must not outlive the model it was
 * given (the SDK closes the backend model first).
 */
public interface ModelWeights {

  ModelSpec spec();

  /** The tensor with this canonical name, if present. */
  Optional<Tensor> find(String name);

  /** The tensor with this canonical name; the loader guarantees every {@link ModelSpec#requiredTensors()} entry. */
  default Tensor tensor(String name) {
    return find(name)
        .orElseThrow(() -> new IllegalStateException("model has no tensor '" + name + "'"));
  }

  /** Every canonical tensor name present. */
  Set<String> tensorNames();

  /**
   * A short, stable fingerprint of the weights (for caches and edit files). Two models with the same fingerprint
   * have the same architecture and the same tensor bytes, as far as the loader can tell cheaply.
   */
  String fingerprint();
}
