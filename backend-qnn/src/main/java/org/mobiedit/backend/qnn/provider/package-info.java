/**
 * Which ONNX Runtime execution provider runs a model's graphs: the QNN provider on a Snapdragon NPU for the static
 * integer precisions when ONNX Runtime offers it, else the CPU provider; chosen by {@code auto|npu|cpu}.
 */
@NullMarked
package org.mobiedit.backend.qnn.provider;

import org.jspecify.annotations.NullMarked;
