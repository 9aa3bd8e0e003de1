package org.mobiedit.core.internal.model;

import java.util.Optional;
import java.util.Set;
import org.mobiedit.core.WeightsFile;
import org.mobiedit.core.internal.format.OpenModel;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.Tensor;

/** A model's opened files with the tokenizer found for them: what {@code MobiEdit.openWeights} returns. */
public final class OpenWeights implements WeightsFile {
  private final OpenModel files;
  private final Tokenizer tokenizer;

  private OpenWeights(OpenModel files, Tokenizer tokenizer) {
    this.files = files;
    this.tokenizer = tokenizer;
  }

  /** Opens the files at {@code path} and finds their tokenizer; the files are closed again if that fails. */
  public static OpenWeights open(java.nio.file.Path path) {
    OpenModel files = org.mobiedit.core.internal.format.ModelFiles.open(path);
    try {
      return new OpenWeights(files, TokenizerLocator.forModel(files));
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
  }

  @Override
  public Tokenizer tokenizer() {
    return tokenizer;
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
