package org.mobiedit.backend.litert.tflite;

/**
 * The TFLite builtin operators the SDK's graphs use, with their codes in the schema's {@code BuiltinOperator} enum and
 * the index of their options table in the {@code BuiltinOptions} union (0 when the operator takes none).
 */
public enum Op {
  ADD(0, 11),
  CAST(53, 0),
  CONCATENATION(2, 10),
  DEQUANTIZE(6, 0),
  FULLY_CONNECTED(9, 8),
  LOGISTIC(14, 0),
  MAXIMUM(55, 0),
  MUL(18, 21),
  RESHAPE(22, 17),
  SOFTMAX(25, 9),
  GATHER(36, 23),
  TRANSPOSE(39, 26),
  MEAN(40, 27),
  SUB(41, 28),
  SLICE(65, 48),
  RSQRT(76, 0),
  SQUARE(92, 0),
  QUANTIZE(114, 0),
  BATCH_MATMUL(126, 101);

  final int code;
  final int optionsType;

  Op(int code, int optionsType) {
    this.code = code;
    this.optionsType = optionsType;
  }
}
