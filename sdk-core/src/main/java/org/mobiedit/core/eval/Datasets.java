package org.mobiedit.core.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.json.StrictJson;

/**
 * Reads editing benchmarks: CounterFact (ROME schema), EasyEdit's flat CounterFact, zsRE (MEND) and KnowEdit, as a
 * JSON array or as JSON Lines. The format is recognised from the first record. A malformed record (a missing or
 * mistyped field, a subject absent from its prompt, a blank target) is reported with its index and skipped; only an
 * unreadable file, or one in no known format, is an error.
 */
public final class Datasets {
  private Datasets() {}

  public static Dataset read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "No dataset file at " + file + ".");
    } catch (IOException e) {
      throw new MobiEditException(MobiEditException.Reason.IO, "Cannot read " + file + ": " + e.getMessage(), e);
    }
    List<JsonElement> records = records(file, text);
    if (records.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " holds no records.");
    }
    DatasetFormat format = detect(file, records);
    List<EditCase> cases = new ArrayList<>();
    List<DatasetProblem> problems = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      try {
        if (!records.get(i).isJsonObject()) {
          throw new Malformed("not a JSON object");
        }
        cases.add(parse(format, records.get(i).getAsJsonObject(), i));
      } catch (Malformed | MobiEditException | IllegalArgumentException | IllegalStateException
          | UnsupportedOperationException e) {
        problems.add(new DatasetProblem(i, e.getMessage()));
      }
    }
    return new Dataset(format, cases, problems);
  }

  private static List<JsonElement> records(Path file, String text) {
    String t = text.strip();
    List<JsonElement> out = new ArrayList<>();
    try {
      if (t.startsWith("[")) {
        StrictJson.parse(t).getAsJsonArray().forEach(out::add);
        return out;
      }
      String[] lines = t.split("\n");
      for (String line : lines) {
        if (!line.isBlank()) {
          out.add(StrictJson.parse(line));
        }
      }
      return out;
    } catch (RuntimeException e) {
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
          file + " is not a JSON array or JSON Lines file of edit cases: " + e.getMessage());
    }
  }

  private static DatasetFormat detect(Path file, List<JsonElement> records) {
    for (JsonElement e : records) {
      if (!e.isJsonObject()) {
        continue;
      }
      JsonObject o = e.getAsJsonObject();
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
      break;
    }
    throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST,
        file + " is in no known editing-benchmark format: expected CounterFact (requested_rewrite), EasyEdit"
            + " (prompt, target_new, locality_prompt), zsRE (src, alt) or KnowEdit (prompt, target_new, locality)"
            + " records.");
  }

  private static EditCase parse(DatasetFormat format, JsonObject o, int index) {
    switch (format) {
      case COUNTERFACT: {
        JsonObject rw = object(o, "requested_rewrite");
        String subject = string(rw, "subject");
        EditRequest request = EditRequest.of(subject, template(string(rw, "prompt"), subject),
            string(object(rw, "target_new"), "str"));
        String truth = rw.has("target_true") ? string(object(rw, "target_true"), "str") : null;
        List<Probe> neighbours = new ArrayList<>();
        for (String p : strings(o, "neighborhood_prompts")) {
          neighbours.add(new Probe(p, truth));
        }
        return new EditCase(id(o, "case_id", index), request, truth, strings(o, "paraphrase_prompts"), neighbours,
            questions(o.get("portability")));
      }
      case EASYEDIT: {
        EditRequest request = EditRequest.ofPrompt(string(o, "subject"), string(o, "prompt"), answer(o, "target_new"));
        List<String> para = o.has("rephrase_prompt") ? List.of(string(o, "rephrase_prompt")) : List.of();
        List<Probe> loc = List.of(new Probe(string(o, "locality_prompt"), optionalAnswer(o, "locality_ground_truth")));
        return new EditCase(id(o, "case_id", index), request, optionalAnswer(o, "ground_truth"), para, loc,
            o.has("portability_prompt")
                ? List.of(new Probe(string(o, "portability_prompt"), optionalAnswer(o, "portability_ground_truth")))
                : List.of());
      }
      case ZSRE_MEND: {
        String subject = string(o, "subject");
        EditRequest request = EditRequest.of(subject, template(string(o, "src"), subject), answer(o, "alt"));
        List<String> para = o.has("rephrase") ? List.of(string(o, "rephrase")) : List.of();
        List<Probe> loc = o.has("loc") ? List.of(new Probe(string(o, "loc"), optionalAnswer(o, "loc_ans")))
            : List.of();
        return new EditCase(id(o, "case_id", index), request, optionalAnswer(o, "answers"), para, loc,
            questions(o.get("portability")));
      }
      default: {
        EditRequest request = EditRequest.ofPrompt(string(o, "subject"), string(o, "prompt"), answer(o, "target_new"));
        List<String> para = o.has("rephrase_prompt") ? List.of(string(o, "rephrase_prompt")) : List.of();
        return new EditCase(id(o, "case_id", index), request, optionalAnswer(o, "ground_truth"), para,
            questions(o.get("locality")), questions(o.get("portability")));
      }
    }
  }

  /** CounterFact's and zsRE's prompts become templates: the first occurrence of the subject is the slot. */
  private static String template(String prompt, String subject) {
    if (prompt.contains("{}")) {
      return prompt;
    }
    int at = prompt.indexOf(subject);
    if (at < 0) {
      throw new Malformed("the subject \"" + subject + "\" does not occur in the prompt \"" + prompt + "\"");
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
      throw new Malformed("expected an object of probes, found " + e);
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
}
