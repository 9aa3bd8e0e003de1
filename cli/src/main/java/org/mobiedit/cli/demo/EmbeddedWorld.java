package org.mobiedit.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.mobiedit.api.MobiEditException;

/**
 * The demo model the command line carries inside its jar (built by {@code tools/world/build.sh}, kept in the repository
 * under {@code models/mobiedit-world/}). Model loaders map files, so it is copied once per run to a temporary folder
 * that is deleted when the JVM exits.
 */
public final class EmbeddedWorld {
  /** Name of the embedded model, as the demo prints it. */
  public static final String NAME = "mobiedit-world";
  private static final String RESOURCE = "/org/mobiedit/cli/demo/" + NAME + "/";
  private static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
      "tokenizer_config.json", "world.json");

  private EmbeddedWorld() {}

  /** Copies the embedded model to a fresh temporary folder and returns the folder. */
  public static Path extract() {
    try {
      Path dir = Files.createTempDirectory(NAME + "-");
      dir.toFile().deleteOnExit();
      for (String name : FILES) {
        try (InputStream in = EmbeddedWorld.class.getResourceAsStream(RESOURCE + name)) {
          if (in == null) {
            throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND, "The command line was built without"
                + " its demo model (" + RESOURCE + name + " is not on the class path). Rebuild it with 'mvn -pl cli"
                + " -am package' from a full checkout, or pass --model PATH.");
          }
          Path target = dir.resolve(name);
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          target.toFile().deleteOnExit();
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy the demo model to a temporary folder: " + e.getMessage(), e);
    }
  }
}
