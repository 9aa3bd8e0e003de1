package org.mobiedit.tools.memory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's memory: its Java heap, and its resident memory as the kernel counts it (Linux and Android: {@code /proc/self/status}). Resident
 * memory includes mapped model pages that were touched, which is what a phone's memory killer sees.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /**
   * The Java heap this process can still allocate: the maximum heap less what is in use,
   * {@code maxMemory - (totalMemory - freeMemory)}. Garbage not yet collected counts as in use.
   */
  public static long freeHeapBytes() {
    Runtime r = Runtime.getRuntime();
    return r.maxMemory() - (r.totalMemory() - r.freeMemory());
  }

  /** The most heap this JVM will use ({@code -Xmx}; on Android the app's heap limit). */
  public static long maxHeapBytes() {
    return Runtime.getRuntime().maxMemory();
  }

  /** Current resident set size in bytes ({@code VmRSS}), if the platform reports it. */
  public static OptionalLong residentBytes() {
    return field("VmRSS:");
  }

  /** Peak resident set size in bytes ({@code VmHWM}), if the platform reports it. */
  public static OptionalLong peakResidentBytes() {
    return field("VmHWM:");
  }

  /**
   * Starts a new peak: after this, {@link #peakResidentBytes()} reports the peak since now (Linux 4.0+: writes 5 to
   * {@code /proc/self/clear_refs}). Returns false where the platform does not allow it; the peak then stays the
   * process's lifetime peak.
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardCharsets.US_ASCII);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static OptionalLong field(String name) {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return OptionalLong.empty();
    }
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          long kib = Long.parseLong(parts[0]);
          return OptionalLong.of(kib * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }
}
