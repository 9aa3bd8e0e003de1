package org.mobiedit.core.fuzz;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** What one target's inputs ended as: counts by verdict, by MobiEditException reason and by finding signature. */
final class TargetStats {
  /** A finding signature's count and its first example. */
  static final class Signature {
    int count;
    final String example;

    Signature(String example) {
      this.example = example;
    }
  }

  final String target;
  final Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
  final Map<String, Long> reasons = new TreeMap<>();
  final Map<String, Signature> findings = new LinkedHashMap<>();
  long inputs;
  /** Time running inputs (on the worker), and making them (mutating seeds). */
  long nanos;
  long generateNanos;
  long maxNanos;
  String slowest = "";

  TargetStats(String target) {
    this.target = target;
  }

  /** Records one input; returns how many inputs had this finding signature so far (0 when it is no finding). */
  int add(Verdict v, long generated, long elapsed, String signature, String example) {
    inputs++;
    nanos += elapsed;
    generateNanos += generated;
    if (elapsed > maxNanos) {
      maxNanos = elapsed;
      slowest = example;
    }
    verdicts.merge(v, 1L, Long::sum);
    if (v == Verdict.REJECTED) {
      reasons.merge(signature, 1L, Long::sum);
      return 0;
    }
    if (!v.isFinding()) {
      return 0;
    }
    Signature s = findings.computeIfAbsent(v + " " + signature, k -> new Signature(example));
    return ++s.count;
  }

  long count(Verdict v) {
    return verdicts.getOrDefault(v, 0L);
  }

  long findingCount() {
    long n = 0;
    for (Map.Entry<Verdict, Long> e : verdicts.entrySet()) {
      if (e.getKey().isFinding()) {
        n += e.getValue();
      }
    }
    return n;
  }
}
