package org.mobiedit.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fuzzing suite's entry in {@code mvn verify}: a short, fixed-seed campaign (3,000 inputs over all targets)
 * that fails on any finding. The inputs run in a separate JVM with a 1 GB heap ({@link FuzzSupervisor}), so that an
 * input that exhausts memory or crashes cannot end this test JVM. The same test runs the long campaign of
 * {@code bench/fuzz/run.sh} ({@code -Dmobiedit.fuzz.inputs=200000}) and replays single inputs
 * ({@code -Dmobiedit.fuzz.replay=target:index}); see {@code bench/fuzz/README.md}.
 */
class FuzzCampaignTest {
  @Test
  void everyMutatedInputEndsAsSuccessOrMobiEditExceptionInBoundedTimeAndLeavesNoModelChanged() throws Exception {
    FuzzSettings settings = FuzzSettings.fromSystemProperties();
    FuzzSupervisor supervisor = new FuzzSupervisor(settings);
    CampaignReport report = supervisor.run();
    assertThat(report.findings())
        .as("inputs that did not end as success or MobiEditException within %d ms (table above; inputs saved in"
            + " %s)", settings.timeoutMillis(), supervisor.runFolder())
        .isZero();
  }
}
