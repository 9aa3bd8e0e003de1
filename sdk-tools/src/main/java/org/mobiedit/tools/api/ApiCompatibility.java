package org.mobiedit.tools.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Whether an API keeps the promises of a released one, element by element of their {@link ApiSignature}s. A break is
 * anything that makes code compiled against the release fail to link or to compile against the new version, or an
 * implementation of it stop implementing it:
 * <ul>
 *   <li>a type, constructor, method or field removed, or its parameter types changed (it is then another element);</li>
 *   <li>a type changing kind (class, interface, enum, record, annotation), or losing a supertype;</li>
 *   <li>an element becoming less visible (public to protected), static or not static, final (a type, a field, or a
 *       method that could be overridden) or abstract;</li>
 *   <li>a method's return type or type parameters, or a field's type or constant value, changed;</li>
 *   <li>an abstract method added to a released interface or abstract class (its implementations no longer compile,
 *       and calls to it on them fail): a new method there must be a default method.</li>
 * </ul>
 * Additions are listed apart: they need a minor version, not a major one.
 */
public final class ApiCompatibility {
  private final List<String> breaks = new ArrayList<>();
  private final List<String> additions = new ArrayList<>();

  private ApiCompatibility() {}

  /** What {@code current} breaks of {@code released}, and what it adds. */
  public static ApiCompatibility compare(ApiSignature released, ApiSignature current) {
    ApiCompatibility c = new ApiCompatibility();
    Map<String, String> before = released.elements();
    Map<String, String> after = current.elements();
    for (Map.Entry<String, String> e : before.entrySet()) {
      String now = after.get(e.getKey());
      if (now == null) {
        c.breaks.add(e.getKey() + ": removed (was " + e.getValue() + ")");
      } else if (!now.equals(e.getValue())) {
        String why = change(e.getKey(), e.getValue(), now, after);
        if (why != null) {
          c.breaks.add(e.getKey() + ": " + why + " (was " + e.getValue() + "; now " + now + ")");
        }
      }
    }
    for (Map.Entry<String, String> e : after.entrySet()) {
      if (before.containsKey(e.getKey())) {
        continue;
      }
      String owner = owner(e.getKey());
      if (e.getKey().startsWith("method ") && modifiers(e.getValue()).contains("abstract") && owner != null
          && before.containsKey("type " + owner)) {
        c.breaks.add(e.getKey() + ": abstract method added to a released type (make it a default method)");
      } else {
        c.additions.add(e.getKey() + ": " + e.getValue());
      }
    }
    return c;
  }

  /** The changes that break code written against the released API; empty when compatible. */
  public List<String> breaks() {
    return breaks;
  }

  /** Elements the released API did not have. */
  public List<String> additions() {
    return additions;
  }

  /** Why a changed element breaks its users, or null when the change is compatible. */
  private static @Nullable String change(String key, String was, String now, Map<String, String> after) {
    Set<String> before = modifiers(was);
    Set<String> then = modifiers(now);
    if (before.contains("public") && !then.contains("public")) {
      return "less visible";
    }
    if (before.contains("static") != then.contains("static")) {
      return then.contains("static") ? "became static" : "is no longer static";
    }
    if (!before.contains("abstract") && then.contains("abstract")) {
      return "became abstract";
    }
    if (!before.contains("final") && then.contains("final")) {
      String owner = owner(key);
      @Nullable String ownerNow = owner == null ? null : after.get("type " + owner);
      boolean ownerFinal = ownerNow != null && modifiers(ownerNow).contains("final");
      // a method nobody can override (static, or in a final class) loses nothing by becoming final
      if (!(key.startsWith("method ") && (ownerFinal || then.contains("static")))) {
        return "became final";
      }
    }
    String restWas = rest(was);
    String restNow = rest(now);
    if (key.startsWith("type ")) {
      String kindWas = restWas.split(" ", 2)[0];
      String kindNow = restNow.split(" ", 2)[0];
      if (!kindWas.equals(kindNow)) {
        return "changed from " + kindWas + " to " + kindNow;
      }
      Set<String> superNow = supertypes(restNow);
      for (String s : supertypes(restWas)) {
        if (!superNow.contains(s)) {
          return "no longer extends or implements " + s;
        }
      }
      return null;
    }
    if (!restWas.equals(restNow)) {
      return key.startsWith("field ") ? "type or constant value changed" : "return type or type parameters changed";
    }
    return null;
  }

  private static final Set<String> MODIFIERS =
      new HashSet<>(Arrays.asList("public", "protected", "abstract", "default", "static", "final"));

  private static Set<String> modifiers(String attributes) {
    Set<String> out = new HashSet<>();
    for (String word : attributes.split(" ")) {
      if (!MODIFIERS.contains(word)) {
        break;
      }
      out.add(word);
    }
    return out;
  }

  /** The attributes after the modifiers. */
  private static String rest(String attributes) {
    String[] words = attributes.split(" ");
    int i = 0;
    while (i < words.length && MODIFIERS.contains(words[i])) {
      i++;
    }
    return String.join(" ", Arrays.asList(words).subList(i, words.length));
  }

  /** The supertypes named after {@code extends} and {@code implements} (a superclass included). */
  private static Set<String> supertypes(String typeRest) {
    Set<String> out = new HashSet<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    String[] parts = typeRest.split(" ", 2);
    String list = parts.length > 1 ? parts[1].replace(" extends ", ",").replace(" implements ", ",")
        .replaceFirst("^extends ", "").replaceFirst("^implements ", "") : "";
    for (char ch : list.toCharArray()) {
      if (ch == '<') {
        depth++;
      } else if (ch == '>') {
        depth--;
      }
      if (ch == ',' && depth == 0) {
        add(out, current);
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    add(out, current);
    return out;
  }

  private static void add(Set<String> out, StringBuilder name) {
    String s = name.toString().trim();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }

  /** The type a member belongs to, or null for a type. */
  private static @Nullable String owner(String key) {
    int space = key.indexOf(' ');
    int hash = key.indexOf('#');
    int paren = key.indexOf('(');
    if (key.startsWith("type ")) {
      return null;
    }
    int end = hash > 0 ? hash : paren;
    return end > space ? key.substring(space + 1, end) : null;
  }
}
