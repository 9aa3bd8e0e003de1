package org.mobiedit.core.fuzz;

import java.nio.file.Path;

/**
 * The JVM that runs a campaign's inputs, started by {@link FuzzSupervisor} with a bounded heap; it reports through
 * the {@link Protocol} on its standard output. Arguments: nothing (from the start), or the target and index to
 * resume at after the previous JVM died.
 */
public final class FuzzChild {
  private FuzzChild() {}

  public static void main(String[] args) throws Exception {
    FuzzSettings settings = FuzzSettings.fromSystemProperties();
    Protocol protocol = new Protocol(System.out);
    FindingStore store = new FindingStore(Path.of(System.getProperty(FuzzSupervisor.RUN_FOLDER)));
    try (FuzzCampaign campaign = FuzzCampaign.create(settings, protocol, store)) {
      if (settings.replay() != null) {
        campaign.replay(settings.replay());
      } else {
        campaign.run(args.length > 0 ? args[0] : null, args.length > 1 ? Long.parseLong(args[1]) : 0);
      }
    }
    // abandoned workers and the thread pools of models they held may still run: end the JVM regardless
    System.exit(0);
  }
}
