package org.mobiedit.core.internal.edit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.Capability;

/** An edit needs LAYER_CAPTURE, RESUME_WITH_INJECTION and RANK_ONE_UPDATE; a backend without one is refused. */
class BackendCapabilitiesTest {
  private static final Set<Capability> EDITING =
      EnumSet.of(Capability.LAYER_CAPTURE, Capability.RESUME_WITH_INJECTION, Capability.RANK_ONE_UPDATE);

  @Test
  void aBackendClaimingTheThreeEditingCapabilitiesMayEdit() {
    assertThatCode(() -> BackendCapabilities.of("cpu", EDITING).requireForEdit()).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @EnumSource(value = Capability.class, names = {"LAYER_CAPTURE", "RESUME_WITH_INJECTION", "RANK_ONE_UPDATE"})
  void aBackendWithoutOneIsRefusedNamingTheCapabilityAndTheBackend(Capability missing) {
    Set<Capability> claimed = EnumSet.allOf(Capability.class);
    claimed.remove(missing);
    assertThatThrownBy(() -> BackendCapabilities.of("acme", claimed).requireForEdit())
        .isInstanceOfSatisfying(MobiEditException.class, e -> assertThat(e.getReason())
            .isEqualTo(MobiEditException.Reason.BACKEND_UNSUPPORTED_OPERATION))
        .hasMessageContaining("'acme'")
        .hasMessageContaining(missing.name())
        .hasMessageContaining("nothing was run");
  }

  @Test
  void oneCapabilityCanBeRequiredForOtherWork() {
    assertThatThrownBy(() -> BackendCapabilities.of("acme", EnumSet.of(Capability.LAYER_CAPTURE))
        .require(Capability.RANK_ONE_UPDATE, "applying saved edits"))
        .hasMessageContaining("RANK_ONE_UPDATE")
        .hasMessageContaining("applying saved edits");
  }

  @Test
  void withoutKnowingTheBackendNothingIsCheckedUpFront() {
    assertThatCode(() -> BackendCapabilities.unknown().requireForEdit()).doesNotThrowAnyException();
  }
}
