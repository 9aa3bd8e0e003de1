package org.mobiedit.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared real models and test vectors ({@code ../shared/data} beside the repository). Tests that need
 * them call {@link #require(String)}, which skips the test with a message when the data is absent (a user's fresh
 * clone), so the project's own tests never depend on it.
 *
 * <p>Lookup order: system property {@code mobiedit.sharedData} (set by the build), environment variable
 * {@code MOBIEDIT_SHARED_DATA}, then {@code shared/data} in the working directory's ancestors.
 */
public final class SharedData {
  private SharedData() {}

  /** The shared data folder, if present. */
  public static Optional<Path> root() {
    String prop = System.getProperty("mobiedit.sharedData");
    if (prop != null && Files.isDirectory(Path.of(prop))) {
      return Optional.of(Path.of(prop).normalize());
    }
    String env = System.getenv("MOBIEDIT_SHARED_DATA");
    if (env != null && Files.isDirectory(Path.of(env))) {
      return Optional.of(Path.of(env).normalize());
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared/data");
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
      dir = dir.getParent();
    }
    return Optional.empty();
  }

  /** The path of a shared file or folder; skips the calling test (with a message) when it is absent. */
  public static Path require(String relative) {
    Optional<Path> root = root();
    assumeTrue(root.isPresent(),
        "shared data not found (set MOBIEDIT_SHARED_DATA or place it at ../shared/data): skipping " + relative);
    Path p = root.get().resolve(relative);
    assumeTrue(Files.exists(p), "shared data has no " + relative + " at " + p + ": skipping");
    return p;
  }
}
