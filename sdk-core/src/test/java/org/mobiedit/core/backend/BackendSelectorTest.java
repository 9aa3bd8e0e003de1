package org.mobiedit.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.spi.BackendProvider;

class BackendSelectorTest {
  @TempDir Path dir;

  private BackendSelector discover(Map<String, String> settings, String... providerClasses) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(BackendProvider.class.getName()), String.join("\n", providerClasses) + "\n");
    ClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    return BackendSelector.discover(loader, settings::get);
  }

  private static String name(Class<?> c) {
    return c.getName();
  }

  private static List<String> codes(BackendSelector s) {
    return s.diagnostics().stream().map(d -> d.code().id()).collect(Collectors.toList());
  }

  @Test
  void zeroProvidersIsAnErrorNamingTheArtifactsToAdd() throws IOException {
    BackendSelector s = discover(Map.of());
    assertEquals(List.of("MOBIEDIT-B001"), codes(s));
    MobiEditException e = assertThrows(MobiEditException.class, s::select);
    assertEquals(MobiEditException.Reason.BACKEND_UNAVAILABLE, e.getReason());
    assertThat(e.getMessage()).contains("MOBIEDIT-B008").contains("org.mobiedit:mobiedit-backend-cpu");
  }

  @Test
  void highestPriorityWinsAmongSeveral() throws IOException {
    BackendSelection sel = discover(Map.of(), name(TestProviders.Low.class), name(TestProviders.High.class)).select();
    assertEquals("high", sel.provider().id());
    assertThat(sel.rule()).contains("highest priority").contains("high, low");
  }

  @Test
  void aProviderRanksByItsPriorityForTheLoadedPrecision() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.High.class),
        name(TestProviders.FastInOnePrecision.class));
    assertEquals("high", s.select().provider().id());
    assertEquals("high", s.select(null, org.mobiedit.api.Precision.INT8).provider().id());
    BackendSelection fast = s.select(null, org.mobiedit.api.Precision.INT8_DYNAMIC);
    assertEquals("fast-int8-dynamic", fast.provider().id());
    assertTrue(fast.rule().contains("for int8-dynamic"), fast.rule());
    assertEquals("fast-int8-dynamic", s.ranked(org.mobiedit.api.Precision.INT8_DYNAMIC).get(0).id());
  }

  @Test
  void equalPrioritiesAreBrokenByIdSoTheChoiceIsDeterministic() throws IOException {
    BackendSelection a = discover(Map.of(), name(TestProviders.OtherHigh.class), name(TestProviders.High.class))
        .select();
    assertEquals("high", a.provider().id());
  }

  @Test
  void aProviderWhoseConstructorThrowsIsSkippedWithADiagnostic() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.Broken.class), name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertEquals(List.of("MOBIEDIT-B002"), codes(s));
    assertThat(s.diagnostics().get(0).message()).contains("libbroken.so missing");
  }

  @Test
  void aMissingProviderClassIsSkippedWithADiagnostic() throws IOException {
    BackendSelector s = discover(Map.of(), "com.example.NoSuchProvider", name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertThat(s.diagnostics().get(0).message()).contains("com.example.NoSuchProvider");
  }

  @Test
  void unsupportedProvidersAreNotChosenEvenWithHigherPriority() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.Unsupported.class), name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertEquals(List.of("MOBIEDIT-B003"), codes(s));
    assertThat(s.diagnostics().get(0).message()).contains("no NPU driver");
  }

  @Test
  void aSupportProbeThatThrowsCountsAsUnsupported() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.ProbeThrows.class), name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertThat(codes(s)).contains("MOBIEDIT-B009");
  }

  @Test
  void aProviderForAnotherSpiVersionIsSkipped() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.OldSpi.class), name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertEquals(List.of("MOBIEDIT-B004"), codes(s));
    assertThat(s.diagnostics().get(0).toString()).contains("old", TestProviders.OldSpi.class.getName(),
        "speaks SPI version 0 but this SDK speaks " + BackendProvider.SPI_VERSION, "backend release");
  }

  @Test
  void aProviderBuiltForTheNextMajorSpiVersionIsSkippedWithBothVersionsNamed() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.NewerSpi.class), name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertEquals(List.of("MOBIEDIT-B004"), codes(s));
    assertThat(s.diagnostics().get(0).toString()).contains("newer", "speaks SPI version "
        + (BackendProvider.SPI_VERSION + 1) + " but this SDK speaks " + BackendProvider.SPI_VERSION);
  }

  @Test
  void aProviderThatCannotSayItsSpiVersionIsSkippedWithoutBreakingDiscovery() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.Undeclared.class), name(TestProviders.Low.class));
    assertEquals("low", s.select().provider().id());
    assertEquals(List.of("MOBIEDIT-B004"), codes(s));
    assertThat(s.diagnostics().get(0).toString()).contains("undeclared",
        "does not declare the SPI version it was built against", "AbstractMethodError");
  }

  @Test
  void duplicateIdsKeepTheFirstAndSayWhichWasIgnored() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.Low.class), name(TestProviders.DuplicateLow.class));
    assertEquals(TestProviders.Low.class, s.select().provider().getClass());
    assertEquals(List.of("MOBIEDIT-B005"), codes(s));
  }

  @Test
  void onlyBrokenOrUnsupportedProvidersGiveAnErrorListingEveryoneTried() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.Broken.class), name(TestProviders.Unsupported.class));
    MobiEditException e = assertThrows(MobiEditException.class, s::select);
    assertThat(e.getMessage())
        .contains("MOBIEDIT-B008")
        .contains("npu (priority 500")
        .contains("no NPU driver")
        .contains("MOBIEDIT-B002")
        .contains("libbroken.so missing");
  }

  @Test
  void thePropertyOrEnvironmentPicksABackendOverPriority() throws IOException {
    BackendSelection sel = discover(Map.of(BackendSelector.ENVIRONMENT, "LOW"),
        name(TestProviders.Low.class), name(TestProviders.High.class)).select();
    assertEquals("low", sel.provider().id());
    BackendSelection byProperty = discover(Map.of(BackendSelector.PROPERTY, "low", BackendSelector.ENVIRONMENT, "high"),
        name(TestProviders.Low.class), name(TestProviders.High.class)).select();
    assertEquals("low", byProperty.provider().id());
  }

  @Test
  void loadersThatPassNoIdStillHonourTheSettingAndAnExplicitIdBeatsIt() throws IOException {
    BackendSelector selector = discover(Map.of(BackendSelector.ENVIRONMENT, "low"),
        name(TestProviders.Low.class), name(TestProviders.High.class));
    assertEquals("low", selector.select(null).provider().id(), "what LanguageModel.load passes without --backend");
    assertEquals("high", selector.select("high").provider().id());
  }

  @Test
  void anUnknownRequestedIdIsAnErrorListingTheValidIds() throws IOException {
    BackendSelector s = discover(Map.of(BackendSelector.PROPERTY, "tpu"),
        name(TestProviders.Low.class), name(TestProviders.High.class));
    MobiEditException e = assertThrows(MobiEditException.class, s::select);
    assertEquals(MobiEditException.Reason.BACKEND_UNAVAILABLE, e.getReason());
    assertThat(e.getMessage()).contains("MOBIEDIT-B006").contains("'tpu'").contains("Valid ids: high, low");
  }

  @Test
  void requestingAnUnsupportedBackendSaysWhyAndWhatElseWorks() throws IOException {
    BackendSelector s = discover(Map.of(), name(TestProviders.Unsupported.class), name(TestProviders.Low.class));
    MobiEditException e = assertThrows(MobiEditException.class, () -> s.select("npu"));
    assertThat(e.getMessage()).contains("MOBIEDIT-B007").contains("no NPU driver").contains("low");
  }

  @Test
  void explicitProviderListNeedsNoDiscovery() {
    BackendSelection sel = BackendSelector.of(List.of(new TestProviders.Low())).select();
    assertEquals("low", sel.provider().id());
    assertTrue(sel.diagnostics().isEmpty());
  }
}
