/**
 * An ONNX model writer in plain Java: {@link org.mobiedit.backend.qnn.onnx.OnnxWriter} encodes a
 * {@link org.mobiedit.backend.graph.Graph} as an ONNX {@code ModelProto} in the protobuf wire format ({@link
 * org.mobiedit.backend.qnn.onnx.ProtoMessage}), from the message and field numbers of the public ONNX specification;
 * nothing is generated from copied files, and no protobuf library is needed.
 */
@NullMarked
package org.mobiedit.backend.qnn.onnx;

import org.jspecify.annotations.NullMarked;
