package org.mobiedit.core.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits text into plain segments and added/special tokens written literally in it (longest match first), so that
 * {@code "<|im_start|>user"} becomes the special token followed by the text {@code "user"}.
 */
final class SpecialTokenMatcher {
  /** A piece of text: either a special token id, or plain text ({@code id < 0}). */
  record Segment(int id, String text) {}

  private final Map<Character, List<Map.Entry<String, Integer>>> byFirstChar = new HashMap<>();

  SpecialTokenMatcher(Map<String, Integer> specials) {
    for (Map.Entry<String, Integer> e : specials.entrySet()) {
      if (!e.getKey().isEmpty()) {
        byFirstChar.computeIfAbsent(e.getKey().charAt(0), k -> new ArrayList<>()).add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    for (List<Map.Entry<String, Integer>> l : byFirstChar.values()) {
      l.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> -e.getKey().length()));
    }
  }

  List<Segment> split(String text) {
    List<Segment> out = new ArrayList<>();
    if (byFirstChar.isEmpty()) {
      out.add(new Segment(-1, text));
      return out;
    }
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      List<Map.Entry<String, Integer>> candidates = byFirstChar.get(text.charAt(i));
      Map.Entry<String, Integer> hit = null;
      if (candidates != null) {
        for (Map.Entry<String, Integer> c : candidates) {
          if (text.startsWith(c.getKey(), i)) {
            hit = c;
            break;
          }
        }
      }
      if (hit == null) {
        i++;
        continue;
      }
      if (i > start) {
        out.add(new Segment(-1, text.substring(start, i)));
      }
      out.add(new Segment(hit.getValue(), hit.getKey()));
      i += hit.getKey().length();
      start = i;
    }
    if (start < text.length()) {
      out.add(new Segment(-1, text.substring(start)));
    }
    return out;
  }
}
