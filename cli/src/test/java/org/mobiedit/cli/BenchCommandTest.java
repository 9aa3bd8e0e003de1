package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code mobiedit bench}'s report. */
class BenchCommandTest {
  @Test
  void aSpeedThatIsNotFiniteIsReportedInsteadOfFailingTheRun() {
    JsonObject o = new JsonObject();
    o.addProperty("decodeTokensPerSecond", Double.POSITIVE_INFINITY);
    o.addProperty("stepMillis", Double.NaN);
    assertThat(BenchCommand.render(o, true)).isEqualTo("{\"decodeTokensPerSecond\":Infinity,\"stepMillis\":NaN}");
    assertThat(BenchCommand.render(o, false)).contains("\"stepMillis\": NaN");
  }
}
