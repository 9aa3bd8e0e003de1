package org.mobiedit.backend.litert.runtime.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.CompiledGraph;
import org.mobiedit.backend.graph.Graph;
import org.mobiedit.backend.graph.TensorType;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;
import org.mobiedit.backend.litert.accelerator.AcceleratorSelection;
import org.mobiedit.backend.litert.runtime.Compilation;
import org.mobiedit.backend.litert.runtime.GraphFile;
import org.mobiedit.backend.litert.runtime.javacpp.TfliteInterpreter;
import org.mobiedit.backend.litert.tflite.TfliteWriter;

/**
 * The Android binding's choices on a device's answers, and its graphs run through its own buffers by the real TFLite
 * interpreter (JavaCPP) standing in for Google's Android runtime.
 */
class AndroidBindingTest {
  private static final int ROWS = 40;
  private static final int COLS = 24;
  private static final int TOKENS = 3;

  @Test
  void aPhoneReachesTheNpuForStaticIntegersTheGpuForFloatsAndTheCpuForTheRest() {
    AcceleratorProbe probe = EmulatedAndroid.phone().binding().accelerators();
    assertThat(AcceleratorSelection.select(null, Precision.INT8_A8, probe).chosen()).isEqualTo(Accelerator.NPU);
    assertThat(AcceleratorSelection.select(null, Precision.INT8_A16, probe).chosen()).isEqualTo(Accelerator.NPU);
    assertThat(AcceleratorSelection.select(null, Precision.FP32, probe).chosen()).isEqualTo(Accelerator.GPU);
    assertThat(AcceleratorSelection.select(null, Precision.INT8, probe).chosen()).isEqualTo(Accelerator.GPU);
    assertThat(AcceleratorSelection.select(null, Precision.INT8_DYNAMIC, probe).chosen()).isEqualTo(Accelerator.CPU);
  }

  @Test
  void whatADeviceLacksIsNamedWithWhatToAdd() {
    EmulatedAndroid old = new EmulatedAndroid(26, Set.of(AndroidDevice.INTERPRETER), null,
        "the app does not hold TensorFlow Lite's GPU delegate (add org.tensorflow:tensorflow-lite-gpu)");
    AcceleratorProbe probe = old.binding().accelerators();
    assertThat(probe.unavailable(Accelerator.NPU)).contains("Android 8.1 (API 27)").contains("runs API 26");
    assertThat(probe.unavailable(Accelerator.GPU)).contains("tensorflow-lite-gpu");
    assertThat(probe.unavailable(Accelerator.CPU)).isNull();
    assertThat(AcceleratorSelection.select(null, Precision.INT8_A8, probe).chosen()).isEqualTo(Accelerator.CPU);
    assertThatThrownBy(() -> AcceleratorSelection.select(Accelerator.NPU, Precision.INT8_A8, probe))
        .isInstanceOf(MobiEditException.class).hasMessageContaining("API 27");

    EmulatedAndroid noNnapi = new EmulatedAndroid(30, Set.of(AndroidDevice.INTERPRETER), null, null);
    assertThat(noNnapi.binding().accelerators().unavailable(Accelerator.NPU)).contains("tensorflow-lite-api");

    assertThat(new EmulatedAndroid(34, Set.of(), null, null).binding().loadProblem())
        .contains("add org.tensorflow:tensorflow-lite");
    assertThat(new EmulatedAndroid(34, Set.of(AndroidDevice.INTERPRETER), "no libtensorflowlite_jni.so", null)
        .binding().loadProblem()).isEqualTo("no libtensorflowlite_jni.so");
    assertThat(EmulatedAndroid.phone().binding().loadProblem()).isNull();
  }

  @Test
  void thisMachineHoldsTheClassesButNotTheAndroidNativesAndSaysSo() {
    // the build compiles and tests with TensorFlow Lite for Android's Java classes; its natives are Android libraries
    AndroidDevice here = AndroidDevice.current();
    assertThat(here.sdkInt()).isZero();
    assertThat(here.hasClass(AndroidDevice.INTERPRETER)).isTrue();
    assertThat(here.hasClass("org.mobiedit.NoSuchClass")).isFalse();
    assertThat(new AndroidBinding().loadProblem()).contains("TensorFlow Lite's native library does not load here")
        .contains("tensorflowlite_jni");
    assertThat(here.gpuProblem()).contains("GPU delegate does not load here");
  }

  @Test
  void aGraphRunsThroughTheBindingsBuffersWithTheInterpretersOwnNumbers(@TempDir Path dir) throws IOException {
    float[] x = inputs(5);
    float[] expected;
    try (TfliteInterpreter direct = TfliteInterpreter.open(write(dir, "direct"), 1)) {
      direct.setInput(0, x);
      direct.run();
      expected = direct.floatOutput(0);
    }
    EmulatedAndroid phone = EmulatedAndroid.phone();
    Path temporary = write(dir, "temporary");
    try (CompiledGraph g = phone.binding().open(new GraphFile(temporary, true, null), compilation(Accelerator.GPU,
        false))) {
      assertThat(temporary).doesNotExist(); // mapped, then removed
      g.setInput(0, x);
      g.run();
      assertThat(g.floatOutput(0)).containsExactly(expected);
      // a partial write keeps the rest of the input; a partial read gives those elements
      float[] changed = x.clone();
      for (int i = COLS; i < 2 * COLS; i++) {
        changed[i] = -x[i];
      }
      g.writeInput(0, COLS, changed, COLS, COLS);
      g.run();
      float[] row = new float[ROWS];
      g.readOutput(0, ROWS, row, 0, ROWS);
      float[] whole = g.floatOutput(0);
      for (int o = 0; o < ROWS; o++) {
        assertThat(row[o]).isEqualTo(whole[ROWS + o]).isCloseTo(-expected[ROWS + o], offset(1e-4f));
        assertThat(whole[o]).isEqualTo(expected[o]);
      }
      assertThat(g.residentBytes()).isEqualTo(Files.size(write(dir, "size")) * 2 + 4L * TOKENS * (COLS + ROWS));
      assertThatThrownBy(() -> g.readOutput(0, ROWS * TOKENS - 1, row, 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> g.setInput(0, new float[3])).hasMessageContaining("holds " + 4 * TOKENS * COLS);
    }
    assertThat(phone.compiled()).containsExactly(Accelerator.GPU);
  }

  @Test
  void anAutomaticallyChosenAcceleratorThatRefusesAGraphLeavesItToTheCpu(@TempDir Path dir) throws IOException {
    EmulatedAndroid phone = EmulatedAndroid.phone().failing(Accelerator.GPU);
    AndroidBinding binding = phone.binding();
    float[] x = inputs(6);
    float[] out;
    try (CompiledGraph g = binding.open(new GraphFile(write(dir, "a"), false, "a"), compilation(Accelerator.GPU,
        true))) {
      g.setInput(0, x);
      g.run();
      out = g.floatOutput(0);
    }
    assertThat(phone.compiled()).containsExactly(Accelerator.GPU, Accelerator.CPU);
    try (CompiledGraph g = binding.open(new GraphFile(write(dir, "b"), false, "b"), compilation(Accelerator.CPU,
        false))) {
      g.setInput(0, x);
      g.run();
      assertThat(g.floatOutput(0)).containsExactly(out);
    }
    assertThatThrownBy(() -> binding.open(new GraphFile(write(dir, "c"), false, "c"), compilation(Accelerator.GPU,
        false)))
        .isInstanceOf(MobiEditException.class)
        .hasMessageContaining("could not compile a graph (c) for the GPU")
        .hasMessageContaining("Failed to apply delegate")
        .hasMessageContaining("-Dmobiedit.litert.accelerator");
  }

  private static Compilation compilation(Accelerator accelerator, boolean fallBack) {
    return new Compilation(accelerator, fallBack, 1, 2, null);
  }

  private static float[] inputs(long seed) {
    Random r = new Random(seed);
    float[] x = new float[TOKENS * COLS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** A small float product y = x·Wᵀ as a TFLite file. */
  private static Path write(Path dir, String name) throws IOException {
    Random r = new Random(1);
    float[] w = new float[ROWS * COLS];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    Graph g = new Graph();
    Graph.Tensor in = g.input("x", TensorType.FLOAT32, 1, TOKENS, COLS);
    g.output(g.fullyConnected(in, g.weight("w", new int[] {ROWS, COLS}, () -> w), null));
    Path file = dir.resolve(name + ".tflite");
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      TfliteWriter.write(g, "product").writeTo(c);
    }
    return file;
  }
}
