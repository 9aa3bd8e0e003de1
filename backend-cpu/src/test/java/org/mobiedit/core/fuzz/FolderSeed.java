package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.List;

/**
 * A model or tokenizer folder used as a seed.
 *
 * @param name a short name for reports
 * @param folder where its files are
 * @param files the files an input's folder gets (linked, or the mutated one written)
 * @param mutable the files one of which each input mutates
 */
record FolderSeed(String name, Path folder, List<String> files, List<String> mutable) {

  /** The seed of that name in a list (an input names its seed). */
  static FolderSeed named(List<FolderSeed> seeds, String name) {
    for (FolderSeed s : seeds) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no seed " + name);
  }
}
