package org.mobiedit.core.fuzz;

/** Bit-for-bit comparison of logits (NaN payloads and the sign of zero included). */
final class Bits {
  private Bits() {}

  static boolean same(float[] a, float[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  /** Where two logit vectors first differ, for a message. */
  static String firstDifference(float[] a, float[] b) {
    if (a.length != b.length) {
      return "lengths " + a.length + " and " + b.length;
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return "logit " + i + ": " + a[i] + " before, " + b[i] + " after";
      }
    }
    return "none";
  }

  static boolean allFinite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
