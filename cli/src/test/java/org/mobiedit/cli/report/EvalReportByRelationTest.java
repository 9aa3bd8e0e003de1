package org.mobiedit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.tools.eval.CaseResult;
import org.mobiedit.tools.eval.EvalSummary;

/** Results by relation: a table and a JSON object when the cases name two relations or more, nothing otherwise. */
class EvalReportByRelationTest {
  private static CaseResult result(String relation, boolean success, double locality, int steps) {
    return new CaseResult("c", "Padrai", "Padrai lives in", "Tidra", success, 0, success ? 1 : 0, 1.0, 1.0, locality,
        null, null, null, null, steps, 100, 10, 0, "EARLY_STOP_SUCCESS", new float[] {1f}, List.of("{}"), relation);
  }

  private static EvalReport report(List<CaseResult> results) {
    return new EvalReport(new JsonObject(), EvalSummary.of(results), results);
  }

  @Test
  void everyRelationGetsItsOwnRow() {
    List<CaseResult> results = List.of(result("lives in", true, 1.0, 8), result("lives in", true, 0.8, 10),
        result("country", false, 0.4, 200));
    EvalReport r = report(results);
    assertThat(r.byRelation()).containsOnlyKeys("country", "lives in");
    assertThat(r.byRelation().get("lives in").cases()).isEqualTo(2);
    assertThat(r.byRelation().get("lives in").locality().mean()).isEqualTo(0.9, org.assertj.core.data.Offset
        .offset(1e-9));
    assertThat(r.markdown()).contains("| relation | cases |").contains("| country | 1 | 0.0%")
        .contains("| lives in | 2 | 100.0%");
    JsonObject json = JsonParser.parseString(r.summaryJson()).getAsJsonObject();
    assertThat(json.getAsJsonObject("byRelation").getAsJsonObject("country").get("medianSteps").getAsInt())
        .isEqualTo(200);
  }

  @Test
  void oneRelationOrNoneMakesNoTable() {
    assertThat(report(List.of(result("lives in", true, 1, 8), result("lives in", true, 1, 9))).markdown())
        .doesNotContain("| relation |");
    assertThat(report(List.of(result(null, true, 1, 8))).summaryJson()).doesNotContain("byRelation");
  }
}
