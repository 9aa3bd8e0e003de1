package org.mobiedit.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mobiedit.world.WorldModel;

/** Cases drawn from the shipped demo world: what each part of a case must be, the seed and the exclusions. */
class WorldCasesTest {
  private static final World WORLD = World.read(WorldModel.extract().resolve("world.json"));

  @Test
  void everyCaseIsAnEditOfAWorldFactWithSameObjectNeighboursAndAChainedProbe() {
    JsonArray cases = WorldCases.draw(WORLD, 5, 60, Set.of(), Set.of());
    assertThat(cases).hasSize(60);
    int probes = 0;
    for (JsonElement e : cases) {
      JsonObject c = e.getAsJsonObject();
      JsonObject rw = c.getAsJsonObject("requested_rewrite");
      String subject = rw.get("subject").getAsString();
      World.Relation relation = WORLD.relation(rw.get("relation_id").getAsString()).orElseThrow();
      String truth = rw.getAsJsonObject("target_true").get("str").getAsString();
      String target = rw.getAsJsonObject("target_new").get("str").getAsString();
      assertThat(WORLD.fact(subject, relation).orElseThrow().object()).isEqualTo(truth);
      assertThat(target).isNotEqualTo(truth).isIn(WORLD.objectsOf(relation));
      assertThat(c.getAsJsonArray("paraphrase_prompts")).hasSize(relation.phrasings().size() - 1);
      JsonArray neighbours = c.getAsJsonArray("neighborhood_prompts");
      assertThat(neighbours.size()).isBetween(1, 5);
      for (JsonElement n : neighbours) {
        String prompt = n.getAsString();
        // another subject of the same relation, whose true object is the edited fact's
        World.Fact other = WORLD.facts().stream()
            .filter(f -> f.relation().equals(relation) && !f.subject().equals(subject))
            .filter(f -> relation.phrasings().stream().anyMatch(p -> prompt.equalsIgnoreCase(
                relation.prompt(f.subject(), relation.phrasings().indexOf(p)))))
            .findFirst().orElseThrow();
        assertThat(other.object()).isEqualTo(truth);
      }
      if (c.has("portability")) {
        probes++;
        JsonObject p = c.getAsJsonArray("portability").get(0).getAsJsonObject();
        String answer = p.get("ground_truth").getAsString();
        assertThat(WORLD.factsOf(target)).anyMatch(f -> f.object().equals(answer));
        assertThat(p.get("prompt").getAsString()).contains(subject);
      }
    }
    assertThat(probes).isPositive();
  }

  @Test
  void theSeedFixesTheDrawAndExcludedFactsAreNotDrawn() {
    assertThat(WorldCases.draw(WORLD, 5, 30, Set.of(), Set.of()))
        .isEqualTo(WorldCases.draw(WORLD, 5, 30, Set.of(), Set.of()))
        .isNotEqualTo(WorldCases.draw(WORLD, 6, 30, Set.of(), Set.of()));
    Set<String> excluded = new HashSet<>();
    for (JsonElement e : WorldCases.draw(WORLD, 5, 30, Set.of(), Set.of())) {
      JsonObject rw = e.getAsJsonObject().getAsJsonObject("requested_rewrite");
      excluded.add(WorldCases.key(rw.get("subject").getAsString(), rw.get("relation_id").getAsString()));
    }
    for (JsonElement e : WorldCases.draw(WORLD, 5, 200, excluded, Set.of())) {
      JsonObject rw = e.getAsJsonObject().getAsJsonObject("requested_rewrite");
      assertThat(excluded).doesNotContain(WorldCases.key(rw.get("subject").getAsString(),
          rw.get("relation_id").getAsString()));
    }
    for (JsonElement e : WorldCases.draw(WORLD, 5, 20, Set.of(), Set.of("country"))) {
      assertThat(e.getAsJsonObject().getAsJsonObject("requested_rewrite").get("relation_id").getAsString())
          .isEqualTo("country");
    }
  }
}
