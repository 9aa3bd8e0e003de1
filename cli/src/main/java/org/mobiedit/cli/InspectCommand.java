package org.mobiedit.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.core.WeightsFile;
import org.mobiedit.spi.ModelSpec;
import org.mobiedit.spi.Tensor;
import org.mobiedit.tools.memory.ProcessMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mobiedit inspect}: what a model file holds and what it costs to load. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = {"Show a model's architecture, parameter count, tensor types and memory:",
        "bytes mapped from its files, and resident memory after loading it on the backend in --precision."})
final class InspectCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--no-load", description = "Only read the files; do not load the weights on a backend.")
  boolean noLoad;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LoadOptions load = model.check(new OptionCheck(spec));
    Map<String, Object> r = new LinkedHashMap<>();
    try (WeightsFile files = MobiEdit.openWeights(model.model)) {
      ModelSpec s = files.spec();
      r.put("path", files.location().toString());
      r.put("format", files.formatName());
      r.put("architecture", s.architecture().name().toLowerCase(java.util.Locale.ROOT));
      r.put("spec", s.toString());
      r.put("parameters", s.parameterCount());
      r.put("fingerprint", files.fingerprint());
      Map<String, long[]> types = new TreeMap<>();
      long mappedBytes = 0;
      for (String name : files.tensorNames()) {
        Tensor t = files.tensor(name);
        long[] agg = types.computeIfAbsent(t.dtype().name(), k -> new long[3]);
        agg[0]++;
        agg[1] += t.elementCount();
        agg[2] += t.storageBytes();
        mappedBytes += t.storageBytes();
      }
      Map<String, Object> typeReport = new LinkedHashMap<>();
      types.forEach((k, v) -> typeReport.put(k, Map.of("tensors", v[0], "elements", v[1], "bytes", v[2])));
      r.put("tensorTypes", typeReport);
      r.put("mappedBytes", mappedBytes);
    }
    if (!noLoad) {
      try (Model lm = MobiEdit.load(model.model, load)) {
        r.put("backend", lm.backendId());
        r.put("precision", lm.precision().getId());
        r.put("backendWeightBytes", lm.memory().weightBytes());
        r.put("backendMappedBytes", lm.memory().mappedBytes());
        r.put("loadMillis", lm.loadNanos() / 1_000_000);
        r.put("tokenizerVocab", lm.tokenizer().vocabSize());
        r.put("chatFormat", lm.tokenizer().chatFormat().name());
        ProcessMemory.residentBytes().ifPresent(v -> r.put("residentBytes", v));
        ProcessMemory.peakResidentBytes().ifPresent(v -> r.put("peakResidentBytes", v));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(r));
      return 0;
    }
    for (Map.Entry<String, Object> e : r.entrySet()) {
      Object v = e.getValue();
      if (e.getKey().endsWith("Bytes") && v instanceof Long) {
        v = human((Long) v) + " (" + v + " bytes)";
      }
      if (v instanceof Map) {
        out.println(e.getKey() + ":");
        ((Map<?, ?>) v).forEach((k, x) -> out.println("  " + k + ": " + x));
      } else {
        out.println(e.getKey() + ": " + v);
      }
    }
    return 0;
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
