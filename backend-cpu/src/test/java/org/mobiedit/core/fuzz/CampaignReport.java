package org.mobiedit.core.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-target table and the findings grouped by signature, as printed at the end of a campaign. */
final class CampaignReport {
  private static final Verdict[] FINDINGS = {Verdict.OTHER_EXCEPTION, Verdict.OUT_OF_MEMORY, Verdict.STACK_OVERFLOW,
    Verdict.HANG, Verdict.MODEL_CHANGED, Verdict.NON_FINITE_AFTER_LOAD, Verdict.NOT_RESTORED_BY_UNDO, Verdict.CRASH};
  private static final String[] SHORT = {"other", "OOM", "SOE", "hang", "changed", "nonfinite", "undo", "crash"};

  final long seed;
  final Map<String, TargetStats> targets = new LinkedHashMap<>();
  final List<String> notes = new ArrayList<>();
  long wallNanos;
  /** CPU time of the campaign JVMs (the wall time depends on what else the machine runs). */
  long cpuNanos;

  CampaignReport(long seed) {
    this.seed = seed;
  }

  TargetStats target(String name) {
    return targets.computeIfAbsent(name, TargetStats::new);
  }

  long inputs() {
    return targets.values().stream().mapToLong(t -> t.inputs).sum();
  }

  long findings() {
    return targets.values().stream().mapToLong(TargetStats::findingCount).sum();
  }

  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%nFuzz campaign, seed %d: %d inputs in %.1f s (%.1f s of CPU), %d findings%n", seed,
        inputs(), wallNanos / 1e9, cpuNanos / 1e9, findings()));
    sb.append(String.format("%-19s %7s %7s %7s", "target", "inputs", "OK", "MEE"));
    for (String s : SHORT) {
      sb.append(String.format(" %7s", s));
    }
    sb.append(String.format(" %8s %8s %8s %8s%n", "run s", "ms/in", "max ms", "gen ms"));
    for (TargetStats t : targets.values()) {
      sb.append(String.format("%-19s %7d %7d %7d", t.target, t.inputs, t.count(Verdict.OK), t.count(Verdict.REJECTED)));
      for (Verdict v : FINDINGS) {
        sb.append(String.format(" %7d", t.count(v)));
      }
      sb.append(String.format(" %8.1f %8.2f %8.0f %8.2f%n", t.nanos / 1e9, t.inputs == 0 ? 0 : t.nanos / 1e6 / t.inputs,
          t.maxNanos / 1e6, t.inputs == 0 ? 0 : t.generateNanos / 1e6 / t.inputs));
    }
    sb.append("(MEE = MobiEditException, the expected refusal; other = any other exception type; changed = the model"
        + " changed after a failed Editor.load; nonfinite = non-finite logits after an accepted patch; undo = undo"
        + " did not restore the logits; crash = the JVM running it died or froze; ms/in = mean time to run one"
        + " input, gen ms = mean time to make one)\n");
    for (TargetStats t : targets.values()) {
      if (!t.findings.isEmpty()) {
        sb.append("\nFindings of ").append(t.target).append(":\n");
        t.findings.forEach((sig, s) -> sb.append(String.format("  %6d  %s%n          e.g. %s%n", s.count, sig,
            s.example)));
      }
    }
    sb.append("\nSlowest input per target:\n");
    for (TargetStats t : targets.values()) {
      sb.append(String.format("  %-19s %6.0f ms  %s%n", t.target, t.maxNanos / 1e6, t.slowest));
    }
    sb.append("\nMobiEditException reasons per target:\n");
    for (TargetStats t : targets.values()) {
      sb.append("  ").append(t.target).append(": ").append(t.reasons).append('\n');
    }
    for (String n : notes) {
      sb.append("note: ").append(n).append('\n');
    }
    return sb.toString();
  }
}
