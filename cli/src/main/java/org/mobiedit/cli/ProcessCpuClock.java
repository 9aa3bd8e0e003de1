package org.mobiedit.cli;

import java.lang.management.ManagementFactory;

/**
 * The CPU time this process has used, every thread counted (compute threads, the JIT compiler, the garbage
 * collector), as {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime} reads it from the operating
 * system. The same measure as Python's {@code time.process_time()} and Node's {@code process.cpuUsage()}, so speeds
 * of peers measured in their own processes compare; on a loaded machine CPU time shows the work done where wall time
 * also counts the waiting. Reads -1 where the JVM does not offer it.
 */
final class ProcessCpuClock {
  private final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

  /** Nanoseconds of CPU time used so far, or -1 when unknown. */
  long nanos() {
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
  }
}
