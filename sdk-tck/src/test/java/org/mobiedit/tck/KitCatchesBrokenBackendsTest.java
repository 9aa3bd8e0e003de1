package org.mobiedit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.mobiedit.spi.BackendProvider;

/**
 * The kit is not a test that cannot fail: run against backend-cpu with one deliberate defect, it fails, and the
 * failure names the broken rule.
 */
class KitCatchesBrokenBackendsTest {

  /** The kit bound to a broken backend; run here through the JUnit launcher, never directly by surefire. */
  abstract static class BrokenKit extends BackendCompatibilityKit {
    static BrokenBackend defect = BrokenBackend.REVERT_DOES_NOTHING;

    @Override
    protected BackendProvider provider() {
      return defect.provider();
    }
  }

  /** Surefire skips it: its name does not end in Test, and it only runs from this class. */
  static final class KitOnBrokenBackend extends BrokenKit {}

  @ParameterizedTest
  @CsvSource({
      "REVERT_DOES_NOTHING, RankOne, [RANK-ONE-2] revertRankOne restores the logits bit for bit",
      "CLOSE_TWICE_THROWS, Lifecycle, [LIFECYCLE-5] Backend.close() is idempotent",
      "RESUME_DRIFTS, PrefixCache, [PREFIX-1] resume from a prefix equals injectForward bit for bit"})
  void aBrokenBackendFailsTheKitWithTheRuleItBreaks(BrokenBackend defect, String group, String rule)
      throws ClassNotFoundException {
    BrokenKit.defect = defect;
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    Launcher launcher = LauncherFactory.create();
    // the group of checks the defect belongs to (the whole kit would also fail, only slower)
    Class<?> checks = Class.forName(BackendCompatibilityKit.class.getName() + "$" + group);
    launcher.execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectNestedClass(List.of(KitOnBrokenBackend.class), checks)).build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    List<String> messages = summary.getFailures().stream()
        .map(f -> String.valueOf(f.getException().getMessage())).toList();
    assertThat(summary.getTestsSucceededCount()).as("checks the defect does not touch still pass").isPositive();
    assertThat(messages).as("failures of the kit against " + defect).isNotEmpty()
        .anySatisfy(m -> assertThat(m).startsWith(rule));
  }
}
