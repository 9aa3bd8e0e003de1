package org.mobiedit.core.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.core.fuzz.JsonTree.Arr;
import org.mobiedit.core.fuzz.JsonTree.Leaf;
import org.mobiedit.core.fuzz.JsonTree.Member;
import org.mobiedit.core.fuzz.JsonTree.Node;
import org.mobiedit.core.fuzz.JsonTree.Obj;
import org.mobiedit.core.fuzz.JsonTree.Place;

/**
 * Structure-aware mutations of a JSON file: a random node (half the time a structural one, outside the bulk of a
 * vocabulary or merge list) gets another type or value (strings, numbers beyond int and double, null, arrays,
 * objects), a key is removed or duplicated, a member with 100,000 levels of nesting is inserted, a string or an array
 * becomes huge, invalid UTF-8 is put into the bytes, a value of the {@link JsonDictionary} is set; one mutation in
 * ten is format-blind.
 */
final class JsonMutations {
  private static final String[] STRINGS = {
    "\"\"", "\"x\"", "\"four\"", "\"LlamaForCausalLM\"", "\"Qwen2ForCausalLM\"", "\"llama\"", "\"qwen2\"",
    "\"LLAMA\"", "\"linear\"", "\"llama3\"", "\"dynamic\"", "\"default\"", "\"BPE\"", "\"WordPiece\"",
    "\"ByteLevel\"", "\"Split\"", "\"Sequence\"", "\"NFC\"", "\"F32\"", "\"BF16\"", "\"F16\"", "\"F64\"", "\"I8\"",
    "\"(.*a){12}$\"", "\"(a+)+$\"", "\"(a|aa)*c\"", "\"[\"", "\"\\\\\"", "\"\\u0000\"", "\"\\ud800\"", "\"<s>\"",
    "\"</s>\"", "\"<|im_start|>\"", "\"a b\"", "\"a b c\"", "\"\\u0120the\"", "\"\\u2581\"", "\"32\"", "\"-1\""
  };
  private static final String[] NUMBERS = {
    "0", "-1", "1", "2", "3", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967301",
    "9223372036854775807", "9223372036854775808", "1e309", "-1e309", "1e8", "100000000", "1.5", "-0.0", "1e-400",
    "0.5", "65536", "3.4e38", "1e-45"
  };
  private static final String[] OTHERS = {
    "true", "false", "null", "[]", "{}", "[[]]", "[{}]", "[null]", "{\"type\":\"linear\"}",
    "{\"type\":\"llama3\",\"factor\":8}", "{\"rope_type\":\"llama3\"}", "[1,2,3]", "[\"a\",\"b\"]", "[\"a b\"]",
    "[[\"a\",\"b\"]]", "[[\"a\"]]", "{\"content\":\"<s>\",\"id\":0}", "{\"content\":\"x\",\"id\":2147483647}",
    "{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,0]}", "{\"Regex\":\"(.*a){12}$\"}"
  };
  /** Not JSON at all: the parser's errors must be reported as the file's. */
  private static final String[] BROKEN = {"NaN", "Infinity", "\"unterminated", "01", "1.", "[1,]", "{\"a\" 1}", "",
    "'single'"};
  private static final String[] KEYS = {
    "type", "factor", "rope_scaling", "rope_type", "rope_theta", "shape", "dtype", "data_offsets", "vocab", "merges",
    "id", "content", "special", "__metadata__", "architectures", "model_type", "num_hidden_layers", "vocab_size",
    "hidden_size", "intermediate_size", "num_attention_heads", "num_key_value_heads", "head_dim",
    "tie_word_embeddings", "max_position_embeddings", "bos_token", "eos_token", "bos_token_id", "add_bos_token",
    "added_tokens_decoder", "added_tokens", "pre_tokenizer", "normalizer", "post_processor", "pattern", "Regex",
    "chat_template", "tokenizer_class", "model", "ignore_merges", "pretokenizers", "single"
  };

  private JsonMutations() {}

  static byte[] mutate(Node seed, byte[] seedBytes, SplittableRandom r, StringBuilder log) {
    if (r.nextInt(10) == 0) {
      return ByteMutations.mutate(seedBytes, seedBytes.length, null, r, log);
    }
    Node tree = seed;
    int n = r.nextInt(10) < 6 ? 1 : r.nextInt(10) < 7 ? 2 : 3;
    for (int i = 0; i < n; i++) {
      tree = once(tree, r, log);
    }
    byte[] out = JsonTree.write(tree).getBytes(StandardCharsets.UTF_8);
    if (r.nextInt(10) == 0) {
      out = invalidUtf8(out, r, log);
    }
    return out;
  }

  private static Node once(Node tree, SplittableRandom r, StringBuilder log) {
    if (r.nextInt(100) < 8) {
      Node d = JsonDictionary.apply(tree, r, log);
      if (d != null) {
        return d;
      }
    }
    List<Place> places = JsonTree.places(tree);
    Place place = pick(places, r);
    int[] path = place.path();
    Node node = JsonTree.at(tree, path);
    String where = describe(tree, path);
    int op = r.nextInt(100);
    if (op < 35) {
      String v = value(r);
      log.append(' ').append(where).append(" := ").append(cut(v)).append(';');
      return JsonTree.replace(tree, path, 0, new Leaf(v));
    }
    if (op < 50) {
      Node v = sameKind(node, r);
      log.append(' ').append(where).append(" := ").append(cut(JsonTree.write(v))).append(';');
      return JsonTree.replace(tree, path, 0, v);
    }
    if (op < 71) {
      return JsonTree.replace(tree, path, 0, container(node, where, r, log));
    }
    if (op < 76) {
      String deep = deep(r);
      if (node instanceof Obj o) {
        String key = JsonTree.quote(KEYS[r.nextInt(KEYS.length)]);
        log.append(' ').append(where).append(": member ").append(key).append(" := ").append(cut(deep)).append(';');
        List<Member> m = new ArrayList<>(o.members());
        m.add(r.nextInt(m.size() + 1), new Member(key, new Leaf(deep)));
        return JsonTree.replace(tree, path, 0, new Obj(m));
      }
      log.append(' ').append(where).append(" := ").append(cut(deep)).append(';');
      return JsonTree.replace(tree, path, 0, new Leaf(deep));
    }
    if (op < 80) {
      String huge = huge(r);
      log.append(' ').append(where).append(" := ").append(cut(huge)).append(" (").append(huge.length())
          .append(" chars);");
      return JsonTree.replace(tree, path, 0, new Leaf(huge));
    }
    if (path.length == 0) {
      log.append(" the whole document := null;");
      return new Leaf("null");
    }
    int[] parentPath = Arrays.copyOf(path, path.length - 1);
    Node parent = JsonTree.at(tree, parentPath);
    int i = path[path.length - 1];
    log.append(' ').append(where).append(" removed;");
    if (parent instanceof Obj o) {
      List<Member> m = new ArrayList<>(o.members());
      m.remove(i);
      return JsonTree.replace(tree, parentPath, 0, new Obj(m));
    }
    List<Node> items = new ArrayList<>(((Arr) parent).items());
    items.remove(i);
    return JsonTree.replace(tree, parentPath, 0, new Arr(items));
  }

  /** Half the time a structural node (outside vocabularies and merge lists: where parsing is steered), else any. */
  private static Place pick(List<Place> places, SplittableRandom r) {
    if (r.nextBoolean()) {
      List<Place> structural = new ArrayList<>();
      for (Place p : places) {
        if (p.structural()) {
          structural.add(p);
        }
      }
      return structural.get(r.nextInt(structural.size()));
    }
    return places.get(r.nextInt(places.size()));
  }

  private static String value(SplittableRandom r) {
    int k = r.nextInt(100);
    if (k < 35) {
      return STRINGS[r.nextInt(STRINGS.length)];
    }
    if (k < 70) {
      return NUMBERS[r.nextInt(NUMBERS.length)];
    }
    if (k < 95) {
      return OTHERS[r.nextInt(OTHERS.length)];
    }
    return BROKEN[r.nextInt(BROKEN.length)];
  }

  /** A value of the node's own kind: another number for a number, another string for a string, etc. */
  private static Node sameKind(Node node, SplittableRandom r) {
    if (node instanceof Leaf l) {
      String raw = l.raw();
      if (raw.startsWith("\"")) {
        return new Leaf(r.nextBoolean() ? STRINGS[r.nextInt(STRINGS.length)]
            : JsonTree.quote(mutateText(raw.substring(1, raw.length() - 1), r)));
      }
      if (raw.equals("true") || raw.equals("false") || raw.equals("null")) {
        return new Leaf(OTHERS[r.nextInt(3)]);
      }
      return new Leaf(NUMBERS[r.nextInt(NUMBERS.length)]);
    }
    if (node instanceof Arr a) {
      List<Node> items = new ArrayList<>(a.items());
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) instanceof Leaf && r.nextInt(3) == 0) {
          items.set(i, new Leaf(value(r)));
        }
      }
      return new Arr(items);
    }
    return new Leaf(OTHERS[3 + r.nextInt(OTHERS.length - 3)]);
  }

  private static String mutateText(String s, SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0: return "";
      case 1: return s.toUpperCase(java.util.Locale.ROOT);
      case 2: return s + s;
      case 3: return s.isEmpty() ? "\u0000" : s.substring(0, r.nextInt(s.length()));
      default: return s + " " + s;
    }
  }

  private static Node container(Node node, String where, SplittableRandom r, StringBuilder log) {
    if (node instanceof Obj o && !o.members().isEmpty()) {
      List<Member> m = new ArrayList<>(o.members());
      int i = r.nextInt(m.size());
      switch (r.nextInt(3)) {
        case 0: {
          String v = value(r);
          log.append(' ').append(where).append(": key ").append(m.get(i).key()).append(" duplicated with ")
              .append(cut(v)).append(';');
          m.add(r.nextInt(m.size() + 1), new Member(m.get(i).key(), new Leaf(v)));
          return new Obj(m);
        }
        case 1: {
          String key = JsonTree.quote(KEYS[r.nextInt(KEYS.length)]);
          String v = value(r);
          log.append(' ').append(where).append(": member ").append(key).append(" := ").append(cut(v)).append(';');
          m.add(r.nextInt(m.size() + 1), new Member(key, new Leaf(v)));
          return new Obj(m);
        }
        default:
          log.append(' ').append(where).append(": key ").append(m.get(i).key()).append(" removed;");
          m.remove(i);
          return new Obj(m);
      }
    }
    if (node instanceof Arr a && !a.items().isEmpty()) {
      List<Node> items = new ArrayList<>(a.items());
      int i = r.nextInt(items.size());
      switch (r.nextInt(4)) {
        case 0: {
          int copies = r.nextBoolean() ? 1 : 1 + r.nextInt(1000);
          log.append(' ').append(where).append(": element ").append(i).append(" repeated ").append(copies)
              .append(" times;");
          for (int c = 0; c < copies; c++) {
            items.add(i, items.get(i));
          }
          return new Arr(items);
        }
        case 1:
          log.append(' ').append(where).append(" emptied;");
          return new Arr(new ArrayList<>());
        case 2: {
          String v = value(r);
          log.append(' ').append(where).append(": ").append(cut(v)).append(" inserted at ").append(i).append(';');
          items.add(i, new Leaf(v));
          return new Arr(items);
        }
        default:
          log.append(' ').append(where).append(": element ").append(i).append(" removed;");
          items.remove(i);
          return new Arr(items);
      }
    }
    log.append(' ').append(where).append(" wrapped in an array;");
    List<Node> one = new ArrayList<>();
    one.add(node);
    return new Arr(one);
  }

  /** 100,000 levels of nesting (sometimes 1,000 or 10,000), of arrays or of objects. */
  static String deep(SplittableRandom r) {
    int depth = new int[] {1_000, 10_000, 100_000, 100_000}[r.nextInt(4)];
    StringBuilder sb = new StringBuilder(depth * 6);
    if (r.nextBoolean()) {
      sb.append("[".repeat(depth)).append("]".repeat(depth));
    } else {
      sb.append("{\"a\":".repeat(depth)).append('1').append("}".repeat(depth));
    }
    return sb.toString();
  }

  private static String huge(SplittableRandom r) {
    if (r.nextBoolean()) {
      return "\"" + "a".repeat(1_000_000) + "\"";
    }
    return "[" + "0,".repeat(100_000) + "0]";
  }

  private static byte[] invalidUtf8(byte[] b, SplittableRandom r, StringBuilder log) {
    byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xc3}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xfe, (byte) 0xff}};
    int at = r.nextInt(b.length + 1);
    while (at < b.length && b[at] != '"') {
      at++;
    }
    at = Math.min(b.length, at + 1);
    byte[] ins = bad[r.nextInt(bad.length)];
    log.append(" invalid UTF-8 bytes inserted at ").append(at).append(';');
    return ByteMutations.splice(b, at, at, ins);
  }

  private static String describe(Node tree, int[] path) {
    StringBuilder sb = new StringBuilder("$");
    Node n = tree;
    for (int i : path) {
      if (n instanceof Obj o) {
        sb.append('.').append(cut(o.members().get(i).key()));
      } else {
        sb.append('[').append(i).append(']');
      }
      n = JsonTree.children(n).get(i);
    }
    return sb.toString();
  }

  private static String cut(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
