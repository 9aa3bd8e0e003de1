package org.mobiedit.core.fuzz;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a campaign runs, from system properties (so that {@code mvn ... -Dmobiedit.fuzz.inputs=200000} reaches the
 * forked test JVM: surefire passes user properties through as system properties).
 *
 * <ul>
 *   <li>{@code mobiedit.fuzz.inputs}: inputs over all targets (default 3000: the short run of {@code mvn verify})
 *   <li>{@code mobiedit.fuzz.seed}: the campaign seed (default {@value #DEFAULT_SEED})
 *   <li>{@code mobiedit.fuzz.timeoutSeconds}: the time bound per input (default 10)
 *   <li>{@code mobiedit.fuzz.targets}: comma-separated target names to run (default all)
 *   <li>{@code mobiedit.fuzz.replay}: {@code target:index[,target:index...]} runs only these inputs and prints each
 *       outcome with its full stack trace
 *   <li>{@code mobiedit.fuzz.findings}: where findings are saved (default {@code target/fuzz-findings})
 *   <li>{@code mobiedit.fuzz.heap}: the heap of the JVM that runs the inputs (default 1g; read by
 *       {@link FuzzSupervisor})
 * </ul>
 */
record FuzzSettings(long inputs, long seed, long timeoutMillis, @Nullable Set<String> targets,
    @Nullable String replay, Path findings) {
  static final long DEFAULT_SEED = 15;
  static final long DEFAULT_INPUTS = 3000;

  static FuzzSettings fromSystemProperties() {
    String targets = System.getProperty("mobiedit.fuzz.targets", "").trim();
    String replay = System.getProperty("mobiedit.fuzz.replay", "").trim();
    return new FuzzSettings(
        Long.parseLong(System.getProperty("mobiedit.fuzz.inputs", String.valueOf(DEFAULT_INPUTS)).trim()),
        Long.parseLong(System.getProperty("mobiedit.fuzz.seed", String.valueOf(DEFAULT_SEED)).trim()),
        Math.round(Double.parseDouble(System.getProperty("mobiedit.fuzz.timeoutSeconds", "10").trim()) * 1000),
        targets.isEmpty() ? null : new LinkedHashSet<>(Arrays.asList(targets.split("\\s*,\\s*"))),
        replay.isEmpty() ? null : replay,
        Path.of(System.getProperty("mobiedit.fuzz.findings", "target/fuzz-findings")));
  }

  boolean runs(String target) {
    return targets == null || targets.contains(target);
  }
}
