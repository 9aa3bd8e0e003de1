package org.mobiedit.backend.litert.tflite;

/** Element types of TFLite tensors, with their codes in the schema's {@code TensorType} enum. */
public enum TensorType {
  FLOAT32(0, 4),
  INT32(2, 4),
  INT16(7, 2),
  INT8(9, 1);

  final byte code;
  final int bytes;

  TensorType(int code, int bytes) {
    this.code = (byte) code;
    this.bytes = bytes;
  }
}
