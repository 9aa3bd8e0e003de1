package org.mobiedit.core.files;

import java.nio.file.Path;
import java.util.Map;
import org.mobiedit.core.internal.format.gguf.GgufFile;

/**
 * The metadata of a GGUF file, model or vocabulary-only, read with the SDK's checked reader (bounded sizes, clear
 * {@code MODEL_CORRUPT} errors) without mapping its tensors: for tools that copy entries into files they write. Values
 * are {@code Long} (every integer type), {@code Double} (both float types), {@code Boolean}, {@code String}, and for
 * arrays {@code long[]}, {@code double[]}, {@code boolean[]}, {@code List<String>} or a {@code List} of arrays.
 */
public final class GgufMetadataFile {
  private GgufMetadataFile() {}

  /**
   * Every metadata entry of {@code file}, in file order.
   *
   * @throws org.mobiedit.api.MobiEditException {@code MODEL_NOT_FOUND}, {@code MODEL_CORRUPT} or {@code IO}
   */
  public static Map<String, Object> read(Path file) {
    try (GgufFile gguf = GgufFile.open(file)) {
      return gguf.metadata();
    }
  }
}
