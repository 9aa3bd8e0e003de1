package org.mobiedit.tools.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.mobiedit.api.MobiEditException;

/**
 * The per-case results of a run as JSON Lines, one line appended and forced to disk as each case completes, so an
 * interrupted run loses at most the case it was on and resumes after the last complete line. A torn last line (the
 * process died while writing it, possibly inside a multi-byte character) is dropped when the log is read.
 *
 * <p>The log is read line by line in bounded memory (a line longer than {@link #MAX_LINE_BYTES} is not a result),
 * and it is repaired in place: a torn tail is cut off, a missing final line end is added.
 */
public final class CaseLog {
  /** A result line holds one loss per step: even a million steps stay far below this. */
  static final int MAX_LINE_BYTES = 64 << 20;

  /** Writes NaN and infinities as the bare literals Gson reads back leniently (a diverged loss is NaN). */
  private static final Gson GSON = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues()
      .disableHtmlEscaping().create();
  private static final TypeAdapter<CaseResult> RESULT = GSON.getAdapter(CaseResult.class);

  private final Path file;

  public CaseLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * The complete results logged so far (none if there is no file yet). A torn last line is cut from the file, so
   * that appends start on a line of their own; a file without damage is not changed.
   *
   * @throws MobiEditException {@code INVALID_REQUEST} naming the line if a line before the last is not a result
   */
  public List<CaseResult> readForAppend() {
    List<CaseResult> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    long goodEnd = 0; // the byte just after the last complete, readable line
    boolean torn = false;
    boolean endsWithNewline = true;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long offset = 0;
      int number = 0;
      boolean more = true;
      while (more) {
        line.reset();
        int b = in.read();
        while (b != -1 && b != '\n') {
          if (line.size() >= MAX_LINE_BYTES) {
            throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " line " + (number + 1)
                + " is longer than " + (MAX_LINE_BYTES >> 20) + " MiB, so it is not a case result: delete the file"
                + " to start the run afresh.");
          }
          line.write(b);
          b = in.read();
        }
        more = b == '\n';
        if (!more && line.size() == 0) {
          break; // the end, right after a line end
        }
        number++;
        offset += line.size() + (more ? 1 : 0);
        CaseResult r;
        try {
          r = parse(line.toByteArray());
        } catch (JsonParseException | IOException | IllegalStateException | NumberFormatException e) {
          if (isLastLine(in, more)) {
            torn = true; // a line cut short by an interrupted run: that case runs again
            break;
          }
          throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " line " + number
              + " is not a case result (" + reason(e) + "): delete the file to start the run afresh.");
        }
        if (r != null) {
          out.add(r);
        }
        goodEnd = offset;
        endsWithNewline = more;
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    if (torn || !endsWithNewline) {
      repair(goodEnd, torn);
    }
    return out;
  }

  /** A blank line is null; anything else must be one complete result. */
  private static CaseResult parse(byte[] bytes) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new JsonParseException("not UTF-8 text");
    }
    if (text.isBlank()) {
      return null;
    }
    JsonReader r = new JsonReader(new StringReader(text));
    r.setStrictness(Strictness.LENIENT); // NaN and Infinity, as written
    CaseResult result = RESULT.read(r);
    if (r.peek() != JsonToken.END_DOCUMENT) {
      throw new JsonParseException("more text after the result");
    }
    if (result == null || result.caseId() == null || result.prompt() == null || result.lossCurve() == null
        || result.contextTemplates() == null) {
      throw new JsonParseException("fields are missing");
    }
    return result;
  }

  private static String reason(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int cut = m.indexOf('\n');
    m = cut >= 0 ? m.substring(0, cut) : m;
    return m.length() > 120 ? m.substring(0, 120) + "…" : m;
  }

  /** Whether nothing but blank lines follows (consumes the rest of the stream when it says so). */
  private static boolean isLastLine(InputStream in, boolean hadNewline) throws IOException {
    if (!hadNewline) {
      return true;
    }
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b != '\n' && b != '\r' && b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** Cuts a torn tail off at {@code goodEnd}, or ends the last line. */
  private void repair(long goodEnd, boolean torn) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (torn) {
        ch.truncate(goodEnd);
      }
      if (goodEnd > 0 && !endsWithNewline(ch, goodEnd)) {
        ch.position(goodEnd);
        writeFully(ch, ByteBuffer.wrap(new byte[] {'\n'}));
      }
      ch.force(false);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot repair the end of " + file + ": "
          + e.getMessage(), e);
    }
  }

  private static boolean endsWithNewline(FileChannel ch, long size) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    return ch.read(last, size - 1) == 1 && last.get(0) == '\n';
  }

  public void append(CaseResult r) {
    byte[] line = (GSON.toJson(r) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND)) {
        writeFully(ch, ByteBuffer.wrap(line));
        ch.force(false);
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  /** The JSON form of a result (one line of the log). */
  public static String toJson(Object value) {
    return GSON.toJson(value);
  }
}
