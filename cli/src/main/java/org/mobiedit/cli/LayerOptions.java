package org.mobiedit.cli;

import org.mobiedit.api.EditOptions;
import picocli.CommandLine.Option;

/**
 * Which layers an edit is written at, the key statistics behind the choice, and how an edit made on top of others
 * differs (edit, ablation and eval).
 */
final class LayerOptions {
  @Option(names = "--spread-layers", paramLabel = "N", description = "Spread each correction over the edit layer and"
      + " the N layers after it where that still succeeds (default: 0, the edit layer alone).")
  Integer spreadLayers;

  @Option(names = "--key-samples", paramLabel = "N", description = "Texts (64 tokens each) the key statistics are"
      + " sampled from when the model has no prepared ones (default: 32; more estimate them better and cost a"
      + " generation of that many texts, once per editor).")
  Integer keySamples;

  @Option(names = "--prepared-key-statistics", negatable = true, description = "Use the key statistics prepared"
      + " beside the model ('mobiedit prepare') when it has them, instead of sampling --key-samples texts (on by"
      + " default).")
  Boolean preparedKeyStatistics;

  @Option(names = "--vocabulary-keys", paramLabel = "W", description = "How much the keys of the vocabulary's"
      + " words count in the key statistics against the sample texts' keys (default: 0.3; 0 leaves them out).")
  Double vocabularyKeys;

  @Option(names = "--near-words", paramLabel = "N", description = "Keep each update off the keys of the N vocabulary"
      + " words nearest the edited subject, softly (default: 16; 0 leaves it out).")
  Integer nearWords;

  @Option(names = "--sequential-near-words", paramLabel = "N", description = "Once edits are applied, keep each new"
      + " update off the keys of the N vocabulary words nearest its subject, as --near-words does (default: 0).")
  Integer sequentialNearWords;

  @Option(names = "--sequential-layers", paramLabel = "N", description = "Once edits are applied, put each new edit"
      + " at whichever of the edit layer and the N after it disturbs the model least (default: 2; 0: the edit layer).")
  Integer sequentialLayers;

  @Option(names = "--sequential-spread-layers", paramLabel = "N", description = "Once edits are applied, spread each"
      + " new correction over its layer and the N after it, as --spread-layers does (default: 2; 0: one layer).")
  Integer sequentialSpreadLayers;

  @Option(names = "--sequential-directions", paramLabel = "Q", description = "Once edits are applied, estimate each"
      + " new edit's gradient from Q random directions per step (default: 40; 0: as many as the first edit).")
  Integer sequentialDirections;

  @Option(names = "--sequential-lr", paramLabel = "ETA", description = "Once edits are applied, search each new edit"
      + " at the initial learning rate ETA (default: 0.5; 0: the first edit's).")
  Double sequentialLearningRate;

  /** Sets on {@code b} the options given on the command line. */
  void applyTo(EditOptions.Builder b) {
    if (spreadLayers != null) {
      b.spreadLayers(spreadLayers);
    }
    if (keySamples != null) {
      b.keySampleTexts(keySamples);
    }
    if (preparedKeyStatistics != null) {
      b.preparedKeyStatistics(preparedKeyStatistics);
    }
    if (vocabularyKeys != null) {
      b.vocabularyKeyWeight(vocabularyKeys);
    }
    if (nearWords != null) {
      b.nearWords(nearWords);
    }
    if (sequentialNearWords != null) {
      b.sequentialNearWords(sequentialNearWords);
    }
    if (sequentialLayers != null) {
      b.sequentialLayers(sequentialLayers);
    }
    if (sequentialSpreadLayers != null) {
      b.sequentialSpreadLayers(sequentialSpreadLayers);
    }
    if (sequentialDirections != null) {
      b.sequentialDirections(sequentialDirections);
    }
    if (sequentialLearningRate != null) {
      b.sequentialLearningRate(sequentialLearningRate);
    }
  }
}
