package org.mobiedit.core;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a model's bytes are: a path (a GGUF file or a Hugging Face folder), or a GGUF file inside an open channel, the
 * way an Android app holds a model it ships as an asset:
 *
 * <pre>{@code
 * AssetFileDescriptor afd = context.getAssets().openFd("qwen2.5-0.5b-q8_0.gguf"); // stored uncompressed
 * FileChannel apk = new FileInputStream(afd.getFileDescriptor()).getChannel();
 * Model model = MobiEdit.load(ModelSource.gguf(apk, afd.getStartOffset(), afd.getLength(), "qwen2.5-0.5b-q8_0.gguf"),
 *     LoadOptions.defaults());
 * }</pre>
 *
 * <p>From a channel the SDK reads the GGUF header with positional reads and maps the tensors it needs at the given
 * offset, as it maps a file: the weights do not pass through the Java heap. The model takes the channel over and
 * closes it when it closes, or when loading fails; so {@link LoadOptions#withFallback(boolean) fallback} to another
 * backend is not tried for a channel (name the backend instead). A GGUF file carries its tokenizer, so nothing else is
 * needed.
 */
public final class ModelSource {
  private final @Nullable Path path;
  private final @Nullable FileChannel channel;
  private final long offset;
  private final long length;
  private final String name;

  private ModelSource(@Nullable Path path, @Nullable FileChannel channel, long offset, long length, String name) {
    this.path = path;
    this.channel = channel;
    this.offset = offset;
    this.length = length;
    this.name = name;
  }

  /** A GGUF file or a Hugging Face folder on disk. */
  public static ModelSource of(Path path) {
    Objects.requireNonNull(path, "path");
    return new ModelSource(path, null, 0, -1, path.toString());
  }

  /**
   * The GGUF file at {@code [offset, offset + length)} of {@code channel}, named {@code name} in messages (and as the
   * model's {@link WeightsFile#location()}); the model closes the channel.
   *
   * @throws IllegalArgumentException for a negative offset or length, or a blank name
   */
  public static ModelSource gguf(FileChannel channel, long offset, long length, String name) {
    Objects.requireNonNull(channel, "channel");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must be non-negative, not " + offset + " and " + length);
    }
    if (name == null || name.trim().isEmpty()) {
      throw new IllegalArgumentException("name the model (its asset name), for messages");
    }
    return new ModelSource(null, channel, offset, length, name);
  }

  /** The path, or null for a channel. */
  public @Nullable Path path() {
    return path;
  }

  /** The channel (only for a channel source). */
  public FileChannel channel() {
    if (channel == null) {
      throw new IllegalStateException(name + " is a path, not a channel");
    }
    return channel;
  }

  /** Where the file starts in the channel (0 for a path). */
  public long offset() {
    return offset;
  }

  /** The file's length in the channel (-1 for a path). */
  public long length() {
    return length;
  }

  /** What messages call the model: the path, or the name given. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
