package org.mobiedit.backend.litert.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link TfliteGraph} as a TFLite model: one subgraph, schema version 3, file identifier {@code TFL3}.
 * Constant data is not embedded in the FlatBuffer: each {@code Buffer} names the offset and size of its data after it
 * (the schema's fields for models over 2 GB), so the FlatBuffer stays small whatever the weights weigh, and the data
 * is never copied into it. The layout is {@link TfliteFile}'s.
 *
 * <p>Field slots are the positions of the fields in the schema's tables (for example {@code Tensor}: shape 0, type 1,
 * buffer 2, name 3; {@code Operator}: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3,
 * builtin_options 4).
 */
public final class TfliteWriter {
  private static final int SCHEMA_VERSION = 3;
  /** Codes above this do not fit the deprecated byte field; it then holds this placeholder value. */
  private static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

  private TfliteWriter() {}

  public static TfliteFile write(TfliteGraph g, String description) {
    // Each constant's place within the data region, computed once: 64-byte aligned, in tensor order.
    long[] within = new long[g.tensors.size()];
    long end = 0;
    for (int i = 0; i < within.length; i++) {
      ConstantData data = g.tensors.get(i).data();
      if (data != null) {
        within[i] = end;
        end = TfliteFile.align(end + data.size());
      }
    }
    // The FlatBuffer's size does not depend on the offset values it holds (every offset field is written: none is the
    // default 0, and 0 or 1 would mean "in the FlatBuffer"), so a first pass with the region at any start above 1
    // gives the size, and the second pass places the region right after the FlatBuffer.
    byte[] probe = flatBuffer(g, description, within, TfliteFile.ALIGNMENT);
    long dataStart = TfliteFile.align(probe.length);
    byte[] head = flatBuffer(g, description, within, dataStart);
    if (head.length != probe.length) {
      throw new IllegalStateException("the FlatBuffer changed size between passes: " + probe.length + " / "
          + head.length);
    }
    List<TfliteFile.Part> parts = new ArrayList<>();
    parts.add(new TfliteFile.Part(0, ConstantData.bytes(head)));
    for (int i = 0; i < within.length; i++) {
      ConstantData data = g.tensors.get(i).data();
      if (data != null) {
        parts.add(new TfliteFile.Part(dataStart + within[i], data));
      }
    }
    return new TfliteFile(parts);
  }

  private static byte[] flatBuffer(TfliteGraph g, String description, long[] within, long dataStart) {
    FlatBufferBuilder b = new FlatBufferBuilder(1 << 16);

    // buffers: 0 is the empty buffer every tensor without data points to; the others say where their data is
    List<Integer> bufferOffsets = new ArrayList<>();
    bufferOffsets.add(emptyTable(b));
    int[] bufferOfTensor = new int[g.tensors.size()];
    for (int i = 0; i < g.tensors.size(); i++) {
      ConstantData data = g.tensors.get(i).data();
      if (data != null) {
        b.startTable(3);
        b.addLong(1, dataStart + within[i], 0);
        b.addLong(2, data.size(), 0);
        bufferOfTensor[i] = bufferOffsets.size();
        bufferOffsets.add(b.endTable());
      }
    }

    int[] tensorOffsets = new int[g.tensors.size()];
    for (int i = 0; i < g.tensors.size(); i++) {
      TfliteGraph.Tensor t = g.tensors.get(i).tensor();
      int shape = ints(b, t.shape());
      int name = b.createString(t.name());
      float[] scales = g.tensors.get(i).scales();
      int quantization = scales == null ? 0 : perChannel(b, scales);
      b.startTable(11);
      b.addOffset(0, shape, 0);
      b.addByte(1, t.type().code, 0);
      b.addInt(2, bufferOfTensor[i], 0);
      b.addOffset(3, name, 0);
      if (scales != null) {
        b.addOffset(4, quantization, 0);
      }
      tensorOffsets[i] = b.endTable();
    }

    Map<Op, Integer> opcodeIndex = new LinkedHashMap<>();
    for (TfliteGraph.Node n : g.nodes) {
      opcodeIndex.putIfAbsent(n.op(), opcodeIndex.size());
    }
    int[] operatorOffsets = new int[g.nodes.size()];
    for (int i = 0; i < g.nodes.size(); i++) {
      TfliteGraph.Node n = g.nodes.get(i);
      int options = n.options() == null ? 0 : n.options().write(b);
      int ins = ints(b, n.inputs());
      int outs = ints(b, n.outputs());
      b.startTable(14);
      b.addInt(0, opcodeIndex.get(n.op()), 0);
      b.addOffset(1, ins, 0);
      b.addOffset(2, outs, 0);
      if (n.options() != null) {
        b.addByte(3, (byte) n.op().optionsType, 0);
        b.addOffset(4, options, 0);
      }
      operatorOffsets[i] = b.endTable();
    }

    int tensors = b.createVectorOfTables(tensorOffsets);
    int inputs = ints(b, g.inputs.stream().mapToInt(Integer::intValue).toArray());
    int outputs = ints(b, g.outputs.stream().mapToInt(Integer::intValue).toArray());
    int operators = b.createVectorOfTables(operatorOffsets);
    int subgraphName = b.createString("main");
    b.startTable(6);
    b.addOffset(0, tensors, 0);
    b.addOffset(1, inputs, 0);
    b.addOffset(2, outputs, 0);
    b.addOffset(3, operators, 0);
    b.addOffset(4, subgraphName, 0);
    int subgraph = b.endTable();

    int[] codeOffsets = new int[opcodeIndex.size()];
    int k = 0;
    for (Op op : opcodeIndex.keySet()) {
      b.startTable(4);
      b.addByte(0, (byte) Math.min(op.code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
      b.addInt(2, 1, 1);
      b.addInt(3, op.code, 0);
      codeOffsets[k++] = b.endTable();
    }

    int codes = b.createVectorOfTables(codeOffsets);
    int subgraphs = b.createVectorOfTables(new int[] {subgraph});
    int desc = b.createString(description);
    int buffers = b.createVectorOfTables(bufferOffsets.stream().mapToInt(Integer::intValue).toArray());
    b.startTable(8);
    b.addInt(0, SCHEMA_VERSION, 0);
    b.addOffset(1, codes, 0);
    b.addOffset(2, subgraphs, 0);
    b.addOffset(3, desc, 0);
    b.addOffset(4, buffers, 0);
    int model = b.endTable();
    b.finish(model, "TFL3");
    return b.sizedByteArray();
  }

  /** A vector of int32 (FlatBuffers Java has no helper for it: elements are added back to front). */
  static int ints(FlatBufferBuilder b, int[] values) {
    b.startVector(4, values.length, 4);
    for (int i = values.length - 1; i >= 0; i--) {
      b.addInt(values[i]);
    }
    return b.endVector();
  }

  /** QuantizationParameters: scale (slot 2), zero_point (slot 3, all 0), quantized_dimension 0 (slot 6). */
  private static int perChannel(FlatBufferBuilder b, float[] scales) {
    b.startVector(4, scales.length, 4);
    for (int i = scales.length - 1; i >= 0; i--) {
      b.addFloat(scales[i]);
    }
    int scale = b.endVector();
    b.startVector(8, scales.length, 8);
    for (int i = scales.length - 1; i >= 0; i--) {
      b.addLong(0);
    }
    int zeroPoint = b.endVector();
    b.startTable(7);
    b.addOffset(2, scale, 0);
    b.addOffset(3, zeroPoint, 0);
    b.addInt(6, 0, 0);
    return b.endTable();
  }

  private static int emptyTable(FlatBufferBuilder b) {
    b.startTable(3);
    return b.endTable();
  }
}
