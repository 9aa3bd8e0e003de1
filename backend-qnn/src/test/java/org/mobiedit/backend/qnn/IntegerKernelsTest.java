package org.mobiedit.backend.qnn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.world.WorldModel;

/**
 * Which kernels ONNX Runtime runs, read from the graphs as it optimized them: the static integer precisions run
 * integer matrix products (QGemm), the float ones float products.
 */
class IntegerKernelsTest {
  @AfterEach
  void clear() {
    System.clearProperty(OrtCompiler.OPTIMIZED_MODELS_PROPERTY);
  }

  @ParameterizedTest
  @EnumSource(value = Precision.class, names = {"FP32", "INT8", "INT8_A8", "INT8_A16"})
  void staticIntegerPrecisionsRunIntegerProducts(Precision p, @TempDir Path dir) throws IOException {
    System.setProperty(OrtCompiler.OPTIMIZED_MODELS_PROPERTY, dir.toString());
    try (var backend = new QnnBackend(1, ExecutionProvider.CPU, x -> null, null);
        OpenModel m = ModelFiles.open(WorldModel.extract())) {
      backend.load(m, p).forward(new int[][] {{1, 2, 3, 4}}, new int[][] {{3}});
    }
    String optimized;
    try (Stream<Path> files = Files.list(dir)) {
      Path f = files.filter(x -> x.getFileName().toString().startsWith("forward")).findFirst().orElseThrow();
      optimized = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
    }
    boolean integer = optimized.contains("QGemm");
    System.out.println(p + ": integer products " + integer);
    assertThat(integer).as(p + " runs QGemm").isEqualTo(p == Precision.INT8_A8);
  }
}
