package org.mobiedit.core.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.json.StrictJson;

/**
 * The per-case results of a run as JSON Lines, one line appended and forced to disk as each case completes, so an
 * interrupted run loses at most the case it was on and resumes after the last complete line. A torn last line (the
 * process died while writing it) is dropped when the log is read.
 */
public final class CaseLog {
  private static final Gson GSON = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues()
      .disableHtmlEscaping().create();

  private final Path file;

  public CaseLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * The complete results logged so far (none if there is no file yet). A torn last line is dropped from the file
   * too, so that appends start on a line of their own; a file without damage is not rewritten.
   */
  public List<CaseResult> readForAppend() {
    List<CaseResult> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    List<String> lines = text.lines().collect(java.util.stream.Collectors.toList());
    StringBuilder kept = new StringBuilder();
    boolean torn = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        StrictJson.parse(line);
        CaseResult r = GSON.fromJson(line, CaseResult.class);
        if (r == null || r.caseId() == null || r.prompt() == null || r.lossCurve() == null
            || r.contextTemplates() == null) {
          throw new JsonParseException("fields are missing");
        }
        out.add(r);
        kept.append(line).append('\n');
      } catch (MobiEditException | JsonParseException e) {
        if (i == lines.size() - 1) {
          torn = true; // a line cut short by an interrupted run: that case runs again
          break;
        }
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " line " + (i + 1)
            + " is not a case result (" + e.getMessage() + "): delete the file to start the run afresh.");
      }
    }
    if (torn || (!text.isEmpty() && !text.endsWith("\n"))) {
      byte[] bytes = kept.toString().getBytes(StandardCharsets.UTF_8);
      org.mobiedit.core.format.AtomicFile.write(file, o -> o.write(bytes));
    }
    return out;
  }

  public void append(CaseResult r) {
    byte[] line = (GSON.toJson(r) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The JSON form of a result (one line of the log). */
  public static String toJson(Object value) {
    return GSON.toJson(value);
  }
}
