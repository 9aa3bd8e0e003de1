package org.mobiedit.backend.litert.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One TFLite subgraph under construction: inputs, constants (with their data), operators and outputs. Every operator
 * method infers its output's shape (shapes here are static: one graph per shape bucket) and checks its operands'
 * shapes, so a graph that builds is a graph the runtime accepts.
 *
 * <p>Not thread-safe; a graph is built by one thread and then written with {@link TfliteWriter}.
 */
public final class TfliteGraph {
  /** A tensor of this graph: its index in the subgraph, element type and static shape. */
  public record Tensor(int index, String name, TensorType type, int[] shape) {
    public int dim(int i) {
      return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
      return shape.length;
    }

    @Override
    public String toString() {
      return name + type + Arrays.toString(shape);
    }
  }

  /**
   * A tensor's declaration: constant data (little-endian bytes) or none for activations and inputs, and for int8
   * constants the per-channel scales along axis 0 (zero points 0).
   */
  record TensorDef(Tensor tensor, @Nullable ConstantData data, float @Nullable [] scales) {}

  /** An operator: its inputs and outputs by tensor index, and a writer for its options table (or null). */
  record Node(Op op, int[] inputs, int[] outputs, @Nullable OptionsWriter options) {}

  /** Writes an operator's options table and returns its offset. */
  interface OptionsWriter {
    int write(com.google.flatbuffers.FlatBufferBuilder b);
  }

  final List<TensorDef> tensors = new ArrayList<>();
  final List<Node> nodes = new ArrayList<>();
  final List<Integer> inputs = new ArrayList<>();
  final List<Integer> outputs = new ArrayList<>();
  private int counter;

  // ---- tensors -------------------------------------------------------------------------------------------------------

  /** A graph input the caller fills before each run. */
  public Tensor input(String name, TensorType type, int... shape) {
    Tensor t = declare(name, type, shape, null);
    inputs.add(t.index());
    return t;
  }

  /** Marks a tensor as a graph output (in the order of calls). */
  public void output(Tensor t) {
    outputs.add(t.index());
  }

  /** A float32 constant, {@code values} in row-major order. */
  public Tensor constant(String name, int[] shape, float[] values) {
    checkCount(name, shape, values.length);
    float[] copy = values.clone();
    return declare(name, TensorType.FLOAT32, shape, ConstantData.floats(name, copy.length, () -> copy));
  }

  /**
   * A float32 constant whose values are produced only when the file is written (weights read from the model then, so
   * the graph does not hold them); {@code values} must give as many values as the shape holds.
   */
  public Tensor constant(String name, int[] shape, Supplier<float[]> values) {
    return declare(name, TensorType.FLOAT32, shape, ConstantData.floats(name, count(shape), values));
  }

  /** An int32 constant. */
  public Tensor constantInts(String name, int[] shape, int[] values) {
    checkCount(name, shape, values.length);
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return declare(name, TensorType.INT32, shape, ConstantData.bytes(b.array()));
  }

  private static void checkCount(String name, int[] shape, int count) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    if (n != count) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + n + " values, not "
          + count);
    }
  }

  private Tensor declare(String name, TensorType type, int[] shape, @Nullable ConstantData data) {
    Tensor t = new Tensor(tensors.size(), name, type, shape.clone());
    tensors.add(new TensorDef(t, data, null));
    return t;
  }

  /**
   * An int8 constant with one scale per index of axis 0 (symmetric: the value is {@code scale[row] · q}), as TFLite's
   * per-channel quantization describes it.
   */
  public Tensor constantInt8(String name, int[] shape, byte[] q, float[] scales) {
    checkCount(name, shape, q.length);
    if (scales.length != shape[0]) {
      throw new IllegalArgumentException(name + ": " + scales.length + " scales for " + shape[0] + " channels");
    }
    Tensor t = new Tensor(tensors.size(), name, TensorType.INT8, shape.clone());
    tensors.add(new TensorDef(t, ConstantData.bytes(q.clone()), scales.clone()));
    return t;
  }

  /**
   * {@code x} rounded to a symmetric integer grid of step {@code scale} (int8 or int16, zero point 0), saturating at
   * the type's range: TFLite's QUANTIZE, whose output carries the scale.
   */
  public Tensor quantize(Tensor x, float scale, TensorType type) {
    if (type != TensorType.INT8 && type != TensorType.INT16) {
      throw new IllegalArgumentException("activations quantize to int8 or int16, not " + type);
    }
    Tensor out = new Tensor(tensors.size(), "quantize_" + (counter++), type, x.shape().clone());
    tensors.add(new TensorDef(out, null, new float[] {scale}));
    return node(Op.QUANTIZE, null, out, x);
  }

  /** {@code x} converted element by element to {@code type} (the values, not a quantization's meaning). */
  public Tensor cast(Tensor x, TensorType type) {
    return node(Op.CAST, null, activation("cast", type, x.shape()), x);
  }

  /** The float32 values of an int8 constant ({@code scale[row] · q}) or of a quantized activation. */
  public Tensor dequantize(Tensor x) {
    return node(Op.DEQUANTIZE, null, activation("dequantize", TensorType.FLOAT32, x.shape()), x);
  }

  private Tensor activation(String op, TensorType type, int... shape) {
    return declare(op + "_" + (counter++), type, shape, null);
  }

  private Tensor node(Op op, @Nullable OptionsWriter options, Tensor out, Tensor... in) {
    int[] ins = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      ins[i] = in[i].index();
    }
    nodes.add(new Node(op, ins, new int[] {out.index()}, options));
    return out;
  }

  // ---- element-wise --------------------------------------------------------------------------------------------------

  public Tensor add(Tensor a, Tensor b) {
    return node(Op.ADD, fb -> activationOptions(fb, 2), activation("add", a.type(), broadcast(a, b)), a, b);
  }

  public Tensor sub(Tensor a, Tensor b) {
    return node(Op.SUB, fb -> activationOptions(fb, 2), activation("sub", a.type(), broadcast(a, b)), a, b);
  }

  public Tensor mul(Tensor a, Tensor b) {
    return node(Op.MUL, fb -> activationOptions(fb, 1), activation("mul", a.type(), broadcast(a, b)), a, b);
  }

  /** Options tables whose first field is the fused activation (NONE); {@code fields} is the table's field count. */
  private static int activationOptions(com.google.flatbuffers.FlatBufferBuilder b, int fields) {
    b.startTable(fields);
    return b.endTable();
  }

  /** The element-wise maximum of two tensors (broadcasting). */
  public Tensor maximum(Tensor a, Tensor b) {
    return node(Op.MAXIMUM, null, activation("max", a.type(), broadcast(a, b)), a, b);
  }

  public Tensor logistic(Tensor x) {
    return node(Op.LOGISTIC, null, activation("sigmoid", x.type(), x.shape()), x);
  }

  public Tensor rsqrt(Tensor x) {
    return node(Op.RSQRT, null, activation("rsqrt", x.type(), x.shape()), x);
  }

  public Tensor square(Tensor x) {
    return node(Op.SQUARE, null, activation("square", x.type(), x.shape()), x);
  }

  /** Numpy-style broadcasting of two static shapes. */
  static int[] broadcast(Tensor a, Tensor b) {
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      int da = i < rank - a.rank() ? 1 : a.shape()[i - (rank - a.rank())];
      int db = i < rank - b.rank() ? 1 : b.shape()[i - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes do not broadcast: " + a + " and " + b);
      }
      out[i] = Math.max(da, db);
    }
    return out;
  }

  // ---- shape ---------------------------------------------------------------------------------------------------------

  public Tensor reshape(Tensor x, int... shape) {
    checkCount("reshape of " + x.name(), shape, (int) count(x.shape()));
    Tensor target = constantInts("shape_" + (counter++), new int[] {shape.length}, shape);
    return node(Op.RESHAPE, fb -> {
      int v = TfliteWriter.ints(fb, shape);
      fb.startTable(1);
      fb.addOffset(0, v, 0);
      return fb.endTable();
    }, activation("reshape", x.type(), shape), x, target);
  }

  public Tensor transpose(Tensor x, int... perm) {
    if (perm.length != x.rank()) {
      throw new IllegalArgumentException("transpose of " + x + " needs " + x.rank() + " axes");
    }
    int[] shape = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      shape[i] = x.shape()[perm[i]];
    }
    Tensor p = constantInts("perm_" + (counter++), new int[] {perm.length}, perm);
    return node(Op.TRANSPOSE, fb -> {
      fb.startTable(0);
      return fb.endTable();
    }, activation("transpose", x.type(), shape), x, p);
  }

  /** A block of {@code x} starting at {@code begin}, {@code size} long in every axis. */
  public Tensor slice(Tensor x, int[] begin, int[] size) {
    for (int i = 0; i < x.rank(); i++) {
      if (begin[i] < 0 || begin[i] + size[i] > x.shape()[i]) {
        throw new IllegalArgumentException("slice out of " + x + ": begin " + Arrays.toString(begin) + ", size "
            + Arrays.toString(size));
      }
    }
    Tensor b = constantInts("begin_" + (counter++), new int[] {begin.length}, begin);
    Tensor s = constantInts("size_" + (counter++), new int[] {size.length}, size);
    return node(Op.SLICE, fb -> {
      fb.startTable(0);
      return fb.endTable();
    }, activation("slice", x.type(), size), x, b, s);
  }

  public Tensor concat(int axis, Tensor... parts) {
    int[] shape = parts[0].shape().clone();
    int ax = axis < 0 ? shape.length + axis : axis;
    shape[ax] = 0;
    for (Tensor p : parts) {
      shape[ax] += p.shape()[ax];
    }
    return node(Op.CONCATENATION, fb -> {
      fb.startTable(2);
      fb.addInt(0, ax, 0);
      return fb.endTable();
    }, activation("concat", parts[0].type(), shape), parts);
  }

  /** Rows of {@code params} (axis 0) picked by int32 {@code indices}. */
  public Tensor gather(Tensor params, Tensor indices) {
    return gather(params, indices, 0);
  }

  /** Slices of {@code params} along {@code axis} picked by a 1-D int32 {@code indices}. */
  public Tensor gather(Tensor params, Tensor indices, int axis) {
    int[] shape = new int[indices.rank() + params.rank() - 1];
    int o = 0;
    for (int i = 0; i < axis; i++) {
      shape[o++] = params.shape()[i];
    }
    for (int i = 0; i < indices.rank(); i++) {
      shape[o++] = indices.shape()[i];
    }
    for (int i = axis + 1; i < params.rank(); i++) {
      shape[o++] = params.shape()[i];
    }
    return node(Op.GATHER, fb -> {
      fb.startTable(2);
      fb.addInt(0, axis, 0);
      return fb.endTable();
    }, activation("gather", params.type(), shape), params, indices);
  }

  // ---- reductions and matrix products --------------------------------------------------------------------------------

  /** The mean over the last axis, kept as an axis of size 1. */
  public Tensor meanLastAxis(Tensor x) {
    int[] shape = x.shape().clone();
    shape[shape.length - 1] = 1;
    Tensor axis = constantInts("axis_" + (counter++), new int[] {1}, new int[] {x.rank() - 1});
    return node(Op.MEAN, fb -> {
      fb.startTable(1);
      fb.addBoolean(0, true, false);
      return fb.endTable();
    }, activation("mean", x.type(), shape), x, axis);
  }

  /** Softmax over the last axis. */
  public Tensor softmax(Tensor x) {
    return node(Op.SOFTMAX, fb -> {
      fb.startTable(1);
      fb.addFloat(0, 1f, 0f);
      return fb.endTable();
    }, activation("softmax", x.type(), x.shape()), x);
  }

  /**
   * {@code x · wᵀ (+ bias)} over the last axis of {@code x}: {@code w} is {@code [out, in]} (the PyTorch layout), the
   * leading axes of {@code x} are kept.
   */
  public Tensor fullyConnected(Tensor x, Tensor w, @Nullable Tensor bias) {
    if (w.rank() != 2 || w.dim(1) != x.dim(-1)) {
      throw new IllegalArgumentException("fully connected: " + x + " against weights " + w);
    }
    int[] shape = x.shape().clone();
    shape[shape.length - 1] = w.dim(0);
    Tensor out = activation("fc", TensorType.FLOAT32, shape);
    return bias == null
        ? node(Op.FULLY_CONNECTED, TfliteGraph::fullyConnectedOptions, out, x, w, absent())
        : node(Op.FULLY_CONNECTED, TfliteGraph::fullyConnectedOptions, out, x, w, bias);
  }

  private static int fullyConnectedOptions(com.google.flatbuffers.FlatBufferBuilder b) {
    b.startTable(5);
    b.addBoolean(2, true, false); // keep_num_dims
    return b.endTable();
  }

  /** An optional operand left out (index -1 in the operator's inputs). */
  private static Tensor absent() {
    return new Tensor(-1, "absent", TensorType.FLOAT32, new int[0]);
  }

  /** Batched {@code a · b} (or {@code a · bᵀ}) over the last two axes; the leading axes must agree. */
  public Tensor batchMatMul(Tensor a, Tensor b, boolean transposeB) {
    int k = a.dim(-1);
    int kb = transposeB ? b.dim(-1) : b.dim(-2);
    if (a.rank() != b.rank() || k != kb) {
      throw new IllegalArgumentException("batch matmul: " + a + " against " + b);
    }
    int[] shape = a.shape().clone();
    shape[shape.length - 1] = transposeB ? b.dim(-2) : b.dim(-1);
    return node(Op.BATCH_MATMUL, fb -> {
      fb.startTable(3);
      fb.addBoolean(1, transposeB, false);
      return fb.endTable();
    }, activation("matmul", TensorType.FLOAT32, shape), a, b);
  }

  static long count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  public int tensorCount() {
    return tensors.size();
  }

  public int operatorCount() {
    return nodes.size();
  }
}
