package org.mobiedit.backend.litert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.cpu.CpuBackendProvider;
import org.mobiedit.core.backend.BackendSelector;

/** With both backends present, automatic selection takes backend-litert for int8-dynamic only. */
class LitertSelectionTest {
  @Test
  void int8DynamicGoesToXnnpackAndEveryOtherPrecisionToTheReference() {
    BackendSelector selector = BackendSelector.of(List.of(new CpuBackendProvider(), new LitertBackendProvider()));
    for (Precision p : Precision.values()) {
      String expected = p == Precision.INT8_DYNAMIC ? "litert" : "cpu";
      assertThat(selector.select(null, p).provider().id()).as(p.getId()).isEqualTo(expected);
    }
    assertThat(selector.select(null, Precision.INT8_DYNAMIC).rule()).contains("priority (10 for int8-dynamic)");
    assertThat(selector.select(null).provider().id()).isEqualTo("cpu");
  }
}
