package org.mobiedit.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.mobiedit.api.MobiEditException;

/**
 * The demo model (an 8-layer Llama of 2 M parameters that knows an invented world; built by {@code tools/world/build.sh})
 * as this jar carries it. Model loaders map files, so {@link #extract()} copies it to a temporary folder that is deleted
 * when the JVM exits.
 */
public final class WorldModel {
  /** The model's name. */
  public static final String NAME = "mobiedit-world";
  /** The files of the model folder, as the jar holds them (this module's pom lists the same files). */
  public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json",
      "tokenizer_config.json", "key-statistics.bin", "world.json", "edits-dev.json", "edits-heldout.json");
  /** The layer the world's edits are made at (chosen on the dev edits; world.json's {@code editLayer}). */
  public static final int EDIT_LAYER = 2;
  private static final String RESOURCE = "/org/mobiedit/world/files/";

  private WorldModel() {}

  /** Copies the model to a fresh temporary folder and returns the folder. */
  public static Path extract() {
    try {
      Path dir = Files.createTempDirectory(NAME + "-");
      dir.toFile().deleteOnExit();
      for (String name : FILES) {
        try (InputStream in = WorldModel.class.getResourceAsStream(RESOURCE + name)) {
          if (in == null) {
            throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND, "This jar was built without the"
                + " demo model (" + RESOURCE + name + " is not on the class path). Rebuild it with 'mvn -pl"
                + " models/mobiedit-world package' from a full checkout.");
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
