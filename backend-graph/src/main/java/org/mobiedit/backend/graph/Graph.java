package org.mobiedit.backend.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One graph under construction, in no file format: inputs, constants (with their data, produced when written),
 * operators and outputs. Every operator method infers its output's shape (shapes are static: one graph per shape
 * bucket) and checks its operands' shapes, so a graph that builds is one every writer can express and every runtime
 * accepts. Operator parameters (shapes, permutations, axes) are attributes of the node, which each writer spells its
 * own way (TFLite as int32 constant tensors and option tables, ONNX as int64 tensors and attributes).
 *
 * <p>Not thread-safe; a graph is built by one thread and then written.
 */
public final class Graph {
  /** A tensor of this graph: its index, element type and static shape. */
  public record Tensor(int index, String name, TensorType type, int[] shape) {
    public int dim(int i) {
      return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
      return shape.length;
    }

    /** Elements. */
    public long count() {
      return Graph.count(shape);
    }

    @Override
    public String toString() {
      return name + type + Arrays.toString(shape);
    }
  }

  /**
   * A tensor's declaration: constant data (little-endian bytes) or none for activations and inputs; {@code
   * scaleValues}: for an int8 constant the symmetric per-row scales (along axis 0, zero points 0), for a
   * {@link GraphOp#QUANTIZE} output its one scale, else null; produced when first asked for, as the data is.
   * {@code modelWeight}: a constant that holds the same values under the same name in every graph of a loaded model (a
   * weight, or a value derived from weights only), which a writer may store once for all of them; other constants
   * (masks, rotary tables, calibrated bounds) belong to their graph.
   */
  public record TensorDef(Tensor tensor, @Nullable ConstantData data, @Nullable Supplier<float[]> scaleValues,
      boolean modelWeight) {
    /** Whether this tensor carries scales (without producing them). */
    public boolean hasScales() {
      return scaleValues != null;
    }

    /** The scales, produced now if they were not yet; null if none. */
    public float @Nullable [] scales() {
      return scaleValues == null ? null : scaleValues.get();
    }
  }

  /**
   * An operator: its inputs (tensor indexes, in the order {@link GraphOp} documents), its output, and its attributes:
   * {@code ints} (the shape of a {@link GraphOp#RESHAPE}, the permutation of a {@link GraphOp#TRANSPOSE}, the begin of
   * a {@link GraphOp#SLICE}), {@code sizes} (the size of a slice), {@code axis} (of a concatenation or gather), and
   * {@code transposeB} (of a batched product). A fully connected node without bias has two inputs.
   */
  public record Node(GraphOp op, int[] inputs, int output, int[] ints, int[] sizes, int axis, boolean transposeB) {}

  private static final int[] NONE = new int[0];

  private final List<TensorDef> tensors = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final List<Integer> inputs = new ArrayList<>();
  private final List<Integer> outputs = new ArrayList<>();
  private int counter;

  /** Every tensor, by index. */
  public List<TensorDef> tensors() {
    return Collections.unmodifiableList(tensors);
  }

  /** The operators in execution order (each one's inputs are computed before it). */
  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** Input tensor indexes, in the order callers feed them. */
  public List<Integer> inputs() {
    return Collections.unmodifiableList(inputs);
  }

  /** Output tensor indexes, in the order callers read them. */
  public List<Integer> outputs() {
    return Collections.unmodifiableList(outputs);
  }

  /** The tensor at {@code index}. */
  public Tensor tensor(int index) {
    return tensors.get(index).tensor();
  }

  // ---- tensors -------------------------------------------------------------------------------------------------------

  /** A graph input the caller fills before each run. */
  public Tensor input(String name, TensorType type, int... shape) {
    Tensor t = declare(name, type, shape, null, null);
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
    return declare(name, TensorType.FLOAT32, shape, ConstantData.floats(name, copy.length, () -> copy), null);
  }

  /**
   * A float32 constant whose values are produced only when the graph is written (weights read from the model then,
   * so the graph does not hold them); {@code values} must give as many values as the shape holds.
   */
  public Tensor constant(String name, int[] shape, Supplier<float[]> values) {
    return declare(name, TensorType.FLOAT32, shape, ConstantData.floats(name, count(shape), values), null);
  }

  /**
   * A float32 model weight (see {@link TensorDef#modelWeight()}), its values produced when the graph is written.
   */
  public Tensor weight(String name, int[] shape, Supplier<float[]> values) {
    return markWeight(constant(name, shape, values));
  }

  /** A float32 model matrix ({@code [rows, cols]}) produced row by row when the graph is written. */
  public Tensor weightRows(String name, int[] shape, ConstantData.RowReader rows) {
    if (shape.length != 2) {
      throw new IllegalArgumentException(name + ": rows of a matrix, not of shape " + Arrays.toString(shape));
    }
    return markWeight(declare(name, TensorType.FLOAT32, shape, ConstantData.floatRows(shape[0], shape[1], rows), null));
  }

  /**
   * An int8 model weight with one scale per index of axis 0 (symmetric: the value is {@code scale[row] · q}), as
   * per-row (per output channel) quantization describes it.
   */
  public Tensor weightInt8(String name, int[] shape, byte[] q, float[] scales) {
    checkCount(name, shape, q.length);
    checkScales(name, shape, scales);
    return markWeight(declare(name, TensorType.INT8, shape, ConstantData.bytes(q.clone()), scales.clone()));
  }

  /**
   * The int8 form of a float matrix read row by row, quantized by the shared rule only when a writer asks for its
   * values or scales, and row by row ({@link QuantizedRows}): neither the float matrix nor its int8 form is ever
   * whole on the Java heap.
   */
  public Tensor weightInt8(String name, int[] shape, ConstantData.RowReader floatRows) {
    if (shape.length != 2) {
      throw new IllegalArgumentException(name + ": an int8 matrix, not of shape " + Arrays.toString(shape));
    }
    QuantizedRows q = new QuantizedRows(name, shape[0], shape[1], floatRows);
    Tensor t = new Tensor(tensors.size(), name, TensorType.INT8, shape.clone());
    tensors.add(new TensorDef(t, q.data(), q::scales, true));
    return t;
  }

  private static void checkScales(String name, int[] shape, float[] scales) {
    if (scales.length != shape[0]) {
      throw new IllegalArgumentException(name + ": " + scales.length + " scales for " + shape[0] + " channels");
    }
  }

  private Tensor markWeight(Tensor t) {
    TensorDef d = tensors.get(t.index());
    tensors.set(t.index(), new TensorDef(t, d.data(), d.scaleValues(), true));
    return t;
  }

  private static void checkCount(String name, int[] shape, long count) {
    long n = count(shape);
    if (n != count) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + n + " values, not "
          + count);
    }
  }

  private Tensor declare(String name, TensorType type, int[] shape, @Nullable ConstantData data,
      float @Nullable [] scales) {
    Tensor t = new Tensor(tensors.size(), name, type, shape.clone());
    tensors.add(new TensorDef(t, data, scales == null ? null : () -> scales, false));
    return t;
  }

  private Tensor activation(String op, TensorType type, int... shape) {
    return declare(op + "_" + (counter++), type, shape, null, null);
  }

  private Tensor node(GraphOp op, Tensor out, Tensor... in) {
    return node(op, NONE, NONE, 0, false, out, in);
  }

  private Tensor node(GraphOp op, int[] ints, int[] sizes, int axis, boolean transposeB, Tensor out, Tensor... in) {
    int[] ins = new int[in.length];
    for (int i = 0; i < in.length; i++) {
      ins[i] = in[i].index();
    }
    nodes.add(new Node(op, ins, out.index(), ints.clone(), sizes.clone(), axis, transposeB));
    return out;
  }

  // ---- quantization --------------------------------------------------------------------------------------------------

  /**
   * {@code x} rounded to a symmetric integer grid of step {@code scale} (int8 or int16, zero point 0), saturating at
   * the type's range; the output carries the scale.
   */
  public Tensor quantize(Tensor x, float scale, TensorType type) {
    if (type != TensorType.INT8 && type != TensorType.INT16) {
      throw new IllegalArgumentException("activations quantize to int8 or int16, not " + type);
    }
    Tensor out = declare("quantize_" + (counter++), type, x.shape(), null, new float[] {scale});
    return node(GraphOp.QUANTIZE, out, x);
  }

  /** {@code x} converted element by element to {@code type} (the values, not a quantization's meaning). */
  public Tensor cast(Tensor x, TensorType type) {
    return node(GraphOp.CAST, activation("cast", type, x.shape()), x);
  }

  /** The float32 values of an int8 constant ({@code scale[row] · q}) or of a quantized activation. */
  public Tensor dequantize(Tensor x) {
    return node(GraphOp.DEQUANTIZE, activation("dequantize", TensorType.FLOAT32, x.shape()), x);
  }

  // ---- element-wise --------------------------------------------------------------------------------------------------

  public Tensor add(Tensor a, Tensor b) {
    return node(GraphOp.ADD, activation("add", a.type(), broadcast(a, b)), a, b);
  }

  public Tensor sub(Tensor a, Tensor b) {
    return node(GraphOp.SUB, activation("sub", a.type(), broadcast(a, b)), a, b);
  }

  public Tensor mul(Tensor a, Tensor b) {
    return node(GraphOp.MUL, activation("mul", a.type(), broadcast(a, b)), a, b);
  }

  /** The element-wise maximum of two tensors (broadcasting). */
  public Tensor maximum(Tensor a, Tensor b) {
    return node(GraphOp.MAXIMUM, activation("max", a.type(), broadcast(a, b)), a, b);
  }

  public Tensor logistic(Tensor x) {
    return node(GraphOp.LOGISTIC, activation("sigmoid", x.type(), x.shape()), x);
  }

  public Tensor rsqrt(Tensor x) {
    return node(GraphOp.RSQRT, activation("rsqrt", x.type(), x.shape()), x);
  }

  public Tensor square(Tensor x) {
    return node(GraphOp.SQUARE, activation("square", x.type(), x.shape()), x);
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
    checkCount("reshape of " + x.name(), shape, x.count());
    return node(GraphOp.RESHAPE, shape, NONE, 0, false, activation("reshape", x.type(), shape), x);
  }

  public Tensor transpose(Tensor x, int... perm) {
    if (perm.length != x.rank()) {
      throw new IllegalArgumentException("transpose of " + x + " needs " + x.rank() + " axes");
    }
    int[] shape = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      shape[i] = x.shape()[perm[i]];
    }
    return node(GraphOp.TRANSPOSE, perm, NONE, 0, false, activation("transpose", x.type(), shape), x);
  }

  /** A block of {@code x} starting at {@code begin}, {@code size} long in every axis. */
  public Tensor slice(Tensor x, int[] begin, int[] size) {
    if (begin.length != x.rank() || size.length != x.rank()) {
      throw new IllegalArgumentException("slice of " + x + " needs " + x.rank() + " axes");
    }
    for (int i = 0; i < x.rank(); i++) {
      if (begin[i] < 0 || size[i] < 0 || begin[i] + size[i] > x.shape()[i]) {
        throw new IllegalArgumentException("slice out of " + x + ": begin " + Arrays.toString(begin) + ", size "
            + Arrays.toString(size));
      }
    }
    return node(GraphOp.SLICE, begin, size, 0, false, activation("slice", x.type(), size), x);
  }

  public Tensor concat(int axis, Tensor... parts) {
    int[] shape = parts[0].shape().clone();
    int ax = axis < 0 ? shape.length + axis : axis;
    shape[ax] = 0;
    for (Tensor p : parts) {
      shape[ax] += p.shape()[ax];
    }
    return node(GraphOp.CONCATENATION, NONE, NONE, ax, false, activation("concat", parts[0].type(), shape), parts);
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
    return node(GraphOp.GATHER, NONE, NONE, axis, false, activation("gather", params.type(), shape), params, indices);
  }

  // ---- reductions and matrix products --------------------------------------------------------------------------------

  /** The mean over the last axis, kept as an axis of size 1. */
  public Tensor meanLastAxis(Tensor x) {
    int[] shape = x.shape().clone();
    shape[shape.length - 1] = 1;
    return node(GraphOp.MEAN_LAST_AXIS, activation("mean", x.type(), shape), x);
  }

  /** Softmax over the last axis. */
  public Tensor softmax(Tensor x) {
    return node(GraphOp.SOFTMAX, activation("softmax", x.type(), x.shape()), x);
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
    return bias == null ? node(GraphOp.FULLY_CONNECTED, out, x, w) : node(GraphOp.FULLY_CONNECTED, out, x, w, bias);
  }

  /** Batched {@code a · b} (or {@code a · bᵀ}) over the last two axes; the leading axes must agree or be 1. */
  public Tensor batchMatMul(Tensor a, Tensor b, boolean transposeB) {
    int k = a.dim(-1);
    int kb = transposeB ? b.dim(-1) : b.dim(-2);
    if (a.rank() != b.rank() || k != kb) {
      throw new IllegalArgumentException("batch matmul: " + a + " against " + b);
    }
    int[] shape = a.shape().clone();
    for (int i = 0; i < a.rank() - 2; i++) {
      shape[i] = Math.max(a.dim(i), b.dim(i));
    }
    shape[shape.length - 1] = transposeB ? b.dim(-2) : b.dim(-1);
    return node(GraphOp.BATCH_MATMUL, NONE, NONE, 0, transposeB, activation("matmul", TensorType.FLOAT32, shape), a,
        b);
  }

  /** Elements of a shape. */
  public static long count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  public int tensorCount() {
    return tensors.size();
  }
}
