package org.mobiedit.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mobiedit.backend.cpu.kernel.DotProducts;
import org.mobiedit.spi.Support;

/**
 * The kernels backend-cpu runs with are said where a user looks ({@code mobiedit backends}, the log): the SIMD kernel
 * with its width, or the scalar one with why and what to do. Tests run with the Vector API (the build adds it).
 */
class KernelChoiceTest {
  @AfterEach
  void clear() {
    System.clearProperty(DotProducts.PROPERTY);
  }

  @Test
  void theSupportNoteNamesTheKernelsChosen() {
    Support auto = new CpuBackendProvider().support();
    assertThat(auto.isSupported()).isTrue();
    assertThat(auto.reason()).startsWith("kernels: SIMD (jdk.incubator.vector, ").contains("floats per vector");

    System.setProperty(DotProducts.PROPERTY, "scalar");
    Support scalar = new CpuBackendProvider().support();
    assertThat(scalar.isSupported()).isTrue();
    assertThat(scalar.reason()).isEqualTo("kernels: scalar (" + DotProducts.PROPERTY + "=scalar)");
  }

  @Test
  void aKernelPreferenceThatCannotBeHonouredMakesTheBackendUnsupportedWithTheReason() {
    System.setProperty(DotProducts.PROPERTY, "fastest");
    Support s = new CpuBackendProvider().support();
    assertThat(s.isSupported()).isFalse();
    assertThat(s.reason()).contains("Unknown " + DotProducts.PROPERTY + " value 'fastest'");
  }

  @Test
  void theScalarKernelSaysWhyWhenTheJvmHasNoVectorApi() {
    // what a JVM without the module (Android, or a desktop JVM started without it) is told
    assertThat(DotProducts.describe(DotProducts.select("scalar"))).startsWith("kernels: scalar (this JVM has no Vector API")
        .contains("--add-modules jdk.incubator.vector").contains("Android has none");
    assertThat(DotProducts.describe(DotProducts.select("vector"))).startsWith("kernels: SIMD");
  }
}
