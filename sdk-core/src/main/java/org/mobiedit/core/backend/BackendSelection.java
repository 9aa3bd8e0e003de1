package org.mobiedit.core.backend;

import java.util.List;
import org.mobiedit.spi.BackendProvider;

/**
 * The outcome of backend selection: the chosen provider, which rule chose it, and everything discovery noticed.
 *
 * @param provider the chosen provider
 * @param rule how it was chosen, e.g. "requested by MOBIEDIT_BACKEND=cpu" or "highest priority of 2 supported"
 * @param diagnostics what discovery noticed along the way (broken or unsupported providers)
 */
public record BackendSelection(BackendProvider provider, String rule, List<BackendDiagnostic> diagnostics) {
  public BackendSelection {
    diagnostics = List.copyOf(diagnostics);
  }
}
