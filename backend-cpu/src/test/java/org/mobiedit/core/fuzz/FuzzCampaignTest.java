package org.mobiedit.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fuzzing suite's entry in {@code mvn verify}: a short, fixed-seed campaign (3,000 inputs over all targets,
 * about a minute) that fails on any finding. The same test runs the long campaign of {@code bench/fuzz/run.sh}
 * ({@code -Dmobiedit.fuzz.inputs=200000}) and replays single inputs ({@code -Dmobiedit.fuzz.replay=target:index});
 * see {@code bench/fuzz/README.md}.
 */
@Tag("fuzz")
class FuzzCampaignTest {
  @Test
  void everyMutatedInputEndsAsSuccessOrMobiEditExceptionInBoundedTimeAndLeavesNoModelChanged() throws Exception {
    FuzzSettings settings = FuzzSettings.fromSystemProperties();
    try (FuzzCampaign campaign = FuzzCampaign.create(settings)) {
      CampaignReport report = settings.replay() != null ? campaign.replay(settings.replay()) : campaign.run();
      assertThat(report.findings())
          .as("inputs that did not end as success or MobiEditException within %d ms (table above; inputs saved in"
              + " %s)", settings.timeoutMillis(), settings.findings().toAbsolutePath())
          .isZero();
    }
  }
}
