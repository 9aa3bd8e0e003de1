package org.mobiedit.backend.litert.accelerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.AcceleratorPreference;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.placement.HardwareSelection;

/** The choice of hardware, against devices described by their probes' answers. */
class AcceleratorSelectionTest {
  /** A device offering exactly {@code present}; the others are missing for a stated reason. */
  private static AcceleratorProbe device(Set<Accelerator> present) {
    return a -> present.contains(a) ? null : "no " + a.id() + " on this device";
  }

  private static final AcceleratorProbe PHONE = device(EnumSet.allOf(Accelerator.class));
  private static final AcceleratorProbe NO_NPU = device(EnumSet.of(Accelerator.GPU, Accelerator.CPU));
  private static final AcceleratorProbe CPU_ONLY = device(EnumSet.of(Accelerator.CPU));

  @Test
  void autoSendsIntegerGraphsToTheNpuAndFloatGraphsToTheGpu() {
    assertThat(AcceleratorSelection.select(null, Precision.INT8_A8, PHONE).chosen()).isEqualTo(Accelerator.NPU);
    assertThat(AcceleratorSelection.select(null, Precision.INT8_A16, PHONE).chosen()).isEqualTo(Accelerator.NPU);
    HardwareSelection.Choice<Accelerator> fp32 = AcceleratorSelection.select(null, Precision.FP32, PHONE);
    assertThat(fp32.chosen()).isEqualTo(Accelerator.GPU);
    assertThat(fp32.skipped()).singleElement().asString().startsWith("npu: NPUs run integer graphs");
    assertThat(AcceleratorSelection.select(null, Precision.INT8, PHONE).chosen()).isEqualTo(Accelerator.GPU);
  }

  @Test
  void autoNeverSendsStaticIntegerActivationsToTheGpu() {
    HardwareSelection.Choice<Accelerator> c = AcceleratorSelection.select(null, Precision.INT8_A8, NO_NPU);
    assertThat(c.chosen()).isEqualTo(Accelerator.CPU);
    assertThat(c.skipped()).containsExactly("npu: no npu on this device",
        "gpu: the GPU computes in floating point and would not reproduce the static integer activations of int8-a8"
            + " (choose fp32 or int8, or the NPU)");
    assertThat(c.toString()).startsWith("cpu (skipped: npu: no npu on this device; gpu: ");
  }

  @Test
  void perTokenIntegerActivationsRunOnTheCpuOnlyEvenWhereAnNpuAndAGpuExist() {
    HardwareSelection.Choice<Accelerator> c = AcceleratorSelection.select(null, Precision.INT8_DYNAMIC, PHONE);
    assertThat(c.chosen()).isEqualTo(Accelerator.CPU);
    assertThat(c.skipped()).containsExactly(
        "npu: NPUs run integer graphs with static activation scales; int8-dynamic sets them per token while it runs"
            + " (choose int8-a8 or int8-a16)",
        "gpu: the GPU computes in floating point and would not reproduce the per-token integer activations of"
            + " int8-dynamic (choose fp32 or int8, or the NPU)");
  }

  @Test
  void autoEndsOnTheCpuWhenNothingElseIsThere() {
    for (Precision p : Precision.values()) {
      assertThat(AcceleratorSelection.select(null, p, CPU_ONLY).chosen()).isEqualTo(Accelerator.CPU);
    }
  }

  @Test
  void aNamedAcceleratorIsTakenOrRefusedWithItsReasonNeverReplaced() {
    assertThat(AcceleratorSelection.select(Accelerator.CPU, Precision.INT8_A8, PHONE).chosen())
        .isEqualTo(Accelerator.CPU);
    assertThat(AcceleratorSelection.select(Accelerator.GPU, Precision.FP32, PHONE).skipped()).isEmpty();
    assertThatThrownBy(() -> AcceleratorSelection.select(Accelerator.NPU, Precision.FP32, PHONE))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("'npu' was requested")
        .hasMessageContaining("choose int8-a8 or int8-a16")
        .extracting(e -> ((MobiEditException) e).getReason())
        .isEqualTo(MobiEditException.Reason.BACKEND_UNAVAILABLE);
    assertThatThrownBy(() -> AcceleratorSelection.select(Accelerator.NPU, Precision.INT8_A8, NO_NPU))
        .hasMessageContaining("no npu on this device")
        .hasMessageContaining("Set it to auto");
  }

  @Test
  void aDeviceWithoutAnyUsableAcceleratorListsEveryReason() {
    assertThatThrownBy(() -> AcceleratorSelection.select(null, Precision.FP32, device(Set.of())))
        .hasMessageContaining("No LiteRT accelerator can run fp32 here")
        .hasMessageContaining("gpu: no gpu on this device; cpu: no cpu on this device");
  }

  @Test
  void settingsParseCaseInsensitivelyAndUnknownOnesAreNamed() {
    assertThat(AcceleratorSelection.parse(null)).isNull();
    assertThat(AcceleratorSelection.parse(" ")).isNull();
    assertThat(AcceleratorSelection.parse("Auto")).isNull();
    assertThat(AcceleratorSelection.parse(" NPU ")).isEqualTo(Accelerator.NPU);
    assertThat(AcceleratorSelection.parse("gpu")).isEqualTo(Accelerator.GPU);
    assertThatThrownBy(() -> AcceleratorSelection.parse("tpu"))
        .hasMessageContaining("Unknown LiteRT accelerator 'tpu'")
        .hasMessageContaining("use auto, npu, gpu or cpu");
  }

  @Test
  void theAppsTypedPreferenceIsUsedUnlessThePropertyOverridesIt() {
    try {
      assertThat(AcceleratorSelection.setting(AcceleratorPreference.GPU)).isEqualTo(Accelerator.GPU);
      assertThat(AcceleratorSelection.setting(AcceleratorPreference.AUTO)).isNull();
      System.setProperty(AcceleratorSelection.PROPERTY, "cpu");
      assertThat(AcceleratorSelection.setting(AcceleratorPreference.GPU)).isEqualTo(Accelerator.CPU);
      System.setProperty(AcceleratorSelection.PROPERTY, "auto"); // an explicit auto overrides too
      assertThat(AcceleratorSelection.setting(AcceleratorPreference.NPU)).isNull();
    } finally {
      System.clearProperty(AcceleratorSelection.PROPERTY);
    }
  }
}
