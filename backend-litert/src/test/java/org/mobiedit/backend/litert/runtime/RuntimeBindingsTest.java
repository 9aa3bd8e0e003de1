package org.mobiedit.backend.litert.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.litert.runtime.android.AndroidBinding;
import org.mobiedit.backend.litert.runtime.android.EmulatedAndroid;
import org.mobiedit.backend.litert.runtime.javacpp.JavacppBinding;

/** Which binding runs the graphs: Google's Android runtime where the app holds it, else JavaCPP's interpreter. */
class RuntimeBindingsTest {
  private static final EmulatedAndroid DESKTOP = new EmulatedAndroid(0, Set.of(), null, null);

  @Test
  void theInstalledOrderTriesGooglesAndroidRuntimeFirst() {
    assertThat(RuntimeBindings.installed()).extracting(RuntimeBinding::id)
        .containsExactly(AndroidBinding.ID, JavacppBinding.ID);
    // on this machine the Android runtime is absent, so auto takes JavaCPP's
    assertThat(RuntimeBindings.choose(null, RuntimeBindings.installed()).id()).isEqualTo(JavacppBinding.ID);
  }

  @Test
  void autoTakesTheFirstThatLoads() {
    RuntimeBinding phone = EmulatedAndroid.phone().binding();
    assertThat(RuntimeBindings.choose(null, List.of(phone, new JavacppBinding()))).isSameAs(phone);
    assertThat(RuntimeBindings.choose(null, List.of(DESKTOP.binding(), new JavacppBinding())).id())
        .isEqualTo(JavacppBinding.ID);
  }

  @Test
  void aNamedBindingIsUsedOrTheLoadSaysWhyItCannotBe() {
    RuntimeBinding phone = EmulatedAndroid.phone().binding();
    assertThat(RuntimeBindings.choose("javacpp", List.of(phone, new JavacppBinding())).id()).isEqualTo("javacpp");
    assertThatThrownBy(() -> RuntimeBindings.choose("tensorflow-lite-android",
        List.of(DESKTOP.binding(), new JavacppBinding())))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("tensorflow-lite-android: the app does not hold Google's TensorFlow Lite for Android");
    assertThatThrownBy(() -> RuntimeBindings.choose("tflite", List.of(phone, new JavacppBinding())))
        .hasMessageContaining("Unknown LiteRT runtime 'tflite'")
        .hasMessageContaining("tensorflow-lite-android, javacpp");
    assertThatThrownBy(() -> RuntimeBindings.choose(null, List.of(DESKTOP.binding())))
        .hasMessageStartingWith("No TFLite runtime loads here. tensorflow-lite-android: ");
  }

  @Test
  void theSettingComesFromThePropertyAndAutoMeansChoose() {
    try {
      System.setProperty(RuntimeBindings.PROPERTY, " JavaCPP ");
      assertThat(RuntimeBindings.settingFromEnvironment()).isEqualTo("javacpp");
      System.setProperty(RuntimeBindings.PROPERTY, "auto");
      assertThat(RuntimeBindings.settingFromEnvironment()).isNull();
    } finally {
      System.clearProperty(RuntimeBindings.PROPERTY);
    }
  }
}
