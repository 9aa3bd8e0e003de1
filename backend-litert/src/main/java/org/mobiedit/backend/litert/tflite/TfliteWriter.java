package org.mobiedit.backend.litert.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.graph.ConstantData;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.GraphOp;
import org.mobiedit.backend.graph.TensorType;

/**
 * Encodes a {@link Graph} as a TFLite model: one subgraph, schema version 3, file identifier {@code TFL3}. The graph's
 * operators map one to one onto TFLite builtins ({@link Op}); their attributes become what TFLite expects (option
 * tables, and int32 constant tensors for shapes, permutations, slice bounds and reduction axes, appended after the
 * graph's own tensors). Constant data is not embedded in the FlatBuffer: each {@code Buffer} names the offset and size
 * of its data after it (the schema's fields for models over 2 GB), so the FlatBuffer stays small whatever the weights
 * weigh, and the data is never copied into it. The layout is {@link TfliteFile}'s.
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

  /** A tensor as TFLite declares it: the graph's own, or an int32 constant holding an operator's parameters. */
  private record TensorDef(String name, TensorType type, int[] shape, @Nullable ConstantData data,
      float @Nullable [] scales) {}

  /** An operator: its inputs and outputs by tensor index (-1: an optional operand left out) and its options. */
  private record Node(Op op, int[] inputs, int[] outputs, @Nullable OptionsWriter options) {}

  /** Writes an operator's options table and returns its offset. */
  private interface OptionsWriter {
    int write(FlatBufferBuilder b);
  }

  /** The graph in TFLite's terms: its tensors plus the parameter constants, and TFLite operators. */
  private static final class Lowered {
    final List<TensorDef> tensors = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final List<Integer> inputs;
    final List<Integer> outputs;

    Lowered(Graph g) {
      for (Graph.TensorDef d : g.tensors()) {
        Graph.Tensor t = d.tensor();
        tensors.add(new TensorDef(t.name(), t.type(), t.shape(), d.data(), d.scales()));
      }
      inputs = g.inputs();
      outputs = g.outputs();
      for (Graph.Node n : g.nodes()) {
        nodes.add(lower(n));
      }
    }

    private int ints(String name, int[] values) {
      tensors.add(new TensorDef(name + "_" + tensors.size(), TensorType.INT32, new int[] {values.length},
          ConstantData.ints(values), null));
      return tensors.size() - 1;
    }

    private Node lower(Graph.Node n) {
      int[] in = n.inputs();
      int[] out = {n.output()};
      switch (n.op()) {
        case ADD:
          return new Node(Op.ADD, in, out, fb -> emptyOptions(fb, 2));
        case SUB:
          return new Node(Op.SUB, in, out, fb -> emptyOptions(fb, 2));
        case MUL:
          return new Node(Op.MUL, in, out, fb -> emptyOptions(fb, 1));
        case MAXIMUM:
          return new Node(Op.MAXIMUM, in, out, null);
        case LOGISTIC:
          return new Node(Op.LOGISTIC, in, out, null);
        case RSQRT:
          return new Node(Op.RSQRT, in, out, null);
        case SQUARE:
          return new Node(Op.SQUARE, in, out, null);
        case QUANTIZE:
          return new Node(Op.QUANTIZE, in, out, null);
        case DEQUANTIZE:
          return new Node(Op.DEQUANTIZE, in, out, null);
        case CAST:
          return new Node(Op.CAST, in, out, null);
        case RESHAPE: {
          int[] shape = n.ints();
          return new Node(Op.RESHAPE, new int[] {in[0], ints("shape", shape)}, out, fb -> {
            int v = TfliteWriter.ints(fb, shape);
            fb.startTable(1);
            fb.addOffset(0, v, 0);
            return fb.endTable();
          });
        }
        case TRANSPOSE:
          return new Node(Op.TRANSPOSE, new int[] {in[0], ints("perm", n.ints())}, out, fb -> emptyOptions(fb, 0));
        case SLICE:
          return new Node(Op.SLICE, new int[] {in[0], ints("begin", n.ints()), ints("size", n.sizes())}, out,
              fb -> emptyOptions(fb, 0));
        case CONCATENATION:
          return new Node(Op.CONCATENATION, in, out, fb -> axisOptions(fb, n.axis()));
        case GATHER:
          return new Node(Op.GATHER, in, out, fb -> axisOptions(fb, n.axis()));
        case MEAN_LAST_AXIS: {
          int axis = tensors.get(in[0]).shape().length - 1;
          return new Node(Op.MEAN, new int[] {in[0], ints("axis", new int[] {axis})}, out, fb -> {
            fb.startTable(1);
            fb.addBoolean(0, true, false); // keep_dims
            return fb.endTable();
          });
        }
        case SOFTMAX:
          return new Node(Op.SOFTMAX, in, out, fb -> {
            fb.startTable(1);
            fb.addFloat(0, 1f, 0f); // beta
            return fb.endTable();
          });
        case FULLY_CONNECTED: {
          int[] operands = in.length == 3 ? in : new int[] {in[0], in[1], -1};
          return new Node(Op.FULLY_CONNECTED, operands, out, fb -> {
            fb.startTable(5);
            fb.addBoolean(2, true, false); // keep_num_dims
            return fb.endTable();
          });
        }
        case BATCH_MATMUL:
          return new Node(Op.BATCH_MATMUL, in, out, fb -> {
            fb.startTable(3);
            fb.addBoolean(1, n.transposeB(), false); // adj_y
            return fb.endTable();
          });
        default:
          throw new IllegalArgumentException("no TFLite operator for " + n.op());
      }
    }
  }

  /** ConcatenationOptions and GatherOptions: the axis in slot 0 (the other field keeps its default). */
  private static int axisOptions(FlatBufferBuilder b, int axis) {
    b.startTable(2);
    b.addInt(0, axis, 0);
    return b.endTable();
  }

  /** Options tables whose fields all keep their defaults (a fused activation of NONE, for example). */
  private static int emptyOptions(FlatBufferBuilder b, int fields) {
    b.startTable(fields);
    return b.endTable();
  }

  /** Writes {@code graph} as a TFLite model whose description field is {@code description}. */
  public static TfliteFile write(Graph graph, String description) {
    Lowered g = new Lowered(graph);
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

  private static byte[] flatBuffer(Lowered g, String description, long[] within, long dataStart) {
    FlatBufferBuilder b = new FlatBufferBuilder(1 << 16);

    // buffers: 0 is the empty buffer every tensor without data points to; the others say where their data is
    List<Integer> bufferOffsets = new ArrayList<>();
    bufferOffsets.add(emptyOptions(b, 3));
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
      TensorDef t = g.tensors.get(i);
      int shape = ints(b, t.shape());
      int name = b.createString(t.name());
      float[] scales = t.scales();
      int quantization = scales == null ? 0 : perChannel(b, scales);
      b.startTable(11);
      b.addOffset(0, shape, 0);
      b.addByte(1, code(t.type()), 0);
      b.addInt(2, bufferOfTensor[i], 0);
      b.addOffset(3, name, 0);
      if (scales != null) {
        b.addOffset(4, quantization, 0);
      }
      tensorOffsets[i] = b.endTable();
    }

    Map<Op, Integer> opcodeIndex = new LinkedHashMap<>();
    for (Node n : g.nodes) {
      opcodeIndex.putIfAbsent(n.op(), opcodeIndex.size());
    }
    int[] operatorOffsets = new int[g.nodes.size()];
    for (int i = 0; i < g.nodes.size(); i++) {
      Node n = g.nodes.get(i);
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

  /** The schema's {@code TensorType} code. */
  private static byte code(TensorType t) {
    switch (t) {
      case FLOAT32:
        return 0;
      case INT32:
        return 2;
      case INT16:
        return 7;
      case INT8:
        return 9;
      default:
        throw new IllegalArgumentException("no TFLite type for " + t);
    }
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
}
