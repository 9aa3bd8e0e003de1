package org.mobiedit.cli;

import picocli.CommandLine;

/** Prints the SDK version from the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = MobiEditCli.class.getPackage().getImplementationVersion();
    return new String[] {"mobiedit " + (v == null ? "development build" : v)};
  }
}
