package org.mobiedit.core.internal.model;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mobiedit.core.WeightsFile;
import org.mobiedit.core.internal.format.ModelFiles;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.Tensor;

/**
 * A model's opened files, and the tokenizer found for them on first use: what {@code MobiEdit.openWeights} returns.
 * The tokenizer is looked for lazily so that reading the weights alone ({@code mobiedit inspect --no-load}) works
 * for a model whose tokenizer files are missing or damaged.
 */
public final class OpenWeights implements WeightsFile {
  private final OpenModel files;
  private @Nullable Tokenizer tokenizer;

  private OpenWeights(OpenModel files) {
    this.files = files;
  }

  /** Opens and validates the files at {@code path}. */
  public static OpenWeights open(Path path) {
    return new OpenWeights(ModelFiles.open(path));
  }

  @Override
  public synchronized Tokenizer tokenizer() {
    if (tokenizer == null) {
      tokenizer = TokenizerLocator.forModel(files);
    }
    return tokenizer;
  }

  @Override
  public Path location() {
    return files.location();
  }

  @Override
  public String formatName() {
    return files.formatName();
  }

  @Override
  public ModelSpec spec() {
    return files.spec();
  }

  @Override
  public Optional<Tensor> find(String name) {
    return files.find(name);
  }

  @Override
  public Set<String> tensorNames() {
    return files.tensorNames();
  }

  @Override
  public String fingerprint() {
    return files.fingerprint();
  }

  @Override
  public void close() {
    files.close();
  }
}
