package org.mobiedit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A build rule: code outside the runtime uses only its front door ({@code org.mobiedit.core} and its public packages)
 * and the SPI, never {@code org.mobiedit.core.internal}. The command line, the kits, the tools and the examples are
 * written as apps and vendors write theirs, so whatever they need is on the front door for everyone; the runtime's
 * implementation stays free to change.
 *
 * <p>Checked: the main sources of every module but sdk-core ({@code ../MODULE/src/main},
 * {@code ../models/MODULE/src/main}) and every source of the examples ({@code ../examples/EXAMPLE/src}), Java and
 * Kotlin, found from this module's folder (where Maven runs the tests). Tests of the modules may reach inside: they
 * are not what users copy.
 */
class FrontDoorRuleTest {
  private static final String INTERNAL = "org.mobiedit.core.internal";

  @Test
  void noModuleOutsideTheRuntimeReferencesItsInternalPackages() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> sourceRoots = sourceRoots(root);
    assertThat(sourceRoots).as("source folders under " + root)
        .contains(root.resolve("cli/src/main"), root.resolve("sdk-tools/src/main"), root.resolve("sdk-tck/src/main"))
        .noneMatch(p -> p.startsWith(root.resolve("sdk-core")));
    List<String> violations = new ArrayList<>();
    int files = 0;
    for (Path sources : sourceRoots) {
      for (Path file : sourceFiles(sources)) {
        files++;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          if (lines.get(i).contains(INTERNAL)) {
            violations.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(files).as("Java and Kotlin files checked").isGreaterThan(100);
    assertThat(violations).as("references to " + INTERNAL + " outside sdk-core. Use the front door"
        + " (org.mobiedit.core: MobiEdit, Model, WeightsFile, ...) and the SPI; if something is missing there, add a"
        + " small documented method to the front door instead of reaching inside").isEmpty();
  }

  /** The source folders the rule covers that exist. */
  private static List<Path> sourceRoots(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path module : children(root)) {
      if (!module.getFileName().toString().equals("sdk-core")) {
        out.add(module.resolve("src/main"));
      }
    }
    for (Path model : children(root.resolve("models"))) {
      out.add(model.resolve("src/main"));
    }
    for (Path example : children(root.resolve("examples"))) {
      out.add(example.resolve("src"));
    }
    out.removeIf(p -> !Files.isDirectory(p));
    return out;
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  private static List<Path> sourceFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".kt"))
          .sorted().toList();
    }
  }
}
