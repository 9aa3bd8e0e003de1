package org.mobiedit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.MobiEdit;

/** The JUnit 4 rule, applied as JUnit 4 applies it: the script of an earlier test is gone when the next one runs. */
class FakeBackendRuleTest {
  @Test
  void eachTestStartsWithAFreshScript() throws Throwable {
    FakeBackendRule rule = new FakeBackendRule();
    rule.fake().onGenerate("Lily went to the").reply(" moon"); // left over from an earlier test
    String[] seen = new String[1];
    Statement test = new Statement() {
      @Override
      public void evaluate() {
        try (Editor editor = MobiEdit.open(Paths.get("models/none"))) {
          seen[0] = editor.generate("Lily went to the", GenerationOptions.greedy(8)).getText();
        }
      }
    };
    rule.apply(test, Description.createTestDescription(FakeBackendRuleTest.class, "aTest")).evaluate();
    assertThat(seen[0]).as("the earlier script was reset").isEmpty();
  }
}
