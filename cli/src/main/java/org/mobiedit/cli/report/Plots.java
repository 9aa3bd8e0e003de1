package org.mobiedit.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mobiedit.tools.eval.CaseResult;

/** The report's charts as inline SVG: fixed size, axes with a few ticks, no scripts. */
final class Plots {
  private static final int W = 460;
  private static final int H = 280;
  private static final int LEFT = 50;
  private static final int RIGHT = 15;
  private static final int TOP = 15;
  private static final int BOTTOM = 40;

  private Plots() {}

  /** Every case's loss per step; successful edits green, failed red. */
  static String lossCurves(List<CaseResult> results) {
    int maxSteps = 1;
    double maxLoss = 1e-9;
    for (CaseResult r : results) {
      maxSteps = Math.max(maxSteps, r.lossCurve().length);
      for (float l : r.lossCurve()) {
        maxLoss = Math.max(maxLoss, l);
      }
    }
    StringBuilder b = open("Loss per step (each line one edit; green: succeeded, red: failed)");
    axes(b, 0, maxSteps, 0, maxLoss, "step", "loss");
    for (CaseResult r : results) {
      float[] c = r.lossCurve();
      if (c.length == 0) {
        continue;
      }
      b.append("<polyline fill=\"none\" stroke-opacity=\"0.45\" stroke-width=\"1.2\" stroke=\"")
          .append(r.success() ? "#1a7f37" : "#c62828").append("\" points=\"");
      for (int i = 0; i < c.length; i++) {
        b.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i + 1, 0, maxSteps), y(c[i], 0, maxLoss)));
      }
      b.append("\"/>");
    }
    return close(b);
  }

  /** How many successful edits stopped at each step count. */
  static String stepsHistogram(List<CaseResult> results) {
    List<Integer> steps = new ArrayList<>();
    int max = 1;
    for (CaseResult r : results) {
      if (r.success()) {
        steps.add(r.steps());
        max = Math.max(max, r.steps());
      }
    }
    int bins = Math.min(20, Math.max(1, max / 10));
    double width = Math.max(1.0, Math.ceil((max + 1) / (double) bins));
    int[] count = new int[bins];
    for (int s : steps) {
      count[Math.min(bins - 1, (int) (s / width))]++;
    }
    int top = 1;
    for (int c : count) {
      top = Math.max(top, c);
    }
    top = (top + 3) / 4 * 4; // counts: a multiple of the four tick intervals keeps every tick a whole number
    StringBuilder b = open("Steps to success (successful edits; the early-stop check runs every K steps)");
    axes(b, 0, bins * width, 0, top, "steps", "edits");
    for (int i = 0; i < bins; i++) {
      if (count[i] == 0) {
        continue;
      }
      double x0 = x(i * width, 0, bins * width);
      double x1 = x((i + 1) * width, 0, bins * width);
      double y1 = y(count[i], 0, top);
      b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3a6ea5\">"
          + "<title>%d edits</title></rect>", x0 + 1, y1, Math.max(1, x1 - x0 - 2), y(0, 0, top) - y1, count[i]));
    }
    return close(b);
  }

  /** The share of all cases that had succeeded by each step budget. */
  static String successVsBudget(List<CaseResult> results, int budget) {
    int max = Math.max(1, budget);
    for (CaseResult r : results) {
      max = Math.max(max, r.steps());
    }
    StringBuilder b = open("Edit success vs step budget (share of cases done by step s)");
    axes(b, 0, max, 0, 1, "step budget", "success");
    b.append("<polyline fill=\"none\" stroke=\"#3a6ea5\" stroke-width=\"2\" points=\"");
    int n = Math.max(1, results.size());
    int samples = 100;
    for (int i = 0; i <= samples; i++) {
      double s = max * (double) i / samples;
      int ok = 0;
      for (CaseResult r : results) {
        ok += r.success() && r.steps() <= s ? 1 : 0;
      }
      b.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s, 0, max), y((double) ok / n, 0, 1)));
    }
    b.append("\"/>");
    return close(b);
  }

  private static StringBuilder open(String caption) {
    StringBuilder b = new StringBuilder("<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W)
        .append("\" height=\"").append(H).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
        .append("\" font-size=\"11\" font-family=\"sans-serif\">");
    b.append("<!--").append(EvalReport.esc(caption).replace("--", "- -")).append("-->");
    return b.append("<desc>").append(EvalReport.esc(caption)).append("</desc>");
  }

  private static String close(StringBuilder b) {
    String caption = b.substring(b.indexOf("<desc>") + 6, b.indexOf("</desc>"));
    return b.append("</svg><figcaption>").append(caption).append("</figcaption></figure>").toString();
  }

  private static void axes(StringBuilder b, double x0, double x1, double y0, double y1, String xl, String yl) {
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT,
        H - BOTTOM, W - RIGHT, H - BOTTOM));
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, TOP,
        LEFT, H - BOTTOM));
    for (int i = 0; i <= 4; i++) {
      double xv = x0 + (x1 - x0) * i / 4;
      double yv = y0 + (y1 - y0) * i / 4;
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
          x(xv, x0, x1), H - BOTTOM + 14, tick(xv)));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 4,
          y(yv, y0, y1) + 4, tick(yv)));
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT,
          y(yv, y0, y1), W - RIGHT, y(yv, y0, y1)));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
        (LEFT + W - RIGHT) / 2, H - 6, xl));
    b.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\""
        + " text-anchor=\"middle\">%s</text>", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, yl));
  }

  private static String tick(double v) {
    return Math.abs(v - Math.rint(v)) < 1e-9 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static double x(double v, double lo, double hi) {
    return LEFT + (W - LEFT - RIGHT) * (v - lo) / (hi - lo);
  }

  private static double y(double v, double lo, double hi) {
    return H - BOTTOM - (H - TOP - BOTTOM) * (v - lo) / (hi - lo);
  }
}
