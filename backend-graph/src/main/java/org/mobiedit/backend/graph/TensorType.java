package org.mobiedit.backend.graph;

/** Element types of graph tensors; each format writer maps them to its own codes. */
public enum TensorType {
  FLOAT32(4),
  INT32(4),
  INT16(2),
  INT8(1);

  private final int bytes;

  TensorType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }
}
