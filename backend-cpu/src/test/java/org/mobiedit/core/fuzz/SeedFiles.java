package org.mobiedit.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.mobiedit.core.testing.SharedData;

/**
 * The real files the fuzzer starts from: the shared models and tokenizers ({@link SharedData}; each one absent is
 * skipped with a message) and the demo model in the repository ({@code models/mobiedit-world}). Their bytes are read
 * once and shared by all inputs.
 */
final class SeedFiles {
  private final @Nullable Path shared;
  private final @Nullable Path world;
  private final List<String> missing = new ArrayList<>();
  private final Map<Path, byte[]> bytes = new HashMap<>();

  private SeedFiles(@Nullable Path shared, @Nullable Path world) {
    this.shared = shared;
    this.world = world;
    if (shared == null) {
      missing.add("shared data not found (set MOBIEDIT_SHARED_DATA or place it at ../shared/data): the fuzzer runs"
          + " on the demo model only");
    }
    if (world == null) {
      missing.add("models/mobiedit-world not found above " + Path.of("").toAbsolutePath());
    }
  }

  static SeedFiles locate() {
    Path world = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("models/mobiedit-world");
      if (Files.isRegularFile(candidate.resolve("config.json"))) {
        world = candidate;
        break;
      }
    }
    return new SeedFiles(SharedData.root().orElse(null), world);
  }

  /** A shared file or folder, if present (else a message is kept for the report). */
  Optional<Path> shared(String relative) {
    if (shared == null) {
      return Optional.empty();
    }
    Path p = shared.resolve(relative);
    if (!Files.exists(p)) {
      missing.add("shared data has no " + relative + ": its seeds are skipped");
      return Optional.empty();
    }
    return Optional.of(p);
  }

  /** The demo model's folder in the repository. */
  Optional<Path> world() {
    return Optional.ofNullable(world);
  }

  List<String> missing() {
    return missing;
  }

  synchronized byte[] read(Path file) {
    return bytes.computeIfAbsent(file.toAbsolutePath(), f -> {
      try {
        return Files.readAllBytes(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
