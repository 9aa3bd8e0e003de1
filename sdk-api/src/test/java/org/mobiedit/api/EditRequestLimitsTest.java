package org.mobiedit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EditRequestLimitsTest {
  @Test
  void aTemplateThatRepeatsAHugeSubjectIsRefusedBeforeItIsExpanded() {
    String relation = "{}".repeat(100_000) + " is";
    String subject = "S".repeat(100_000);
    MobiEditException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> catchThrowableOfType(
        MobiEditException.class, () -> EditRequest.of(subject, relation, "Rome")));
    assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("100000 places").hasSizeLessThan(400);
  }

  @Test
  void aTextLongerThanTheLimitIsRefusedNamingThePart() {
    MobiEditException e = catchThrowableOfType(MobiEditException.class,
        () -> EditRequest.of("Lily", "{} went to the", "z".repeat(EditRequest.MAX_TEXT_CHARS + 1)));
    assertThat(e.getReason()).isEqualTo(MobiEditException.Reason.INVALID_REQUEST);
    assertThat(e.getMessage()).contains("new object").hasSizeLessThan(300);
  }

  @Test
  void aPromptWithoutTheSubjectIsReportedWithoutEchoingAHugePrompt() {
    MobiEditException e = catchThrowableOfType(MobiEditException.class,
        () -> EditRequest.ofPrompt("Lily", "went to the ".repeat(50_000), "zoo"));
    assertThat(e.getMessage()).contains("600000 characters").hasSizeLessThan(400);
  }

  @Test
  void anOrdinaryRequestIsUnchanged() {
    EditRequest r = EditRequest.of("The Eiffel Tower", "{} is located in", "Rome");
    assertThat(r.getPrompt()).isEqualTo("The Eiffel Tower is located in");
  }
}
