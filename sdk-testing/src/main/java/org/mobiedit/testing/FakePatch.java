package org.mobiedit.testing;

import java.io.UnsupportedEncodingException;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;

/**
 * The fake editor's patch file: a small text file, one applied edit per line, written atomically (a temporary file
 * moved over the target), so app tests of saving and restoring edits run against real files.
 */
final class FakePatch {
  static final String HEADER = "mobiedit-fake-patch 1";

  /** One applied edit of a fake editor. */
  record Entry(String name, EditRequest request, String answer) {}

  private FakePatch() {}

  static void write(Path file, List<Entry> entries) {
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (Entry e : entries) {
      out.append(String.join("\t", enc(e.name()), enc(e.request().getSubject()), enc(e.request().getPrompt()),
          enc(e.request().getNewObject()), enc(e.answer()))).append('\n');
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, out.toString().getBytes(StandardCharsets.UTF_8));
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static List<Entry> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE, file + " does not exist.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new MobiEditException(MobiEditException.Reason.EDIT_STORE, file + " is not a patch written by the fake"
          + " backend (sdk-testing); the fake reads only the patches it wrote itself.");
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split("\t", -1);
      if (f.length != 5) {
        throw new MobiEditException(MobiEditException.Reason.EDIT_STORE,
            file + ": line " + (i + 1) + " is damaged (" + f.length + " fields instead of 5).");
      }
      out.add(new Entry(dec(f[0]), EditRequest.ofPrompt(dec(f[1]), dec(f[2]), dec(f[3])), dec(f[4])));
    }
    return out;
  }

  private static String enc(String s) {
    try {
      return URLEncoder.encode(s, "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e); // every Java platform has UTF-8
    }
  }

  private static String dec(String s) {
    try {
      return URLDecoder.decode(s, "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
