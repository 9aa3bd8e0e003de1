package org.mobiedit.core.fuzz;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON document as the fuzzer mutates it: objects keep their members as a list (so a key may appear twice) and
 * leaves are raw text (so a leaf may be {@code 1e309}, an unterminated string or 100,000 nested brackets). Seeds are
 * real, shallow files; the deep or broken parts are raw leaves, so no method here recurses deeper than a seed.
 */
final class JsonTree {
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  /** A node: {@link Obj}, {@link Arr} or {@link Leaf}. */
  sealed interface Node permits Obj, Arr, Leaf {}

  /** An object; {@code key} is the raw key text including its quotes. */
  record Obj(List<Member> members) implements Node {}

  record Member(String key, Node value) {}

  record Arr(List<Node> items) implements Node {}

  /** Any text, written as is. */
  record Leaf(String raw) implements Node {}

  private JsonTree() {}

  static Node parse(String json) {
    return of(JsonParser.parseString(json));
  }

  private static Node of(JsonElement e) {
    if (e.isJsonObject()) {
      List<Member> members = new ArrayList<>();
      for (Map.Entry<String, JsonElement> m : e.getAsJsonObject().entrySet()) {
        members.add(new Member(quote(m.getKey()), of(m.getValue())));
      }
      return new Obj(members);
    }
    if (e.isJsonArray()) {
      List<Node> items = new ArrayList<>();
      for (JsonElement x : e.getAsJsonArray()) {
        items.add(of(x));
      }
      return new Arr(items);
    }
    return new Leaf(GSON.toJson(e));
  }

  static String quote(String s) {
    return GSON.toJson(s);
  }

  static String write(Node n) {
    StringBuilder sb = new StringBuilder();
    write(n, sb);
    return sb.toString();
  }

  private static void write(Node n, StringBuilder sb) {
    if (n instanceof Leaf l) {
      sb.append(l.raw());
    } else if (n instanceof Arr a) {
      sb.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(a.items().get(i), sb);
      }
      sb.append(']');
    } else {
      Obj o = (Obj) n;
      sb.append('{');
      for (int i = 0; i < o.members().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(o.members().get(i).key()).append(':');
        write(o.members().get(i).value(), sb);
      }
      sb.append('}');
    }
  }

  /** Containers with more children than this are bulk data (a vocabulary, a merge list), not structure. */
  private static final int BULK = 200;

  /**
   * A node's place: the child indices from the root, and whether it is structural (no ancestor is a bulk container
   * such as a vocabulary), where the keys that steer a parser are.
   */
  record Place(int[] path, boolean structural) {}

  /** Every node in pre-order. */
  static List<Place> places(Node root) {
    List<Place> out = new ArrayList<>();
    collect(root, new int[0], true, out);
    return out;
  }

  private static void collect(Node n, int[] path, boolean structural, List<Place> out) {
    out.add(new Place(path, structural));
    List<Node> children = children(n);
    boolean inside = structural && children.size() <= BULK;
    for (int i = 0; i < children.size(); i++) {
      int[] p = java.util.Arrays.copyOf(path, path.length + 1);
      p[path.length] = i;
      collect(children.get(i), p, inside, out);
    }
  }

  static List<Node> children(Node n) {
    if (n instanceof Arr a) {
      return a.items();
    }
    if (n instanceof Obj o) {
      List<Node> c = new ArrayList<>(o.members().size());
      for (Member m : o.members()) {
        c.add(m.value());
      }
      return c;
    }
    return List.of();
  }

  static Node at(Node root, int[] path) {
    Node n = root;
    for (int i : path) {
      n = children(n).get(i);
    }
    return n;
  }

  /** A copy of the tree with the node at {@code path} replaced (copying only the nodes along the path). */
  static Node replace(Node root, int[] path, int depth, Node with) {
    if (depth == path.length) {
      return with;
    }
    int i = path[depth];
    if (root instanceof Arr a) {
      List<Node> items = new ArrayList<>(a.items());
      items.set(i, replace(items.get(i), path, depth + 1, with));
      return new Arr(items);
    }
    Obj o = (Obj) root;
    List<Member> members = new ArrayList<>(o.members());
    Member m = members.get(i);
    members.set(i, new Member(m.key(), replace(m.value(), path, depth + 1, with)));
    return new Obj(members);
  }
}
