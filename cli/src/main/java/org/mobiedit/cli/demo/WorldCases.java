package org.mobiedit.cli.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Edit cases drawn from a demo world with a seed, in CounterFact's ROME schema, as {@code tools/world/world.py} draws
 * the world's own dev and held-out sets: a fact whose object another subject shares under the same relation; a new
 * object of the same kind; the relation's other phrasings as paraphrases; up to five other subjects with the same
 * relation and the same true object as neighbours (the hardest facts to leave alone: an edit that moves the object
 * moves them too). New here: a portability probe where the world chains relations (a person's employer is based in a
 * city, a company's city lies in a country): the second hop asked about the subject through the first relation's
 * noun phrase ("The employer of X is based in"), answered by the new object's fact.
 *
 * <p>Settings are chosen on one set and reported on another: a fresh seed gives cases nobody tuned on, and facts
 * already used by other sets are left out.
 */
public final class WorldCases {
  private WorldCases() {}

  /**
   * @param seed the draw: the same seed, world and exclusions give the same cases
   * @param count how many (fewer when the world has fewer editable facts left)
   * @param excluded facts not to draw, as {@link #key(String, String)} of subject and relation
   * @param relations the relations to draw from; empty means all
   */
  public static JsonArray draw(World world, long seed, int count, Set<String> excluded, Set<String> relations) {
    Map<String, List<String>> sharing = new HashMap<>();
    for (World.Fact f : world.facts()) {
      sharing.computeIfAbsent(f.relation().name() + "\u0000" + f.object(), k -> new ArrayList<>()).add(f.subject());
    }
    List<World.Fact> editable = new ArrayList<>();
    for (World.Fact f : world.facts()) {
      if (!excluded.contains(key(f.subject(), f.relation().name()))
          && (relations.isEmpty() || relations.contains(f.relation().name()))
          && sharing.get(f.relation().name() + "\u0000" + f.object()).size() > 1
          && world.objectsOf(f.relation()).size() > 1) {
        editable.add(f);
      }
    }
    Random rng = new Random(seed);
    Collections.shuffle(editable, rng);
    JsonArray cases = new JsonArray();
    for (int i = 0; i < Math.min(count, editable.size()); i++) {
      World.Fact f = editable.get(i);
      World.Relation rel = f.relation();
      List<String> choices = new ArrayList<>(world.objectsOf(rel));
      choices.remove(f.object());
      String target = choices.get(rng.nextInt(choices.size()));
      List<String> others = new ArrayList<>(sharing.get(rel.name() + "\u0000" + f.object()));
      others.remove(f.subject());
      Collections.shuffle(others, rng);

      JsonObject rewrite = new JsonObject();
      rewrite.addProperty("prompt", rel.phrasings().get(0));
      rewrite.addProperty("subject", f.subject());
      rewrite.addProperty("relation_id", rel.name());
      rewrite.add("target_new", str(target));
      rewrite.add("target_true", str(f.object()));
      JsonArray paraphrases = new JsonArray();
      for (int k = 1; k < rel.phrasings().size(); k++) {
        paraphrases.add(f.prompt(k));
      }
      JsonArray neighbours = new JsonArray();
      for (String s : others.subList(0, Math.min(5, others.size()))) {
        neighbours.add(rel.prompt(s, rng.nextInt(rel.phrasings().size())));
      }
      JsonObject c = new JsonObject();
      c.addProperty("case_id", i);
      c.add("requested_rewrite", rewrite);
      c.add("paraphrase_prompts", paraphrases);
      c.add("neighborhood_prompts", neighbours);
      JsonObject probe = portability(world, f, target, rng);
      if (probe != null) {
        JsonArray p = new JsonArray();
        p.add(probe);
        c.add("portability", p);
      }
      cases.add(c);
    }
    return cases;
  }

  /** The key of a fact in {@code excluded}. */
  public static String key(String subject, String relation) {
    return subject + "\u0000" + relation;
  }

  /**
   * A second hop from the new object: a relation whose subjects are of the new object's kind, asked through the
   * edited relation's noun phrase ("The employer of {}"); null when the world has no such chain or phrasing.
   */
  private static @Nullable JsonObject portability(World world, World.Fact f, String target, Random rng) {
    String phrase = nounPhrase(f.relation());
    if (phrase == null) {
      return null;
    }
    List<World.Fact> next = new ArrayList<>();
    for (World.Fact g : world.factsOf(target)) {
      next.add(g);
    }
    if (next.isEmpty()) {
      return null;
    }
    World.Fact hop = next.get(rng.nextInt(next.size()));
    String text = hop.relation().phrasings().get(0).replace("{}", phrase.replace("{}", f.subject()));
    JsonObject probe = new JsonObject();
    probe.addProperty("prompt", Character.toUpperCase(text.charAt(0)) + text.substring(1));
    probe.addProperty("ground_truth", hop.object());
    return probe;
  }

  /** "the employer of {}" from a phrasing "The employer of {} is", or null when the relation has none. */
  private static @Nullable String nounPhrase(World.Relation relation) {
    for (String p : relation.phrasings()) {
      int slot = p.indexOf("{}");
      if (p.startsWith("The ") && slot > 0 && p.substring(0, slot).endsWith(" of ")
          && p.startsWith(" is", slot + 2)) {
        return "the" + p.substring(3, slot + 2);
      }
    }
    return null;
  }

  private static JsonObject str(String s) {
    JsonObject o = new JsonObject();
    o.addProperty("str", s);
    return o;
  }
}
