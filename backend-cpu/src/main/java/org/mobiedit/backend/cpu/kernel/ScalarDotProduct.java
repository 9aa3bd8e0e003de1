package org.mobiedit.backend.cpu.kernel;

/** Plain Java dot products with four independent accumulators (instruction-level parallelism, fixed order). */
final class ScalarDotProduct implements DotProduct {
  static final ScalarDotProduct INSTANCE = new ScalarDotProduct();

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += a[ao + i] * b[bo + i];
      s1 += a[ao + i + 1] * b[bo + i + 1];
      s2 += a[ao + i + 2] * b[bo + i + 2];
      s3 += a[ao + i + 3] * b[bo + i + 3];
    }
    for (; i < len; i++) {
      s0 += a[ao + i] * b[bo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float dot(byte[] q, int qo, float[] b, int bo, int len) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < len; i += 4) {
      s0 += q[qo + i] * b[bo + i];
      s1 += q[qo + i + 1] * b[bo + i + 1];
      s2 += q[qo + i + 2] * b[bo + i + 2];
      s3 += q[qo + i + 3] * b[bo + i + 3];
    }
    for (; i < len; i++) {
      s0 += q[qo + i] * b[bo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void dot4(float[] a, int ao, float[] b, int b0, int b1, int b2, int b3, int len, float[] out) {
    // The scalar kernel gains little from sharing loads; keeping one code path guarantees identical results.
    out[0] = dot(a, ao, b, b0, len);
    out[1] = dot(a, ao, b, b1, len);
    out[2] = dot(a, ao, b, b2, len);
    out[3] = dot(a, ao, b, b3, len);
  }

  @Override
  public void dot4(byte[] q, int qo, float[] b, int b0, int b1, int b2, int b3, int len, float[] out) {
    out[0] = dot(q, qo, b, b0, len);
    out[1] = dot(q, qo, b, b1, len);
    out[2] = dot(q, qo, b, b2, len);
    out[3] = dot(q, qo, b, b3, len);
  }

  @Override
  public String name() {
    return "scalar";
  }
}
