package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** One thing the fuzzer feeds mutated files to: a parser, a loader, {@code Editor.load}. */
interface FuzzTarget extends AutoCloseable {
  String name();

  /** The seeds it found (a target without seeds is skipped, with the message of {@link SeedFiles}). */
  List<String> seeds();

  /** Makes input {@code index}; all its randomness comes from {@code r}, so seed and index reproduce it. */
  FuzzInput generate(long index, SplittableRandom r);

  /**
   * Runs one input, its files written under {@code dir} (a fresh folder). Returns if the SDK accepted it, throws
   * what the SDK threw otherwise, or an {@link OracleViolation}.
   */
  void run(FuzzInput input, Path dir) throws Exception;

  /**
   * Each seed as it is (index -1), run before the target's first input: a seed the SDK does not accept unmutated
   * would make every input built on it test nothing, so the campaign reports it.
   */
  List<FuzzInput> seedInputs();

  /** After a hang, an error or a violation: make shared state (a loaded model) usable again. */
  default void recover() {}

  @Override
  default void close() {}
}
