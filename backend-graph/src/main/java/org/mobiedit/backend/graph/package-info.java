/**
 * The transformer as a graph, once for every graph backend. {@link org.mobiedit.backend.graph.TransformerGraph}
 * describes each graph the SPI needs (forward, capture, prefix, resume, decode, calibration) for Llama and Qwen2, in
 * float32, int8 weights and static or dynamic int8 activations; {@link org.mobiedit.backend.graph.Graph} holds the
 * result as typed tensors with static shapes and a small set of operators ({@link org.mobiedit.backend.graph.GraphOp})
 * that both TFLite and ONNX express directly. A backend only translates: backend-litert writes TFLite FlatBuffers,
 * backend-qnn writes ONNX protobufs. This is llama.cpp's split (one graph builder per architecture, many backends).
 */
@NullMarked
package org.mobiedit.backend.graph;

import org.jspecify.annotations.NullMarked;
