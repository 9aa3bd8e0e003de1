package org.mobiedit.tools.eval;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;

/**
 * Reads editing benchmarks: CounterFact (ROME schema), EasyEdit's flat CounterFact, zsRE (MEND) and KnowEdit, as a
 * JSON array or as JSON Lines. The format is recognised from the first record. A malformed record (a missing or
 * mistyped field, a subject absent from its prompt, a blank target) is reported with its index and skipped; only an
 * unreadable file, or one in no known format, is an error.
 *
 * <p>The file is untrusted (downloaded, converted by other tools, or the wrong file given by mistake), so it is read
 * as a stream, one record at a time, in bounded memory: a binary file fails at its first byte that is not UTF-8 or
 * its first character that cannot start JSON, not after being read whole; the file, each record and the nesting
 * depth have limits far above any real benchmark's.
 */
public final class Datasets {
  /** The largest file read (the full CounterFact, 21,919 cases, is about 60 MB). */
  static final long MAX_FILE_BYTES = 512L << 20;
  /** The largest single record, in characters. */
  static final int MAX_RECORD_CHARS = 16 << 20;
  /** The deepest nesting of arrays and objects (the formats nest at most 7 levels). */
  static final int MAX_NESTING = 32;

  private static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);
  private static final Pattern COLUMN = Pattern.compile("column \\d+");

  private Datasets() {}

  /**
   * Reads a benchmark file.
   *
   * @throws MobiEditException {@code IO} if the file cannot be read; {@code INVALID_REQUEST}, naming the file, if it
   *     is not UTF-8 JSON, not a JSON array or JSON Lines file of records, in no known format, or over a limit
   */
  public static Dataset read(Path file) {
    if (!Files.exists(file)) {
      throw new MobiEditException(MobiEditException.Reason.IO, "No dataset file at " + file + ".");
    }
    if (Files.isDirectory(file)) {
      throw new MobiEditException(MobiEditException.Reason.IO, file + " is a folder: give a benchmark file"
          + " (JSON or JSON Lines).");
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw notADataset(file, "it is larger than " + (MAX_FILE_BYTES >> 20) + " MiB, more than any editing"
            + " benchmark");
      }
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    Records records = new Records(file);
    try (BoundedJsonText text = new BoundedJsonText(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)));
        PushbackReader in = new PushbackReader(text, 1)) {
      int[] blankLines = {0};
      int first = firstSignificant(in, blankLines);
      if (first == '[') {
        readArray(in, text, records);
      } else if (first == '{') {
        readLines(in, text, records, blankLines[0]);
      } else if (first != -1) {
        throw notADataset(file, "it starts with " + Excerpt.quoted(String.valueOf((char) first))
            + " where a JSON array or a JSON object is expected");
      }
    } catch (CharacterCodingException e) {
      throw notADataset(file, "it is not UTF-8 text (a binary file?)");
    } catch (LimitExceeded e) {
      throw notADataset(file, e.getMessage());
    } catch (AccessDeniedException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": permission denied.", e);
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    return records.dataset();
  }

  private static MobiEditException notADataset(Path file, String why) {
    return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
        file + " is not a JSON array or JSON Lines file of edit cases: " + why + ".");
  }

  /**
   * The first character that is not whitespace (or a byte-order mark), pushed back; -1 at the end.
   *
   * @param newlines receives the number of line ends skipped
   */
  private static int firstSignificant(PushbackReader in, int[] newlines) throws IOException {
    int c = in.read();
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') {
      newlines[0] += c == '\n' ? 1 : 0;
      c = in.read();
    }
    if (c != -1) {
      in.unread(c);
    }
    return c;
  }

  /** A JSON array of records, read one record at a time. */
  private static void readArray(Reader in, BoundedJsonText text, Records records) throws IOException {
    JsonReader r = new JsonReader(in);
    r.setStrictness(Strictness.STRICT);
    try {
      r.beginArray();
      while (r.hasNext()) {
        text.startRecord();
        records.add(ELEMENT.read(r));
      }
      r.endArray();
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedJsonException("text after the closing ] " + r.getPath());
      }
    } catch (MalformedJsonException | EOFException | IllegalStateException | JsonParseException
        | NumberFormatException e) {
      throw notADataset(records.file, (e instanceof EOFException ? "it ends in the middle of a record"
          : "malformed JSON") + position(e.getMessage(), true));
    }
  }

  /** JSON Lines: one record per line; blank lines are skipped. */
  private static void readLines(Reader in, BoundedJsonText text, Records records, int skippedLines)
      throws IOException {
    LineReader lines = new LineReader(in);
    int number = skippedLines;
    for (String line = lines.next(); line != null; line = lines.next()) {
      number++;
      text.startRecord();
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonReader r = new JsonReader(new StringReader(line));
        r.setStrictness(Strictness.STRICT);
        JsonElement e = ELEMENT.read(r);
        if (r.peek() != JsonToken.END_DOCUMENT) {
          throw new MalformedJsonException("more than one JSON value at column " + (line.length() + 1));
        }
        records.add(e);
      } catch (MalformedJsonException | IllegalStateException | JsonParseException | NumberFormatException
          | EOFException e) {
        throw notADataset(records.file, "line " + number + " is not one JSON value" + position(e.getMessage(),
            false));
      }
    }
  }

  /** Where a Gson syntax error is, without its advice about lenient parsing. */
  private static String position(String message, boolean withLine) {
    if (message == null) {
      return "";
    }
    Matcher m = (withLine ? Pattern.compile("line \\d+ column \\d+") : COLUMN).matcher(message);
    return m.find() ? " (at " + m.group() + ")" : "";
  }

  /** Turns records into cases as they are read: the format is recognised from the first JSON object. */
  private static final class Records {
    private final Path file;
    private @Nullable DatasetFormat format;
    private int index;
    private final List<EditCase> cases = new ArrayList<>();
    private final List<DatasetProblem> problems = new ArrayList<>();

    Records(Path file) {
      this.file = file;
    }

    void add(JsonElement record) {
      int i = index++;
      if (!record.isJsonObject()) {
        problems.add(new DatasetProblem(i, "not a JSON object"));
        return;
      }
      JsonObject o = record.getAsJsonObject();
      if (format == null) {
        format = detect(file, o);
      }
      try {
        cases.add(parse(format, o, i));
      } catch (Malformed | MobiEditException | IllegalArgumentException | IllegalStateException
          | UnsupportedOperationException e) {
        problems.add(new DatasetProblem(i, e instanceof Malformed ? e.getMessage()
            : Excerpt.escaped(String.valueOf(e.getMessage()))));
      }
    }

    Dataset dataset() {
      if (index == 0) {
        throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " holds no records.");
      }
      if (format == null) {
        throw unknownFormat(file);
      }
      return new Dataset(format, cases, problems);
    }
  }

  private static DatasetFormat detect(Path file, JsonObject o) {
    if (o.has("requested_rewrite")) {
      return DatasetFormat.COUNTERFACT;
    }
    if (o.has("src") && o.has("alt")) {
      return DatasetFormat.ZSRE_MEND;
    }
    if (o.has("locality_prompt")) {
      return DatasetFormat.EASYEDIT;
    }
    if (o.has("prompt") && o.has("target_new")) {
      return DatasetFormat.KNOWEDIT;
    }
    throw unknownFormat(file);
  }

  private static MobiEditException unknownFormat(Path file) {
    return new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
        file + " is in no known editing-benchmark format: expected CounterFact (requested_rewrite), EasyEdit"
            + " (prompt, target_new, locality_prompt), zsRE (src, alt) or KnowEdit (prompt, target_new, locality)"
            + " records.");
  }

  private static EditCase parse(DatasetFormat format, JsonObject o, int index) {
    switch (format) {
      case COUNTERFACT: {
        JsonObject rw = object(o, "requested_rewrite");
        String subject = string(rw, "subject");
        EditRequest request = request(subject, template(string(rw, "prompt"), subject).replace("{}", subject),
            string(object(rw, "target_new"), "str"));
        String truth = rw.has("target_true") ? string(object(rw, "target_true"), "str") : null;
        List<Probe> neighbours = new ArrayList<>();
        for (String p : strings(o, "neighborhood_prompts")) {
          neighbours.add(new Probe(p, truth));
        }
        String relation = rw.has("relation_id") && rw.get("relation_id").isJsonPrimitive()
            ? rw.get("relation_id").getAsString() : null;
        return new EditCase(id(o, "case_id", index), request, truth, strings(o, "paraphrase_prompts"), neighbours,
            questions(o.get("portability")), relation);
      }
      case EASYEDIT: {
        EditRequest request = request(string(o, "subject"), string(o, "prompt"), answer(o, "target_new"));
        List<String> para = o.has("rephrase_prompt") ? List.of(string(o, "rephrase_prompt")) : List.of();
        List<Probe> loc = List.of(new Probe(string(o, "locality_prompt"), optionalAnswer(o, "locality_ground_truth")));
        return new EditCase(id(o, "case_id", index), request, optionalAnswer(o, "ground_truth"), para, loc,
            o.has("portability_prompt")
                ? List.of(new Probe(string(o, "portability_prompt"), optionalAnswer(o, "portability_ground_truth")))
                : List.of(), null);
      }
      case ZSRE_MEND: {
        String subject = string(o, "subject");
        EditRequest request = request(subject, template(string(o, "src"), subject).replace("{}", subject),
            answer(o, "alt"));
        List<String> para = o.has("rephrase") ? List.of(string(o, "rephrase")) : List.of();
        List<Probe> loc = o.has("loc") ? List.of(new Probe(string(o, "loc"), optionalAnswer(o, "loc_ans")))
            : List.of();
        return new EditCase(id(o, "case_id", index), request, optionalAnswer(o, "answers"), para, loc,
            questions(o.get("portability")), null);
      }
      default: {
        EditRequest request = request(string(o, "subject"), string(o, "prompt"), answer(o, "target_new"));
        List<String> para = o.has("rephrase_prompt") ? List.of(string(o, "rephrase_prompt")) : List.of();
        return new EditCase(id(o, "case_id", index), request, optionalAnswer(o, "ground_truth"), para,
            questions(o.get("locality")), questions(o.get("portability")), null);
      }
    }
  }

  /** The request of a record, every part checked here so that a problem's message quotes only excerpts. */
  private static EditRequest request(String subject, String prompt, String target) {
    if (subject.isBlank() || prompt.isBlank() || target.isBlank()) {
      throw new Malformed("the " + (subject.isBlank() ? "subject" : prompt.isBlank() ? "prompt" : "new object")
          + " is blank");
    }
    if (!prompt.contains(subject)) {
      throw new Malformed("the subject " + Excerpt.quoted(subject) + " does not occur in the prompt "
          + Excerpt.quoted(prompt));
    }
    return EditRequest.ofPrompt(subject, prompt, target);
  }

  /** CounterFact's and zsRE's prompts become templates: the first occurrence of the subject is the slot. */
  private static String template(String prompt, String subject) {
    if (prompt.contains("{}")) {
      return prompt;
    }
    int at = prompt.indexOf(subject);
    if (at < 0) {
      throw new Malformed("the subject " + Excerpt.quoted(subject) + " does not occur in the prompt "
          + Excerpt.quoted(prompt));
    }
    return prompt.substring(0, at) + "{}" + prompt.substring(at + subject.length());
  }

  /**
   * Question/answer probes in the shapes the datasets use: CounterFact's {@code {"New Question", "New Answer"}},
   * KnowEdit's {@code {name: [{prompt, ground_truth}]}}, or a list of those.
   */
  private static List<Probe> questions(@Nullable JsonElement e) {
    List<Probe> out = new ArrayList<>();
    if (e == null || e.isJsonNull()) {
      return out;
    }
    if (e.isJsonArray()) {
      for (JsonElement x : e.getAsJsonArray()) {
        out.addAll(questions(x));
      }
      return out;
    }
    if (!e.isJsonObject()) {
      throw new Malformed("expected an object of probes, found " + Excerpt.quoted(e.toString()));
    }
    JsonObject o = e.getAsJsonObject();
    if (o.has("New Question")) {
      out.add(new Probe(string(o, "New Question"), optionalAnswer(o, "New Answer")));
    } else if (o.has("prompt")) {
      out.add(new Probe(string(o, "prompt"), optionalAnswer(o, "ground_truth")));
    } else {
      for (Map.Entry<String, JsonElement> kind : o.entrySet()) {
        out.addAll(questions(kind.getValue()));
      }
    }
    return out;
  }

  private static String id(JsonObject o, String key, int index) {
    return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : Integer.toString(index);
  }

  private static JsonObject object(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonObject()) {
      throw new Malformed(e == null ? "missing \"" + key + "\"" : "\"" + key + "\" is not an object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new Malformed("missing \"" + key + "\"");
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new Malformed("\"" + key + "\" is not a string");
    }
    return e.getAsString();
  }

  private static List<String> strings(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return List.of();
    }
    if (!e.isJsonArray()) {
      throw new Malformed("\"" + key + "\" is not a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonElement x : e.getAsJsonArray()) {
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
        throw new Malformed("\"" + key + "\" holds something other than strings");
      }
      out.add(x.getAsString());
    }
    return out;
  }

  /** An answer given as a string, a list of strings, or a list of lists (the first one counts). */
  private static String answer(JsonObject o, String key) {
    String a = optionalAnswer(o, key);
    if (a == null) {
      throw new Malformed("missing \"" + key + "\"");
    }
    return a;
  }

  private static @Nullable String optionalAnswer(JsonObject o, String key) {
    JsonElement e = o.get(key);
    while (e != null && e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      e = a.isEmpty() ? null : a.get(0);
    }
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive()) {
      throw new Malformed("\"" + key + "\" is not a string or a list of strings");
    }
    String s = e.getAsString();
    return s.isBlank() ? null : s;
  }

  /** A record that cannot be an edit case. */
  private static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** A limit of the file, a record or the nesting depth was exceeded. */
  private static final class LimitExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    LimitExceeded(String message) {
      super(message);
    }
  }

  /**
   * The characters of the file as they are read, counted (per file and per record) and followed through strings
   * and brackets, so that too much text or too deep a nesting stops the read where it happens.
   */
  private static final class BoundedJsonText extends FilterReader {
    private long total;
    private long recordStart;
    private int depth;
    private boolean inString;
    private boolean escaped;

    BoundedJsonText(Reader in) {
      super(in);
    }

    /** The next characters belong to a new record. */
    void startRecord() {
      recordStart = total;
    }

    @Override
    public int read() throws IOException {
      char[] one = new char[1];
      return read(one, 0, 1) == -1 ? -1 : one[0];
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      for (int i = 0; i < n; i++) {
        follow(buf[off + i]);
      }
      if (n > 0) {
        total += n;
        if (total > MAX_FILE_BYTES) {
          throw new LimitExceeded("it holds more than " + (MAX_FILE_BYTES >> 20) + " Mi characters, more than any"
              + " editing benchmark");
        }
        if (total - recordStart > MAX_RECORD_CHARS + 8192L) { // the parser reads a little ahead of its record
          throw new LimitExceeded("a record is longer than " + (MAX_RECORD_CHARS >> 20) + " Mi characters");
        }
      }
      return n;
    }

    private void follow(char c) throws LimitExceeded {
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        if (++depth > MAX_NESTING) {
          throw new LimitExceeded("arrays and objects nest more than " + MAX_NESTING + " levels deep");
        }
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
  }

  /** Lines of at most {@link #MAX_RECORD_CHARS} characters, without their line ends. */
  private static final class LineReader {
    private final Reader in;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;

    LineReader(Reader in) {
      this.in = in;
    }

    @Nullable String next() throws IOException {
      StringBuilder line = new StringBuilder();
      while (true) {
        if (pos == len) {
          len = in.read(buf, 0, buf.length);
          pos = 0;
          if (len <= 0) {
            len = 0;
            return line.length() == 0 ? null : line.toString();
          }
        }
        int start = pos;
        while (pos < len && buf[pos] != '\n') {
          pos++;
        }
        line.append(buf, start, pos - start);
        if (line.length() > MAX_RECORD_CHARS) {
          throw new LimitExceeded("a line is longer than " + (MAX_RECORD_CHARS >> 20) + " Mi characters");
        }
        if (pos < len) {
          pos++; // the '\n'
          int end = line.length();
          return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
        }
      }
    }
  }
}
