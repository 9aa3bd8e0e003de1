package org.mobiedit.tools.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mobiedit.api.Editor;

/**
 * sdk-api's compatibility check, in every {@code mvn verify}. {@code sdk-api/api/current.txt} is the API as it is
 * (any change to it shows in review); each {@code sdk-api/api/<version>.txt} is the API a release promised, and the
 * current API must keep every promise of the latest one: a breaking change fails the build, naming what broke.
 */
class SdkApiCompatibilityTest {
  /** sdk-api's packages: what an app or a backend vendor compiles against. */
  static final List<String> PACKAGES = List.of("org.mobiedit.api", "org.mobiedit.spi", "org.mobiedit.spi.numerics");
  private static final Path FOLDER = Paths.get("..", "sdk-api", "api");
  private static final Path WRITTEN = Paths.get("target", "api", "current.txt");

  private static ApiSignature live() {
    return ApiSignature.of(Editor.class, PACKAGES);
  }

  @Test
  void currentTxtIsTheApiAsItIs() throws IOException {
    ApiSignature live = live();
    String header = "mobiedit-api: the public API as it is (sdk-api/api/README.md)";
    Path file = FOLDER.resolve("current.txt");
    ApiSignature recorded = Files.exists(file) ? ApiSignature.read(file) : ApiSignature.parse(List.of());
    if (!recorded.elements().equals(live.elements())) {
      live.write(WRITTEN, header);
      List<String> diff = new ArrayList<>();
      recorded.elements().forEach((k, v) -> {
        if (!v.equals(live.elements().get(k))) {
          diff.add("- " + k + ": " + v);
        }
      });
      live.elements().forEach((k, v) -> {
        if (!v.equals(recorded.elements().get(k))) {
          diff.add("+ " + k + ": " + v);
        }
      });
      throw new AssertionError("sdk-api's API changed; if that is intended, record it: cp sdk-tools/" + WRITTEN
          + " sdk-api/api/current.txt\n" + String.join("\n", diff));
    }
  }

  @Test
  void theApiKeepsThePromisesOfTheLatestRelease() throws IOException {
    Path latest = latestRelease();
    ApiCompatibility c = ApiCompatibility.compare(ApiSignature.read(latest), live());
    assertThat(c.breaks()).as("breaking changes against " + latest.getFileName() + " (restore them, or make the"
        + " next version a major one and say so in CHANGELOG.md)").isEmpty();
  }

  /** The release file with the highest version. */
  static Path latestRelease() throws IOException {
    try (Stream<Path> files = Files.list(FOLDER)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d+\\.\\d+\\.\\d+\\.txt"))
          .max(Comparator.comparing(SdkApiCompatibilityTest::version))
          .orElseThrow(() -> new AssertionError("no release signature (<version>.txt) in " + FOLDER));
    }
  }

  private static String version(Path f) {
    String[] parts = f.getFileName().toString().replace(".txt", "").split("\\.");
    return String.format("%06d.%06d.%06d", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
        Integer.parseInt(parts[2]));
  }
}
