package org.mobiedit.core.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mobiedit.core.fuzz.JsonTree.Member;
import org.mobiedit.core.fuzz.JsonTree.Node;
import org.mobiedit.core.fuzz.JsonTree.Obj;

/**
 * Values known to break loaders of model files, at the keys where they matter (a fuzzing dictionary): random
 * mutation rarely lands exactly on {@code "rope_scaling": {"type": "linear"}} or on a catastrophic regex in the
 * pre-tokenizer, so they are tried directly. An entry applies where its parent object exists; it replaces the key,
 * or adds it when the key is an optional one.
 */
final class JsonDictionary {
  /** Set the member at {@code path} (keys from the root) to the raw JSON {@code value}. */
  private record Entry(String[] path, String value, boolean optional) {}

  private static final List<Entry> ENTRIES = new ArrayList<>();

  static {
    // config.json
    opt("rope_scaling", "{\"type\":\"linear\"}", "{\"rope_type\":\"llama3\"}",
        "{\"type\":\"dynamic\",\"factor\":2.0}", "{\"type\":\"linear\",\"factor\":0}",
        "{\"type\":\"linear\",\"factor\":-1}", "{\"type\":\"linear\",\"factor\":1e309}");
    set("architectures", "\"LlamaForCausalLM\"", "[]", "[null]", "[5]");
    set("model_type", "null", "5", "\"LLAMA\"", "\"\"");
    opt("num_key_value_heads", "\"four\"", "0", "3", "-1", "2147483647");
    set("num_attention_heads", "0", "3", "-4", "2147483647");
    set("num_hidden_layers", "2147483647", "0", "100000000", "-1");
    set("hidden_size", "0", "2147483647", "100000000", "-64");
    set("intermediate_size", "0", "2147483647", "-1");
    set("vocab_size", "0", "1", "2147483647");
    opt("head_dim", "0", "7", "2147483647");
    set("max_position_embeddings", "0", "-1", "2147483647");
    set("rms_norm_eps", "0", "-1", "1e309", "\"NaN\"");
    opt("rope_theta", "0", "-1", "1e309");
    opt("tie_word_embeddings", "\"yes\"", "null", "1");
    opt("bos_token_id", "2147483647", "-5", "1e8");
    opt("eos_token_id", "[1,2147483647]", "-1");
    // tokenizer.json
    opt("pre_tokenizer",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(.*a){12}$\"},\"behavior\":\"Isolated\",\"invert\":false}",
        "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(a|aa)*c\"},"
            + "\"behavior\":\"Isolated\",\"invert\":false},{\"type\":\"ByteLevel\",\"add_prefix_space\":false}]}",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"[\"},\"behavior\":\"Isolated\",\"invert\":false}",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":5}}", "{\"type\":\"Split\"}");
    set("model.type", "\"Unigram\"", "\"WordPiece\"", "null", "5");
    set("model.vocab", "{}", "[]", "{\"a\":2147483647}", "{\"a\":-1}", "{\"a\":100000000}");
    set("model.merges", "[\"a\"]", "[[\"a\"]]", "[1]", "null", "[\"a b c\"]", "[[\"a\",\"b\",\"c\"]]");
    opt("model.ignore_merges", "null", "\"no\"");
    set("added_tokens", "[{\"id\":2147483647,\"content\":\"x\",\"special\":true}]",
        "[{\"id\":-1,\"content\":\"y\"}]", "[{\"content\":\"z\"}]", "[{\"id\":\"3\",\"content\":\"w\"}]", "[null]");
    opt("post_processor", "{\"single\":[]}", "{\"single\":[{\"SpecialToken\":{}}]}", "{\"single\":5}", "5");
    opt("normalizer", "{\"type\":\"NFC\"}", "\"NFC\"", "5");
    opt("decoder", "null", "5");
    // tokenizer_config.json
    opt("bos_token", "\"<not-a-token>\"", "{\"content\":5}", "[\"<s>\"]", "null");
    opt("eos_token", "null", "{}", "\"<not-a-token>\"");
    opt("add_bos_token", "\"true\"", "1", "null");
    opt("added_tokens_decoder", "{\"2147483647\":{\"content\":\"x\"}}", "{\"-1\":{\"content\":\"y\"}}",
        "{\"abc\":{\"content\":\"z\"}}", "{\"5\":\"x\"}", "{\"100000000\":{\"content\":\"v\",\"special\":true}}");
    opt("chat_template", "5", "\"{% for %}\"");
    opt("tokenizer_class", "5", "\"Qwen2Tokenizer\"");
    // safetensors header
    opt("__metadata__", "{\"format\":5}", "[]", "5");
  }

  private JsonDictionary() {}

  private static void set(String path, String... values) {
    for (String v : values) {
      ENTRIES.add(new Entry(path.split("\\."), v, false));
    }
  }

  private static void opt(String path, String... values) {
    for (String v : values) {
      ENTRIES.add(new Entry(path.split("\\."), v, true));
    }
  }

  /** The tree with one applicable entry applied, or null when none applies to this document. */
  static Node apply(Node root, SplittableRandom r, StringBuilder log) {
    List<Entry> applicable = new ArrayList<>();
    for (Entry e : ENTRIES) {
      Obj parent = parent(root, e.path());
      if (parent != null && (e.optional() || index(parent, e.path()[e.path().length - 1]) >= 0)) {
        applicable.add(e);
      }
    }
    if (applicable.isEmpty()) {
      return null;
    }
    Entry e = applicable.get(r.nextInt(applicable.size()));
    log.append(" $.").append(String.join(".", e.path())).append(" := ").append(e.value()).append(" (dictionary);");
    return set(root, e.path(), 0, e.value());
  }

  private static Obj parent(Node root, String[] path) {
    Node n = root;
    for (int i = 0; i < path.length - 1; i++) {
      if (!(n instanceof Obj o)) {
        return null;
      }
      int k = index(o, path[i]);
      if (k < 0) {
        return null;
      }
      n = o.members().get(k).value();
    }
    return n instanceof Obj o ? o : null;
  }

  private static int index(Obj o, String key) {
    String quoted = JsonTree.quote(key);
    for (int i = 0; i < o.members().size(); i++) {
      if (o.members().get(i).key().equals(quoted)) {
        return i;
      }
    }
    return -1;
  }

  private static Node set(Node n, String[] path, int depth, String value) {
    Obj o = (Obj) n;
    List<Member> members = new ArrayList<>(o.members());
    int k = index(o, path[depth]);
    if (depth == path.length - 1) {
      Member m = new Member(JsonTree.quote(path[depth]), new JsonTree.Leaf(value));
      if (k >= 0) {
        members.set(k, m);
      } else {
        members.add(m);
      }
    } else {
      members.set(k, new Member(members.get(k).key(), set(members.get(k).value(), path, depth + 1, value)));
    }
    return new Obj(members);
  }
}
