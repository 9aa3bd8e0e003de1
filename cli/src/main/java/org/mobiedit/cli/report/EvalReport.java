package org.mobiedit.cli.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.mobiedit.tools.eval.CaseResult;
import org.mobiedit.tools.eval.Estimate;
import org.mobiedit.tools.eval.EvalSummary;

/**
 * The reports of an evaluation run: the summary as JSON, a Markdown table, and a self-contained HTML page with
 * plots drawn as inline SVG (no scripts, no network).
 */
public final class EvalReport {
  private final JsonObject run;
  private final EvalSummary summary;
  private final List<CaseResult> results;

  public EvalReport(JsonObject run, EvalSummary summary, List<CaseResult> results) {
    this.run = run;
    this.summary = summary;
    this.results = List.copyOf(results);
  }

  /** One JSON object: the run's settings and every aggregate (rates with their 95% intervals). */
  public String summaryJson() {
    JsonObject o = new JsonObject();
    o.add("run", run);
    o.addProperty("cases", summary.cases());
    rate(o, "editSuccess", summary.editSuccess());
    rate(o, "rewriteAccuracy", summary.rewriteAccuracy());
    rate(o, "rewriteBefore", summary.rewriteBefore());
    rate(o, "generalization", summary.generalization());
    rate(o, "generalizationExact", summary.generalizationExact());
    rate(o, "locality", summary.locality());
    rate(o, "portability", summary.portability());
    rate(o, "efficacyScore", summary.efficacyScore());
    rate(o, "paraphraseScore", summary.paraphraseScore());
    rate(o, "neighborhoodScore", summary.neighborhoodScore());
    o.addProperty("medianSteps", summary.medianSteps());
    o.addProperty("medianStepsToSuccess", summary.medianStepsToSuccess());
    o.addProperty("medianForwardPasses", summary.medianForwardPasses());
    o.addProperty("medianWallMillis", summary.medianWallMillis());
    o.addProperty("peakResidentBytes", summary.peakResidentBytes());
    Map<String, EvalSummary> by = byRelation();
    if (!by.isEmpty()) {
      JsonObject relations = new JsonObject();
      by.forEach((relation, s) -> {
        JsonObject r = new JsonObject();
        r.addProperty("cases", s.cases());
        rate(r, "editSuccess", s.editSuccess());
        rate(r, "generalization", s.generalization());
        rate(r, "locality", s.locality());
        r.addProperty("medianSteps", s.medianSteps());
        relations.add(relation, r);
      });
      o.add("byRelation", relations);
    }
    return new GsonBuilder().disableHtmlEscaping().create().toJson(o);
  }

  private static void rate(JsonObject o, String name, Estimate e) {
    if (e.n() == 0) {
      o.add(name, null);
      o.add(name + "Ci95", null);
      return;
    }
    o.addProperty(name, round(e.mean()));
    com.google.gson.JsonArray ci = new com.google.gson.JsonArray();
    ci.add(round(e.low()));
    ci.add(round(e.high()));
    o.add(name + "Ci95", ci);
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  private List<String[]> rows() {
    List<String[]> r = new ArrayList<>();
    r.add(new String[] {"edit success (exact rewrite)", pct(summary.editSuccess())});
    r.add(new String[] {"rewrite accuracy (token level)", pct(summary.rewriteAccuracy())});
    r.add(new String[] {"target already predicted before (token level)", pct(summary.rewriteBefore())});
    r.add(new String[] {"generalization (paraphrases, token level)", pct(summary.generalization())});
    r.add(new String[] {"generalization (paraphrases, exact)", pct(summary.generalizationExact())});
    r.add(new String[] {"locality (unchanged tokens on other facts)", pct(summary.locality())});
    r.add(new String[] {"portability (token level)", pct(summary.portability())});
    r.add(new String[] {"CounterFact efficacy score (new > true)", pct(summary.efficacyScore())});
    r.add(new String[] {"CounterFact paraphrase score", pct(summary.paraphraseScore())});
    r.add(new String[] {"CounterFact neighborhood score (true > new)", pct(summary.neighborhoodScore())});
    r.add(new String[] {"median steps (all edits / successful edits)",
        summary.medianSteps() + " / " + summary.medianStepsToSuccess()});
    r.add(new String[] {"median forward passes per edit", Long.toString(summary.medianForwardPasses())});
    r.add(new String[] {"median wall time per edit", String.format(Locale.ROOT, "%.2f s",
        summary.medianWallMillis() / 1000.0)});
    r.add(new String[] {"peak resident memory during an edit", summary.peakResidentBytes() == 0 ? "n/a"
        : String.format(Locale.ROOT, "%.0f MiB", summary.peakResidentBytes() / 1048576.0)});
    return r;
  }

  private static String pct(Estimate e) {
    if (e.n() == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f] (n=%d)", 100 * e.mean(), 100 * e.low(), 100 * e.high(),
        e.n());
  }

  private String settings() {
    return String.format(Locale.ROOT, "%s on %s (%s), %d cases, config %s, precision %s, backend %s, %s steps, lr %s,"
            + " epsilon %s%s, seed %s", string("model"), string("dataset"), string("format"), summary.cases(),
        string("config"), string("precision"), string("backend"), string("maxSteps"), string("learningRate"),
        string("epsilon"), run.has("relativeEpsilon") && run.get("relativeEpsilon").getAsBoolean() ? " (relative)" : "",
        string("seed"));
  }

  private String string(String key) {
    return run.has(key) && !run.get(key).isJsonNull() ? run.get(key).getAsString() : "?";
  }

  /** A Markdown table of the aggregates with 95% intervals, then one row per relation where there are several. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(settings()).append("\n\n| metric | value [95% CI] |\n|---|---|\n");
    for (String[] row : rows()) {
      b.append("| ").append(row[0]).append(" | ").append(row[1]).append(" |\n");
    }
    Map<String, EvalSummary> by = byRelation();
    if (!by.isEmpty()) {
      b.append("\n| relation | cases | success | generalization | locality | median steps |\n|---|---|---|---|---|---|\n");
      by.forEach((relation, s) -> b.append("| ").append(relation).append(" | ").append(s.cases()).append(" | ")
          .append(pct(s.editSuccess())).append(" | ").append(pct(s.generalization())).append(" | ")
          .append(pct(s.locality())).append(" | ").append(s.medianSteps()).append(" |\n"));
    }
    return b.toString();
  }

  /**
   * The aggregates of each relation, by name, when the cases name at least two (CounterFact's {@code relation_id}):
   * relations of different kinds edit very differently (bench/RESULTS.md, "Default settings"). Empty otherwise.
   */
  public Map<String, EvalSummary> byRelation() {
    Map<String, List<CaseResult>> groups = new TreeMap<>();
    for (CaseResult r : results) {
      if (r.relation() != null) {
        groups.computeIfAbsent(r.relation(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, EvalSummary> out = new TreeMap<>();
    if (groups.size() > 1) {
      groups.forEach((relation, list) -> out.put(relation, EvalSummary.of(list)));
    }
    return out;
  }

  /** A self-contained HTML page: headline figures, the table, loss curves, steps histogram, success vs budget. */
  public String html() {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>MobiEdit evaluation</title>")
        .append("<style>body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}")
        .append(".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:8px;")
        .append("padding:.8em 1.2em;min-width:150px}.card b{font-size:1.8em;display:block}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #eee;padding:.3em .8em;")
        .append("text-align:left}.plots{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}")
        .append("figcaption{font-size:.9em;color:#555}.ok{color:#1a7f37}.bad{color:#c62828}</style></head><body>");
    b.append("<h1>Editing evaluation</h1><p>").append(esc(settings())).append("</p><div class=\"cards\">");
    card(b, "edit success", summary.editSuccess());
    card(b, "generalization", summary.generalization());
    card(b, "locality", summary.locality());
    card(b, "portability", summary.portability());
    b.append("<div class=\"card\">median time per edit<b>")
        .append(String.format(Locale.ROOT, "%.2f s", summary.medianWallMillis() / 1000.0))
        .append("</b>median steps ").append(summary.medianSteps()).append("</div></div>");
    b.append("<h2>Metrics</h2><table><tr><th>metric</th><th>value [95% CI]</th></tr>");
    for (String[] row : rows()) {
      b.append("<tr><td>").append(esc(row[0])).append("</td><td>").append(esc(row[1])).append("</td></tr>");
    }
    b.append("</table><h2>Plots</h2><div class=\"plots\">");
    b.append(Plots.lossCurves(results));
    b.append(Plots.stepsHistogram(results));
    b.append(Plots.successVsBudget(results, run.has("maxSteps") ? run.get("maxSteps").getAsInt() : 0));
    b.append("</div><h2>Cases</h2><details><summary>").append(results.size())
        .append(" cases</summary><table><tr><th>id</th><th>prompt</th><th>target</th><th>result</th><th>steps</th>")
        .append("<th>wall</th><th>generalization</th><th>locality</th></tr>");
    for (CaseResult r : results) {
      b.append("<tr><td>").append(esc(r.caseId())).append("</td><td>").append(esc(r.prompt())).append("</td><td>")
          .append(esc(r.target())).append("</td><td class=\"").append(r.success() ? "ok\">success" : "bad\">failed")
          .append("</td><td>").append(r.steps()).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.2f s", r.wallMillis() / 1000.0)).append("</td><td>")
          .append(r.generalization() == null ? "" : String.format(Locale.ROOT, "%.2f", r.generalization()))
          .append("</td><td>").append(r.locality() == null ? "" : String.format(Locale.ROOT, "%.2f", r.locality()))
          .append("</td></tr>");
    }
    b.append("</table></details></body></html>\n");
    return b.toString();
  }

  private static void card(StringBuilder b, String name, Estimate e) {
    b.append("<div class=\"card\">").append(esc(name)).append("<b>")
        .append(e.n() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * e.mean())).append("</b>")
        .append(e.n() == 0 ? "" : String.format(Locale.ROOT, "95%% CI %.1f–%.1f", 100 * e.low(), 100 * e.high()))
        .append("</div>");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
