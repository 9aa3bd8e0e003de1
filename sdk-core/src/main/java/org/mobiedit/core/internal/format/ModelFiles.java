package org.mobiedit.core.internal.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.ModelSource;
import org.mobiedit.core.internal.format.gguf.GgufFile;
import org.mobiedit.core.internal.format.gguf.GgufModels;
import org.mobiedit.core.internal.format.gguf.GgufTensorInfo;
import org.mobiedit.core.internal.format.hf.HfConfig;
import org.mobiedit.core.internal.format.hf.HfNames;
import org.mobiedit.core.internal.format.safetensors.SafetensorsHeader;
import org.mobiedit.core.internal.json.JsonSource;
import org.mobiedit.core.internal.json.JsonValue;
import org.mobiedit.spi.ModelSpec;

/**
 * Opens a model from disk: a GGUF file, a folder with one GGUF file, or a Hugging Face folder ({@code config.json}
 * with {@code model.safetensors} or a sharded {@code model.safetensors.index.json}).
 */
public final class ModelFiles {
  private ModelFiles() {}

  public static OpenModel open(Path path) {
    if (!Files.exists(path)) {
      throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND,
          "No such model: " + path + " does not exist. Give a .gguf file or a Hugging Face model folder.");
    }
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("config.json"))) {
        return openHf(path);
      }
      List<Path> ggufs = list(path).stream().filter(p -> p.getFileName().toString().endsWith(".gguf"))
          .collect(Collectors.toList());
      if (ggufs.size() == 1) {
        return openGguf(ggufs.get(0));
      }
      throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND,
          path + " is not a model folder: it has no config.json"
              + (ggufs.isEmpty() ? " and no .gguf file" : " and " + ggufs.size() + " .gguf files (give one)")
              + ". Give a Hugging Face folder (config.json + *.safetensors) or a .gguf file.");
    }
    return openGguf(path);
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens a model from where {@code source} says: a path as {@link #open(Path)}, or a GGUF file inside an open
   * channel (an Android asset), which the model closes when it closes.
   */
  public static OpenModel open(ModelSource source) {
    Path path = source.path();
    if (path != null) {
      return open(path);
    }
    FileChannel channel = source.channel();
    Path name = Paths.get(source.name());
    MappedFile mapped;
    try {
      mapped = MappedFile.of(name, channel, source.offset(), source.length());
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
    try {
      return openGguf(GgufFile.open(name, channel, source.offset(), source.length()), mapped, name, null);
    } catch (RuntimeException e) {
      mapped.close();
      throw e;
    }
  }

  /** Closes a channel given to the SDK when the model it holds cannot be opened; the load's error is what matters. */
  public static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the model failed to open; that failure is reported, not this one
    }
  }

  static OpenModel openGguf(Path file) {
    GgufFile gguf = GgufFile.open(file);
    MappedFile mapped = MappedFile.open(file);
    return openGguf(gguf, mapped, file, file.toAbsolutePath().getParent());
  }

  private static OpenModel openGguf(GgufFile gguf, MappedFile mapped, Path file, @Nullable Path folder) {
    try {
      ModelSpec spec = GgufModels.spec(gguf);
      Map<String, MappedTensor> tensors = new LinkedHashMap<>();
      for (GgufTensorInfo t : gguf.tensors()) {
        tensors.put(t.name(), new MappedTensor(t.name(), t.type(), t.shape(), mapped, gguf.dataOffset() + t.offset()));
      }
      OpenModel.validate(spec, tensors, file, "its GGUF metadata");
      return new OpenModel(file, folder, "gguf v" + gguf.version(), spec, tensors, List.of(mapped), gguf.metadata());
    } catch (RuntimeException e) {
      mapped.close();
      throw e;
    }
  }

  static OpenModel openHf(Path dir) {
    Map<String, Path> shardOf = new LinkedHashMap<>();
    List<Path> shards = new ArrayList<>();
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    String format;
    if (Files.isRegularFile(single)) {
      shards.add(single);
      format = "safetensors";
    } else if (Files.isRegularFile(index)) {
      TreeSet<String> files = new TreeSet<>(readIndex(index).values());
      for (String f : files) {
        Path shard = dir.resolve(f);
        if (!Files.isRegularFile(shard)) {
          throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
              index + " names the shard " + Excerpt.quoted(f) + ", which is missing from " + dir
                  + ". Download the complete model (all shards).");
        }
        shards.add(shard);
      }
      format = "safetensors (" + shards.size() + " shards)";
    } else {
      throw new MobiEditException(MobiEditException.Reason.MODEL_NOT_FOUND,
          dir + " has config.json but no model.safetensors or model.safetensors.index.json. Add the weights"
              + " (PyTorch .bin checkpoints are not supported: save them as safetensors).");
    }
    List<MappedFile> mapped = new ArrayList<>();
    try {
      Map<String, MappedTensor> tensors = new LinkedHashMap<>();
      Map<String, Path> storedIn = new HashMap<>();
      boolean lmHead = false;
      for (Path shard : shards) {
        SafetensorsHeader header = SafetensorsHeader.read(shard);
        MappedFile mf = MappedFile.open(shard);
        mapped.add(mf);
        for (SafetensorsHeader.Entry e : header.entries()) {
          lmHead |= e.name().equals("lm_head.weight");
          String canonical = HfNames.canonical(e.name());
          if (canonical != null) {
            Path earlier = storedIn.put(canonical, shard);
            if (earlier != null) {
              throw new MobiEditException(MobiEditException.Reason.MODEL_CORRUPT,
                  dir + ": the tensor " + Excerpt.quoted(e.name()) + " is stored twice, in " + earlier.getFileName()
                      + " and in " + shard.getFileName() + ". Download the model again.");
            }
            tensors.put(canonical, new MappedTensor(canonical, e.dtype(), e.shape(), mf, e.begin()));
          }
        }
      }
      ModelSpec spec = HfConfig.read(dir.resolve("config.json"), lmHead);
      if (spec.tiedEmbeddings()) {
        tensors.remove(org.mobiedit.spi.TensorNames.OUTPUT);
      }
      OpenModel.validate(spec, tensors, dir, "config.json");
      return new OpenModel(dir, dir, format, spec, tensors, mapped, Map.of());
    } catch (RuntimeException e) {
      mapped.forEach(MappedFile::close);
      throw e;
    }
  }

  /** A shard index names a few hundred tensors; 64 MiB is far more than any real one needs. */
  private static final long MAX_INDEX_BYTES = 64L << 20;

  /** {@code {"weight_map": {tensor: shard file}}}; every shard must be a plain file name in the model's folder. */
  private static Map<String, String> readIndex(Path index) {
    JsonSource source = new JsonSource(index.toString(), MobiEditException.Reason.MODEL_CORRUPT,
        "Restore the model's original model.safetensors.index.json.");
    JsonValue root;
    try {
      root = JsonValue.read(index, MAX_INDEX_BYTES, source);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + index + ": " + e.getMessage(), e);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonValue> e : root.field("weight_map").fields().entrySet()) {
      String shard = e.getValue().string();
      boolean plainName = !shard.isEmpty() && !shard.equals(".") && !shard.equals("..") && !shard.contains("/")
          && !shard.contains("\\");
      if (!plainName) {
        throw e.getValue().problem("must be the name of a file in the model's folder, found " + Excerpt.quoted(shard));
      }
      m.put(e.getKey(), shard);
    }
    return m;
  }
}
