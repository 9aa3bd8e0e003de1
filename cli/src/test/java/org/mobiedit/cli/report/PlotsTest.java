package org.mobiedit.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.mobiedit.tools.eval.CaseResult;

class PlotsTest {
  private static CaseResult result(boolean success, int steps) {
    float[] curve = new float[steps];
    for (int i = 0; i < steps; i++) {
      curve[i] = 3f - i * 0.01f;
    }
    return new CaseResult("c" + steps, "Lily", "Lily went to the", "zoo", success, 0, 1, null, null, 1.0, null, null,
        null, null, steps, 100, 1000, 0, success ? "EARLY_STOP_SUCCESS" : "MAX_STEPS", curve, List.of("{}"), null);
  }

  @Test
  void everyChartIsWellFormedSvgAndCountsHaveWholeNumberTicks() throws Exception {
    List<CaseResult> results = new ArrayList<>();
    results.add(result(true, 20));
    results.add(result(true, 40));
    results.add(result(true, 40));
    results.add(result(false, 200));
    for (String figure : List.of(Plots.lossCurves(results), Plots.stepsHistogram(results),
        Plots.successVsBudget(results, 200))) {
      String svg = figure.substring(figure.indexOf("<svg"), figure.indexOf("</svg>") + 6);
      DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    String histogram = Plots.stepsHistogram(results);
    Matcher m = Pattern.compile("text-anchor=\"end\">([^<]+)<").matcher(histogram);
    List<String> yTicks = new ArrayList<>();
    while (m.find()) {
      yTicks.add(m.group(1));
    }
    assertThat(yTicks).hasSize(5).allSatisfy(t -> assertThat(t).matches("\\d+"));
  }
}
