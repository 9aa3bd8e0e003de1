package org.mobiedit.backend.cpu;

import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.ModelWeights;
import org.mobiedit.spi.RopeLayout;
import org.mobiedit.spi.TensorNames;
import org.mobiedit.spi.numerics.DynamicActivations;

/**
 * The numeric oracle: a deliberately plain, single-threaded, double-precision forward pass over the whole sequence
 * (no cache, no blocking, no tricks), written independently of the backend's fast path.
 */
final class ReferenceForward {
  private final ModelSpec s;
  private final ModelWeights w;
  /** int8-dynamic: each product's input is first rounded to its token's grid ({@link DynamicActivations}). */
  private final boolean roundProductInputs;

  ReferenceForward(ModelWeights w) {
    this(w, false);
  }

  ReferenceForward(ModelWeights w, boolean roundProductInputs) {
    this.s = w.spec();
    this.w = w;
    this.roundProductInputs = roundProductInputs;
  }

  private double[][] matrix(String name) {
    float[] a = w.tensor(name).readAll();
    int rows = w.tensor(name).rows();
    int cols = w.tensor(name).columns();
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = a[r * cols + c];
      }
    }
    return m;
  }

  private double[] vector(String name) {
    float[] a = w.tensor(name).readAll();
    double[] v = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      v[i] = a[i];
    }
    return v;
  }

  private double[] mul(double[][] m, double[] input) {
    double[] x = input;
    if (roundProductInputs) {
      float[] f = new float[x.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) x[i];
      }
      DynamicActivations.roundToken(f, 0, f.length);
      x = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        x[i] = f[i];
      }
    }
    double[] y = new double[m.length];
    for (int r = 0; r < m.length; r++) {
      double sum = 0;
      for (int c = 0; c < x.length; c++) {
        sum += m[r][c] * x[c];
      }
      y[r] = sum;
    }
    return y;
  }

  private double[] rmsNorm(double[] x, double[] g) {
    double ss = 0;
    for (double v : x) {
      ss += v * v;
    }
    double inv = 1 / Math.sqrt(ss / x.length + s.rmsNormEps());
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * inv * g[i];
    }
    return y;
  }

  private void rope(double[] v, int heads, int pos) {
    int hd = s.headDim();
    double[] inv = s.ropeInverseFrequencies();
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < hd / 2; i++) {
        int a = s.ropeLayout() == RopeLayout.INTERLEAVED ? h * hd + 2 * i : h * hd + i;
        int b = s.ropeLayout() == RopeLayout.INTERLEAVED ? a + 1 : a + hd / 2;
        double c = Math.cos(pos * inv[i]);
        double sn = Math.sin(pos * inv[i]);
        double x0 = v[a];
        double x1 = v[b];
        v[a] = x0 * c - x1 * sn;
        v[b] = x0 * sn + x1 * c;
      }
    }
  }

  /** Logits at every position. */
  double[][] logits(int[] ids) {
    int n = ids.length;
    int d = s.hiddenSize();
    double[][] emb = matrix(TensorNames.TOKEN_EMBEDDING);
    double[][] x = new double[n][];
    for (int t = 0; t < n; t++) {
      x[t] = emb[ids[t]].clone();
    }
    for (int l = 0; l < s.layers(); l++) {
      double[][] wq = matrix(TensorNames.attnQ(l));
      double[][] wk = matrix(TensorNames.attnK(l));
      double[][] wv = matrix(TensorNames.attnV(l));
      double[][] wo = matrix(TensorNames.attnOutput(l));
      double[][] q = new double[n][];
      double[][] k = new double[n][];
      double[][] v = new double[n][];
      for (int t = 0; t < n; t++) {
        double[] xn = rmsNorm(x[t], vector(TensorNames.attnNorm(l)));
        q[t] = mul(wq, xn);
        k[t] = mul(wk, xn);
        v[t] = mul(wv, xn);
        if (s.attentionBias()) {
          double[] bq = vector(TensorNames.attnQBias(l));
          double[] bk = vector(TensorNames.attnKBias(l));
          double[] bv = vector(TensorNames.attnVBias(l));
          for (int i = 0; i < bq.length; i++) {
            q[t][i] += bq[i];
          }
          for (int i = 0; i < bk.length; i++) {
            k[t][i] += bk[i];
            v[t][i] += bv[i];
          }
        }
        rope(q[t], s.heads(), t);
        rope(k[t], s.kvHeads(), t);
      }
      int hd = s.headDim();
      int group = s.heads() / s.kvHeads();
      for (int t = 0; t < n; t++) {
        double[] att = new double[s.queryDim()];
        for (int h = 0; h < s.heads(); h++) {
          int kv = (h / group) * hd;
          double[] sc = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int p = 0; p <= t; p++) {
            double dot = 0;
            for (int i = 0; i < hd; i++) {
              dot += q[t][h * hd + i] * k[p][kv + i];
            }
            sc[p] = dot / Math.sqrt(hd);
            max = Math.max(max, sc[p]);
          }
          double sum = 0;
          for (int p = 0; p <= t; p++) {
            sc[p] = Math.exp(sc[p] - max);
            sum += sc[p];
          }
          for (int p = 0; p <= t; p++) {
            for (int i = 0; i < hd; i++) {
              att[h * hd + i] += sc[p] / sum * v[p][kv + i];
            }
          }
        }
        double[] o = mul(wo, att);
        for (int i = 0; i < d; i++) {
          x[t][i] += o[i];
        }
        double[] xn = rmsNorm(x[t], vector(TensorNames.ffnNorm(l)));
        double[] g = mul(matrix(TensorNames.ffnGate(l)), xn);
        double[] u = mul(matrix(TensorNames.ffnUp(l)), xn);
        for (int i = 0; i < g.length; i++) {
          g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        }
        double[] down = mul(matrix(TensorNames.ffnDown(l)), g);
        for (int i = 0; i < d; i++) {
          x[t][i] += down[i];
        }
      }
    }
    double[][] head = s.tiedEmbeddings() ? emb : matrix(TensorNames.OUTPUT);
    double[][] out = new double[n][];
    for (int t = 0; t < n; t++) {
      out[t] = mul(head, rmsNorm(x[t], vector(TensorNames.OUTPUT_NORM)));
    }
    return out;
  }
}
