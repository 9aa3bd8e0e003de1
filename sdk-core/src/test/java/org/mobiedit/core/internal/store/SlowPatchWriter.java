package org.mobiedit.core.internal.store;

import java.nio.file.Path;
import org.mobiedit.core.files.AtomicFile;

/**
 * A separate process for {@link EditPatchKillTest}: saves a patch through {@link AtomicFile}, and halfway through
 * the bytes says so on stdout and waits to be killed.
 */
public final class SlowPatchWriter {
  private SlowPatchWriter() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    AtomicFile.write(target, out -> {
      out.write(new byte[64 * 1024]);
      out.flush();
      System.out.println("HALFWAY");
      System.out.flush();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      out.write(new byte[64 * 1024]);
    });
  }
}
