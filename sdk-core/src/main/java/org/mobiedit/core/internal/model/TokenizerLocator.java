package org.mobiedit.core.internal.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.internal.tokenizer.Tokenizers;
import org.mobiedit.core.tokenizer.Tokenizer;

/**
 * Finds the tokenizer that belongs to a model: inside a GGUF file's metadata, or as tokenizer files
 * ({@code tokenizer.json}, or {@code vocab.json} + {@code merges.txt}) in a model or tokenizer folder.
 */
public final class TokenizerLocator {
  private TokenizerLocator() {}

  /** The tokenizer of an opened model. */
  public static Tokenizer forModel(OpenModel files) {
    Map<String, Object> md = files.ggufMetadata();
    if (md.containsKey("tokenizer.ggml.tokens")) {
      return Tokenizers.fromGgufMetadata(md, files.location());
    }
    if (files.folder().isPresent() && hasTokenizerFiles(files.folder().get())) {
      return Tokenizers.forFolder(files.folder().get());
    }
    throw missing(files.location(), files.folder().orElse(files.location().getParent()), !md.isEmpty());
  }

  /**
   * The tokenizer at a path that may be a GGUF file (only its metadata is read), a model folder or a folder with
   * tokenizer files only.
   */
  public static Tokenizer forPath(Path path) {
    if (!Files.exists(path)) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND,
          "No such file or folder: " + path + ". Give a GGUF file or a folder with tokenizer files.");
    }
    if (Files.isDirectory(path)) {
      if (hasTokenizerFiles(path)) {
        return Tokenizers.forFolder(path);
      }
      List<Path> ggufs = ggufFiles(path);
      if (ggufs.size() == 1) {
        return fromGguf(ggufs.get(0));
      }
      throw missing(path, path, false);
    }
    return fromGguf(path);
  }

  private static Tokenizer fromGguf(Path file) {
    Map<String, Object> md;
    try (GgufFile gguf = GgufFile.open(file)) {
      md = gguf.metadata();
    }
    if (!md.containsKey("tokenizer.ggml.tokens")) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null && hasTokenizerFiles(dir)) {
        return Tokenizers.forFolder(dir);
      }
      throw missing(file, dir, true);
    }
    return Tokenizers.fromGgufMetadata(md, file);
  }

  static boolean hasTokenizerFiles(Path dir) {
    return Files.isRegularFile(dir.resolve("tokenizer.json"))
        || (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt")));
  }

  private static List<Path> ggufFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> out = new ArrayList<>();
      s.filter(p -> p.getFileName().toString().endsWith(".gguf")).sorted().forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static MobiEditException missing(Path model, Path folder, boolean gguf) {
    return new MobiEditException(MobiEditException.Reason.TOKENIZER_MISSING,
        "No tokenizer found for " + model + ": looked for tokenizer.json, or vocab.json + merges.txt, in " + folder
            + (gguf ? ", and for a tokenizer.ggml.tokens vocabulary inside the GGUF file" : "")
            + ". Copy the model's tokenizer files next to its weights.");
  }
}
