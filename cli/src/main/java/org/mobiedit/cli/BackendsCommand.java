package org.mobiedit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.backend.BackendDiagnostic;
import org.mobiedit.core.backend.BackendSelection;
import org.mobiedit.core.backend.BackendSelector;
import org.mobiedit.core.backend.ProviderCandidate;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mobiedit backends}: which backends are installed, usable, and which one would be chosen. */
@Command(name = "backends", mixinStandardHelpOptions = true,
    description = "List the backend providers found, whether they can run here, and which one is selected.")
final class BackendsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BackendSelector selector = BackendSelector.discover();
    for (ProviderCandidate c : selector.candidates()) {
      out.println("  " + c.describe());
    }
    for (BackendDiagnostic d : selector.diagnostics()) {
      out.println("  " + d);
    }
    try {
      BackendSelection s = selector.select();
      out.println("selected: " + s.provider().id() + " (" + s.rule() + ")");
      return 0;
    } catch (MobiEditException e) {
      out.println("selected: none");
      throw e;
    }
  }
}
