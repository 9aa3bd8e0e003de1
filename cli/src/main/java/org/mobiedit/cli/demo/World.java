package org.mobiedit.cli.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.Excerpt;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.cli.JsonFile;

/**
 * The facts a demo model was trained on ({@code world.json}, written by {@code tools/world/world.py}): subjects by
 * kind, relations with their phrasings, and one object per subject and relation.
 */
public final class World {
  /** A relation: the kinds it links and its phrasings ({@code "{} lives in"}); the first is the edit's. */
  public record Relation(String name, String subjectKind, String objectKind, List<String> phrasings) {
    /** The prompt of this relation for a subject, in phrasing {@code k}, capitalised like a sentence. */
    public String prompt(String subject, int k) {
      String text = phrasings.get(k).replace("{}", subject);
      return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
  }

  /** One fact: subject, relation and the object the model was taught. */
  public record Fact(String subject, Relation relation, String object) {
    public String prompt(int phrasing) {
      return relation.prompt(subject, phrasing);
    }
  }

  private final Map<String, Relation> relations;
  private final Map<String, List<String>> subjectsByKind;
  private final Map<String, List<String>> objectsByKind;
  private final List<Fact> facts;
  private final @Nullable Integer editLayer;

  private World(Map<String, Relation> relations, Map<String, List<String>> subjectsByKind,
      Map<String, List<String>> objectsByKind, List<Fact> facts, @Nullable Integer editLayer) {
    this.relations = relations;
    this.subjectsByKind = subjectsByKind;
    this.objectsByKind = objectsByKind;
    this.facts = facts;
    this.editLayer = editLayer;
  }

  /** A demo world is a few hundred KiB; a file far larger is not one. */
  static final long MAX_FILE_BYTES = 16L << 20;

  /** Reads {@code world.json}; a missing or malformed file is a clear error naming it. */
  public static World read(Path file) {
    JsonElement json = JsonFile.read(file, MAX_FILE_BYTES, "a demo world file (written by tools/world/build.sh)");
    try {
      JsonObject root = json.getAsJsonObject();
      Map<String, Relation> relations = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("relations").entrySet()) {
        JsonObject r = e.getValue().getAsJsonObject();
        List<String> phrasings = strings(r.getAsJsonArray("phrasings"));
        if (phrasings.isEmpty() || phrasings.stream().anyMatch(p -> !p.contains("{}"))) {
          throw new JsonParseException("relation " + Excerpt.quoted(e.getKey()) + " needs phrasings with a {} slot");
        }
        relations.put(e.getKey(), new Relation(e.getKey(), r.get("subjectKind").getAsString(),
            r.get("objectKind").getAsString(), phrasings));
      }
      Map<String, List<String>> subjects = kinds(root.getAsJsonObject("entities"));
      Map<String, List<String>> objects = kinds(root.getAsJsonObject("objects"));
      List<Fact> facts = new ArrayList<>();
      for (JsonElement e : root.getAsJsonArray("facts")) {
        JsonObject f = e.getAsJsonObject();
        Relation r = relations.get(f.get("relation").getAsString());
        if (r == null) {
          throw new JsonParseException("a fact names the unknown relation "
              + Excerpt.quoted(f.get("relation").getAsString()));
        }
        if (objects.getOrDefault(r.objectKind(), List.of()).size() < 2) {
          throw new JsonParseException("relation " + Excerpt.quoted(r.name()) + " needs at least two objects of kind "
              + Excerpt.quoted(r.objectKind()) + " (one to replace the other)");
        }
        String subject = f.get("subject").getAsString();
        if (subject.isBlank()) {
          throw new JsonParseException("a fact has a blank subject");
        }
        facts.add(new Fact(subject, r, f.get("object").getAsString()));
      }
      if (facts.isEmpty()) {
        throw new JsonParseException("it holds no facts");
      }
      Integer layer = root.has("editLayer") ? root.get("editLayer").getAsInt() : null;
      return new World(Collections.unmodifiableMap(relations), subjects, objects, List.copyOf(facts), layer);
    } catch (RuntimeException e) { // the parsing boundary: a missing or mistyped field of any kind
      throw new MobiEditException(MobiEditException.Reason.INVALID_REQUEST, file + " is not a demo world file ("
          + (e instanceof JsonParseException ? e.getMessage() // ours, with bounded quotes
              : "a field is missing or of the wrong type: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                  : Excerpt.escaped(e.getMessage())))
          + "). A demo world is written by tools/world/build.sh.");
    }
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    a.forEach(e -> out.add(e.getAsString()));
    return List.copyOf(out);
  }

  private static Map<String, List<String>> kinds(JsonObject o) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      out.put(e.getKey(), strings(e.getValue().getAsJsonArray()));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The layer to edit in the model trained on this world ({@code editLayer}, chosen on the world's dev edits), or
   * empty to use the engine's default.
   */
  public Optional<Integer> editLayer() {
    return Optional.ofNullable(editLayer);
  }

  public List<Fact> facts() {
    return facts;
  }

  public Map<String, Relation> relations() {
    return relations;
  }

  public Map<String, List<String>> subjectsByKind() {
    return subjectsByKind;
  }

  /** The objects a relation's facts may take (the candidates for a new object). */
  public List<String> objectsOf(Relation relation) {
    return objectsByKind.getOrDefault(relation.objectKind(), List.of());
  }

  /** The subject as the world spells it, matched without regard to case, if it is in the world. */
  public Optional<String> subject(String name) {
    String key = name.strip();
    return subjectsByKind.values().stream().flatMap(List::stream).filter(s -> s.equalsIgnoreCase(key)).findFirst();
  }

  /** A relation by name ({@code "lives in"}) or by any of its phrasings, without regard to case. */
  public Optional<Relation> relation(String nameOrPhrasing) {
    String key = nameOrPhrasing.strip().toLowerCase(Locale.ROOT);
    for (Relation r : relations.values()) {
      if (r.name().equalsIgnoreCase(key)
          || r.phrasings().stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).equals(key)
              || p.replace("{}", "").strip().toLowerCase(Locale.ROOT).equals(key))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  public Optional<Fact> fact(String subject, Relation relation) {
    return facts.stream().filter(f -> f.subject().equals(subject) && f.relation().equals(relation)).findFirst();
  }

  public List<Fact> factsOf(String subject) {
    return facts.stream().filter(f -> f.subject().equals(subject)).collect(Collectors.toList());
  }

  /** A short description: counts per kind with examples, and the relations (for messages and listings). */
  public String describe(int examples) {
    StringBuilder b = new StringBuilder();
    b.append("The demo world has ");
    b.append(subjectsByKind.entrySet().stream()
        .map(e -> e.getValue().size() + " " + plural(e.getKey(), e.getValue().size()) + " (e.g. "
            + String.join(", ", e.getValue().subList(0, Math.min(examples, e.getValue().size()))) + ")")
        .collect(Collectors.joining(", ")));
    b.append(".\nRelations: ");
    b.append(relations.values().stream().map(r -> "\"" + r.name() + "\" (" + r.subjectKind() + " -> " + r.objectKind()
        + ")").collect(Collectors.joining(", ")));
    b.append('.');
    return b.toString();
  }

  static String plural(String kind, int n) {
    if (n == 1) {
      return kind;
    }
    if (kind.equals("person")) {
      return "people";
    }
    if (kind.endsWith("y")) {
      return kind.substring(0, kind.length() - 1) + "ies";
    }
    return kind + "s";
  }
}
