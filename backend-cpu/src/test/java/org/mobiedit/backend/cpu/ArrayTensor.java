package org.mobiedit.backend.cpu;

import org.mobiedit.spi.DType;
import org.mobiedit.spi.Tensor;

/** A tensor held in a float array, for fixtures built in memory. */
final class ArrayTensor implements Tensor {
  private final String name;
  private final long[] shape;
  final float[] data;

  ArrayTensor(String name, long[] shape, float[] data) {
    this.name = name;
    this.shape = shape.clone();
    this.data = data;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DType dtype() {
    return DType.F32;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public void read(long start, float[] dst, int dstOffset, int count) {
    System.arraycopy(data, (int) start, dst, dstOffset, count);
  }
}
