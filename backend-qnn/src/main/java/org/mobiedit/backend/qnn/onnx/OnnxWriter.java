package org.mobiedit.backend.qnn.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.graph.ConstantData;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.GraphOp;
import org.mobiedit.backend.graph.TensorType;

/**
 * Encodes a {@link Graph} as an ONNX model (IR version 10, default opset 21) in the protobuf wire format, from the
 * message and field numbers of the public {@code onnx.proto}. Each graph operator becomes one ONNX node or a short
 * fixed sequence (a fully connected product is a {@code Gemm} with {@code transB} between two reshapes; an inverse
 * square root is {@code Sqrt} then {@code Reciprocal}).
 *
 * <p>Model weights ({@link Graph.TensorDef#modelWeight()}) are not written into the model: they become extra graph
 * inputs, listed in {@link OnnxGraph#weights()}, which the runtime feeds from one set of buffers shared by every
 * session of a model. So however many graphs a model compiles, its weights exist once in memory (an initializer would
 * be copied, and prepacked, by every session). The graph's own constants (masks, rotary tables, parameters) are
 * initializers with their bytes inside the model.
 *
 * <p>A product whose int8 weight is far larger than a given block (the LM head beside a layer's largest matrix) is
 * written over blocks of the weight's rows ({@link Weight#whole()}: the blocks are views of the one weight, not copies), so that what a
 * runtime makes of a weight in each run (ONNX Runtime's CPU provider dequantizes or transposes a weight it cannot
 * prepack) is one block's size.
 */
public final class OnnxWriter {
  /** ONNX IR version written (the one opset 21 needs). */
  static final int IR_VERSION = 10;
  /** The default-domain opset: 21 is the first with int16 in QuantizeLinear/DequantizeLinear. */
  static final int OPSET = 21;

  /**
   * A model weight: its name, element type, shape and bytes; or a block of rows of one ({@code whole} not null), which
   * holds no bytes of its own: it is {@code whole}'s bytes from {@code offset} on, and {@code data} is {@code whole}'s.
   */
  public record Weight(String name, TensorType type, int[] shape, ConstantData data, @Nullable Weight whole,
      long offset) {
    /** A whole weight. */
    public Weight(String name, TensorType type, int[] shape, ConstantData data) {
      this(name, type, shape, data, null, 0);
    }

    /** Bytes of this weight (of the block, for a part). */
    public long bytes() {
      return Graph.count(shape) * type.bytes();
    }

    /** Rows {@code [first, first + count)} of this weight, as a part of the whole weight. */
    Weight rows(int first, int count) {
      int[] partShape = shape.clone();
      partShape[0] = count;
      long rowBytes = bytes() / shape[0];
      return new Weight(name + "[" + first + ":" + (first + count) + "]", type, partShape, data,
          whole == null ? this : whole, offset + first * rowBytes);
    }
  }

  /** Where a weight's bytes are in the external data file. */
  public record Location(long offset, long length) {}

  /**
   * The file model weights are written to when a graph must hold them as initializers (a provider that compiles them
   * as constants): it places each weight once and says where.
   */
  public interface ExternalWeights {
    /** The file's name, relative to the folder the model is written to. */
    String fileName();

    /**
     * Where {@code w}'s bytes are, writing them if this file does not hold them yet; for a part of a weight, where its
     * block lies within the whole weight's bytes.
     */
    Location place(Weight w);
  }

  /** A graph input or output: its name in the model, element type and static shape. */
  public record Port(String name, TensorType type, int[] shape) {
    /** Elements. */
    public long count() {
      return Graph.count(shape);
    }
  }

  /**
   * A written graph: the model's bytes; the graph's own inputs and its outputs, in the order {@link Graph} lists them;
   * and the weights, which are further inputs of the model, fed by name.
   */
  public record OnnxGraph(byte[] model, List<Port> inputs, List<Port> outputs, List<Weight> weights) {}

  private final Graph g;
  private final @Nullable ExternalWeights external;
  private final List<ProtoMessage> nodes = new ArrayList<>();
  private final Map<TensorType, String> zeros = new EnumMap<>(TensorType.class);
  private final List<ProtoMessage> initializers = new ArrayList<>();
  private final List<ProtoMessage> inputs = new ArrayList<>();
  private final List<Weight> weights = new ArrayList<>();
  /** Per int8 weight tensor (by index): its weight and its scales, as fed or placed. */
  private final Map<Integer, Weight[]> quantizedWeights = new HashMap<>();
  /** The row-zero initializers of per-row dequantizations, by row count. */
  private final Map<Integer, String> rowZeros = new HashMap<>();
  /** The node producing each tensor, by index (null for inputs and constants). */
  private final Graph.@Nullable Node[] producers;
  /** How many nodes read each tensor, by index. */
  private final int[] readers;
  /** The most elements a block of a split product's weight may hold ({@link #partRows}). */
  private final long blockElements;
  private final String[] names;
  private int counter;

  private OnnxWriter(Graph g, long blockElements, @Nullable ExternalWeights external) {
    if (blockElements < 1) {
      throw new IllegalArgumentException("blocks of " + blockElements + " elements");
    }
    this.g = g;
    this.external = external;
    this.names = new String[g.tensorCount()];
    Set<String> used = new HashSet<>();
    for (Graph.TensorDef d : g.tensors()) {
      Graph.Tensor t = d.tensor();
      String name = t.name();
      if (!used.add(name)) {
        name = t.name() + "#" + t.index();
        used.add(name);
      }
      names[t.index()] = name;
    }
    this.producers = new Graph.Node[g.tensorCount()];
    this.readers = new int[g.tensorCount()];
    for (Graph.Node n : g.nodes()) {
      producers[n.output()] = n;
      for (int i : n.inputs()) {
        readers[i]++;
      }
    }
    for (int o : g.outputs()) {
      readers[o]++;
    }
    this.blockElements = blockElements;
  }

  /**
   * Encodes {@code graph} with its model weights as inputs; {@code description} goes into the model's doc string. A
   * product whose int8 weight holds more than twice {@code blockElements} elements is written over blocks of its rows
   * holding at most that many ({@link Long#MAX_VALUE}: none is).
   */
  public static OnnxGraph write(Graph graph, String description, long blockElements) {
    return new OnnxWriter(graph, blockElements, null).encode(description);
  }

  /**
   * Encodes {@code graph} with its model weights as initializers whose data is in {@code external} (ONNX's external
   * data: location, offset, length); the result has no weights to feed. {@code blockElements} as for {@link
   * #write(Graph, String, long)}.
   */
  public static OnnxGraph write(Graph graph, String description, long blockElements, ExternalWeights external) {
    return new OnnxWriter(graph, blockElements, external).encode(description);
  }

  private OnnxGraph encode(String description) {
    List<Port> inputPorts = new ArrayList<>();
    for (int i : g.inputs()) {
      inputs.add(valueInfo(names[i], g.tensor(i).type(), g.tensor(i).shape()));
      inputPorts.add(new Port(names[i], g.tensor(i).type(), g.tensor(i).shape()));
    }
    for (Graph.TensorDef d : g.tensors()) {
      Graph.Tensor t = d.tensor();
      ConstantData data = d.data();
      if (data == null) {
        continue;
      }
      if (d.modelWeight()) {
        List<Weight> named = new ArrayList<>();
        named.add(new Weight(names[t.index()], t.type(), t.shape(), data));
        if (d.hasScales()) {
          String scaleName = scalesName(t.index());
          int rows = t.dim(0);
          named.add(new Weight(scaleName, TensorType.FLOAT32, new int[] {rows},
              ConstantData.floats(scaleName, rows, d::scales)));
          quantizedWeights.put(t.index(), named.toArray(new Weight[0]));
        }
        if (weightOnlyInBlocks(t.index())) {
          if (external != null) {
            named.forEach(external::place); // the parts point into the whole's bytes
          }
          continue;
        }
        named.forEach(this::declareWeight);
      } else {
        initializers.add(tensor(names[t.index()], t.type(), t.shape(), bytesOf(data)));
      }
    }
    for (Graph.Node n : g.nodes()) {
      lower(n);
    }
    List<ProtoMessage> outputs = new ArrayList<>();
    List<Port> outputPorts = new ArrayList<>();
    for (int o : g.outputs()) {
      outputs.add(valueInfo(names[o], g.tensor(o).type(), g.tensor(o).shape()));
      outputPorts.add(new Port(names[o], g.tensor(o).type(), g.tensor(o).shape()));
    }
    ProtoMessage graph = new ProtoMessage();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, "main");
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(v -> graph.message(11, v));
    outputs.forEach(v -> graph.message(12, v));
    ProtoMessage model = new ProtoMessage()
        .varint(1, IR_VERSION)
        .string(2, "mobiedit")
        .string(6, description)
        .message(7, graph)
        .message(8, new ProtoMessage().string(1, "").varint(2, OPSET));
    return new OnnxGraph(model.toByteArray(), List.copyOf(inputPorts), List.copyOf(outputPorts),
        List.copyOf(weights));
  }

  private String scalesName(int tensor) {
    return names[tensor] + ".scales";
  }

  /** A weight (or part) as a graph input to feed, or as an initializer in the external file. */
  private void declareWeight(Weight w) {
    if (external == null) {
      inputs.add(valueInfo(w.name(), w.type(), w.shape()));
      weights.add(w);
    } else {
      initializers.add(externalTensor(w, external.fileName(), external.place(w)));
    }
  }

  // ---- products split by rows ----------------------------------------------------------------------------------------

  /** The int8 model weight that {@code tensor} dequantizes, or -1 if {@code tensor} is not such a dequantization. */
  private int quantizedSource(int tensor) {
    Graph.Node p = producers[tensor];
    if (p == null || p.op() != GraphOp.DEQUANTIZE) {
      return -1;
    }
    Graph.TensorDef source = g.tensors().get(p.inputs()[0]);
    return source.modelWeight() && source.data() != null ? p.inputs()[0] : -1;
  }

  /** Rows per block of product {@code n}'s weight, or 0 if the product is written whole. */
  private int partRows(Graph.Node n) {
    Graph.Tensor w = g.tensor(n.inputs()[1]);
    if (quantizedSource(w.index()) < 0 || w.count() / 2 <= blockElements) {
      return 0;
    }
    int rows = (int) Math.max(1, blockElements / w.dim(1));
    return rows >= 32 ? rows / 32 * 32 : rows;
  }

  /** Whether the weight {@code tensor} is read only through dequantizations that only products in blocks read. */
  private boolean weightOnlyInBlocks(int tensor) {
    boolean any = false;
    for (Graph.Node n : g.nodes()) {
      for (int i = 0; i < n.inputs().length; i++) {
        if (n.inputs()[i] != tensor) {
          continue;
        }
        if (n.op() != GraphOp.DEQUANTIZE || !onlyInParts(n.output(), 1)) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  /** Whether {@code tensor} is read only as operand {@code operand} of products written in blocks. */
  private boolean onlyInParts(int tensor, int operand) {
    int inParts = 0;
    for (Graph.Node n : g.nodes()) {
      if (n.op() == GraphOp.FULLY_CONNECTED && n.inputs()[operand] == tensor && partRows(n) > 0) {
        inParts++;
      }
    }
    return inParts > 0 && inParts == readers[tensor];
  }

  // ---- operators -----------------------------------------------------------------------------------------------------

  private void lower(Graph.Node n) {
    String out = names[n.output()];
    String[] in = new String[n.inputs().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = names[n.inputs()[i]];
    }
    Graph.Tensor x = g.tensor(n.inputs()[0]);
    switch (n.op()) {
      case ADD -> node("Add", in, out);
      case SUB -> node("Sub", in, out);
      case MUL -> node("Mul", in, out);
      case MAXIMUM -> node("Max", in, out);
      case LOGISTIC -> node("Sigmoid", in, out);
      case RSQRT -> node("Reciprocal", new String[] {node("Sqrt", in, fresh("sqrt"))}, out);
      case SQUARE -> node("Mul", new String[] {in[0], in[0]}, out);
      case CAST -> node("Cast", in, out, new ProtoMessage().string(1, "to").varint(3, dataType(g.tensor(n.output())
          .type())).varint(20, 2));
      case RESHAPE -> node("Reshape", new String[] {in[0], longs("shape", n.ints())}, out);
      case TRANSPOSE -> node("Transpose", in, out, ints("perm", n.ints()));
      case SLICE -> {
        int[] end = new int[n.ints().length];
        int[] axes = new int[end.length];
        for (int i = 0; i < end.length; i++) {
          end[i] = n.ints()[i] + n.sizes()[i];
          axes[i] = i;
        }
        node("Slice", new String[] {in[0], longs("starts", n.ints()), longs("ends", end), longs("axes", axes)}, out);
      }
      case CONCATENATION -> node("Concat", in, out, intAttribute("axis", n.axis()));
      case GATHER -> node("Gather", in, out, intAttribute("axis", n.axis()));
      case MEAN_LAST_AXIS -> node("ReduceMean", new String[] {in[0], longs("axes", new int[] {x.rank() - 1})}, out,
          intAttribute("keepdims", 1));
      case SOFTMAX -> node("Softmax", in, out, intAttribute("axis", -1));
      case FULLY_CONNECTED -> fullyConnected(n, in, out);
      case BATCH_MATMUL -> {
        String b = in[1];
        if (n.transposeB()) {
          int rank = g.tensor(n.inputs()[1]).rank();
          int[] perm = new int[rank];
          for (int i = 0; i < rank; i++) {
            perm[i] = i;
          }
          perm[rank - 2] = rank - 1;
          perm[rank - 1] = rank - 2;
          b = node("Transpose", new String[] {b}, fresh("transposed"), ints("perm", perm));
        }
        node("MatMul", new String[] {in[0], b}, out);
      }
      case QUANTIZE -> {
        float scale = g.tensors().get(n.output()).scales()[0];
        node("QuantizeLinear", new String[] {in[0], floats(fresh("scale"), new float[] {scale}),
            zeroOf(g.tensor(n.output()).type())}, out);
      }
      case DEQUANTIZE -> dequantize(n, in[0], out, false);
      default -> throw new IllegalArgumentException("no ONNX form for " + n.op());
    }
  }

  /**
   * {@code x · wᵀ (+ bias)}: Gemm over {@code x} viewed as rows, then the leading axes restored; a product whose int8
   * weight is split ({@link #partRows}) is one Gemm per block of the weight's rows, each reading its block's
   * dequantization, concatenated.
   */
  private void fullyConnected(Graph.Node n, String[] in, String out) {
    Graph.Tensor x = g.tensor(n.inputs()[0]);
    Graph.Tensor w = g.tensor(n.inputs()[1]);
    if (w.type() != TensorType.FLOAT32) {
      throw new IllegalArgumentException("the ONNX writer takes float32 weights in products, not " + w);
    }
    String product = x.rank() == 2 ? out : fresh("gemm");
    int partRows = partRows(n);
    if (partRows == 0) {
      String a = asRows(x, in[0]);
      String[] operands = in.length == 3 ? new String[] {a, in[1], in[2]} : new String[] {a, in[1]};
      node("Gemm", operands, product, intAttribute("transB", 1));
    } else {
      Weight[] whole = quantizedWeights.get(quantizedSource(w.index()));
      Graph.Node quantizedX = producers[x.index()];
      boolean ownDequantization = quantizedX != null && quantizedX.op() == GraphOp.DEQUANTIZE
          && g.tensors().get(quantizedX.inputs()[0]).data() == null;
      String a = ownDequantization ? null : asRows(x, in[0]);
      List<String> parts = new ArrayList<>();
      for (int first = 0; first < w.dim(0); first += partRows) {
        int count = Math.min(partRows, w.dim(0) - first);
        Weight q = whole[0].rows(first, count);
        Weight scales = whole[1].rows(first, count);
        declareWeight(q);
        declareWeight(scales);
        String block = node("DequantizeLinear", new String[] {q.name(), scales.name(), rowZeros(count)},
            fresh("block"), intAttribute("axis", 0));
        // a quantized input is dequantized for each block as for a whole product (quantize, dequantize, product):
        // ONNX Runtime then fuses each block into its integer kernel as it does a whole product
        String rowsOfX = a;
        if (ownDequantization) {
          String x8 = fresh("input");
          dequantize(quantizedX, names[quantizedX.inputs()[0]], x8, true);
          rowsOfX = asRows(x, x8);
        }
        parts.add(node("Gemm", new String[] {rowsOfX, block}, fresh("block_product"), intAttribute("transB", 1)));
      }
      String joined = in.length == 3 ? fresh("blocks") : product;
      node("Concat", parts.toArray(new String[0]), joined, intAttribute("axis", 1));
      if (in.length == 3) {
        node("Add", new String[] {joined, in[2]}, product);
      }
    }
    if (x.rank() != 2) {
      node("Reshape", new String[] {product, longs("shape", g.tensor(n.output()).shape())}, out);
    }
  }

  /** {@code value} (of {@code x}'s shape) viewed as rows of its last axis. */
  private String asRows(Graph.Tensor x, String value) {
    return x.rank() == 2 ? value : node("Reshape", new String[] {value,
        longs("rows", new int[] {(int) (x.count() / x.dim(-1)), x.dim(-1)})}, fresh("rows"));
  }

  /**
   * Zero points for {@code rows} per-row dequantized rows, one initializer per row count: ONNX Runtime's fused integer
   * kernels (QGemm) need as many zero points as scales.
   */
  private String rowZeros(int rows) {
    return rowZeros.computeIfAbsent(rows, r -> {
      String name = fresh("zero_points");
      initializers.add(tensorProto(name, dataType(TensorType.INT8), new long[] {r}, new byte[r]));
      return name;
    });
  }

  /**
   * An int8 weight (per-row scales along axis 0) or a quantized activation (one scale) as float32; {@code forBlock}:
   * written for one block of a split product, which otherwise dequantizes its operands itself.
   */
  private void dequantize(Graph.Node n, String in, String out, boolean forBlock) {
    int index = n.inputs()[0];
    Graph.TensorDef def = g.tensors().get(index);
    if (!forBlock && (onlyInParts(n.output(), 1) || onlyInParts(n.output(), 0))) {
      return; // each block of a split product dequantizes its operands where it multiplies them
    }
    if (def.data() != null) {
      node("DequantizeLinear", new String[] {in, scalesName(index), rowZeros(def.tensor().dim(0))}, out,
          intAttribute("axis", 0));
      return;
    }
    // a quantized activation: the quantizer's output carries its scale
    node("DequantizeLinear", new String[] {in, floats(fresh("scale"), new float[] {def.scales()[0]}),
        zeroOf(def.tensor().type())}, out);
  }

  private String node(String opType, String[] inputs, String output, ProtoMessage... attributes) {
    ProtoMessage node = new ProtoMessage();
    for (String i : inputs) {
      node.string(1, i);
    }
    node.string(2, output);
    node.string(3, opType + "_" + nodes.size());
    node.string(4, opType);
    for (ProtoMessage a : attributes) {
      node.message(5, a);
    }
    nodes.add(node);
    return output;
  }

  private String fresh(String what) {
    return "_" + what + "_" + (counter++);
  }

  // ---- attributes and initializers -----------------------------------------------------------------------------------

  /** AttributeProto: name 1, i 3, ints 8, type 20 (INT 2, INTS 7). */
  private static ProtoMessage intAttribute(String name, long value) {
    return new ProtoMessage().string(1, name).varint(3, value).varint(20, 2);
  }

  private static ProtoMessage ints(String name, int[] values) {
    long[] v = new long[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i];
    }
    return new ProtoMessage().string(1, name).packedVarints(8, v).varint(20, 7);
  }

  /** A 1-D int64 initializer (shapes, slice bounds, axes); returns its name. */
  private String longs(String what, int[] values) {
    String name = fresh(what);
    long[] dims = {values.length};
    byte[] raw = new byte[values.length * 8];
    for (int i = 0; i < values.length; i++) {
      long v = values[i];
      for (int b = 0; b < 8; b++) {
        raw[8 * i + b] = (byte) (v >>> (8 * b));
      }
    }
    initializers.add(tensorProto(name, 7, dims, raw));
    return name;
  }

  /** A float32 initializer (1-D); returns its name. */
  private String floats(String name, float[] values) {
    initializers.add(floats(name, new int[] {values.length}, values));
    return name;
  }

  private static ProtoMessage floats(String name, int[] shape, float[] values) {
    return tensor(name, TensorType.FLOAT32, shape, bytesOf(ConstantData.floats(name, values.length, () -> values)));
  }

  /**
   * A zero of {@code type} (rank 0), one initializer per type for the whole graph: a quantization's zero point, which
   * also names its integer type.
   */
  private String zeroOf(TensorType type) {
    return zeros.computeIfAbsent(type, t -> {
      String name = fresh("zero_" + t.name().toLowerCase(Locale.ROOT));
      initializers.add(tensorProto(name, dataType(t), new long[0], new byte[t.bytes()]));
      return name;
    });
  }

  private static ProtoMessage tensor(String name, TensorType type, int[] shape, byte[] raw) {
    long[] dims = new long[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape[i];
    }
    return tensorProto(name, dataType(type), dims, raw);
  }

  /**
   * TensorProto of a weight in the external file: dims 1, data_type 2, name 8, external_data 13 (StringStringEntryProto:
   * key 1, value 2: location, offset, length), data_location 14 (EXTERNAL = 1).
   */
  private static ProtoMessage externalTensor(Weight w, String file, Location at) {
    ProtoMessage t = new ProtoMessage();
    long[] dims = new long[w.shape().length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = w.shape()[i];
    }
    if (dims.length > 0) {
      t.packedVarints(1, dims);
    }
    t.varint(2, dataType(w.type())).string(8, w.name());
    t.message(13, new ProtoMessage().string(1, "location").string(2, file));
    t.message(13, new ProtoMessage().string(1, "offset").string(2, Long.toString(at.offset())));
    t.message(13, new ProtoMessage().string(1, "length").string(2, Long.toString(at.length())));
    return t.varint(14, 1);
  }

  /** TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian). */
  private static ProtoMessage tensorProto(String name, int dataType, long[] dims, byte[] raw) {
    ProtoMessage t = new ProtoMessage();
    if (dims.length > 0) {
      t.packedVarints(1, dims);
    }
    return t.varint(2, dataType).string(8, name).bytes(9, raw);
  }

  /** ValueInfoProto: name 1, type 2 (TypeProto.tensor_type 1: elem_type 1, shape 2 (dim 1: dim_value 1)). */
  private static ProtoMessage valueInfo(String name, TensorType type, int[] shape) {
    ProtoMessage dims = new ProtoMessage();
    for (int d : shape) {
      dims.message(1, new ProtoMessage().varint(1, d));
    }
    ProtoMessage tensorType = new ProtoMessage().varint(1, dataType(type)).message(2, dims);
    return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
  }

  /** ONNX's {@code TensorProto.DataType} code. */
  static int dataType(TensorType t) {
    return switch (t) {
      case FLOAT32 -> 1;
      case INT8 -> 3;
      case INT16 -> 5;
      case INT32 -> 6;
    };
  }

  private static byte[] bytesOf(ConstantData data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, data.size()));
    try {
      data.writeTo(Channels.newChannel(b));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }
}
