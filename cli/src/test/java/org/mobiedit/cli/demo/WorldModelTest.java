package org.mobiedit.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.core.LoadOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.core.Model;
import org.mobiedit.world.WorldModel;

/** The embedded demo model knows its world, as the training tool says it does, read by the SDK's own engine. */
class WorldModelTest {

  @Test
  void theEmbeddedModelStatesItsWorldsFactsAsTheTrainingToolMeasured() throws Exception {
    Path dir = WorldModel.extract();
    World world = World.read(dir.resolve("world.json"));
    assertThat(world.facts()).hasSizeGreaterThan(300);
    assertThat(world.editLayer()).contains(2);
    assertThat(world.subjectsByKind().values().stream().mapToInt(java.util.List::size).sum()).isGreaterThan(200);
    WorldRecall recall;
    try (Model lm = MobiEdit.load(dir, new LoadOptions(Precision.FP32, null, 0))) {
      assertThat(lm.spec().layers()).isGreaterThanOrEqualTo(6);
      recall = WorldRecall.measure(lm, world);
    }
    assertThat(recall.atLeastTwo()).isGreaterThanOrEqualTo(0.95);
    // The same figures as PyTorch measured at the end of training (a borderline argmax may flip between libraries).
    JsonObject trained = JsonParser.parseString(Files.readString(Path.of("../models/mobiedit-world/training.json")))
        .getAsJsonObject().getAsJsonObject("recall");
    assertEquals(trained.get("atLeastTwoPhrasings").getAsDouble(), recall.atLeastTwo(), 0.005);
    for (int k = 0; k < recall.perPhrasing().length; k++) {
      assertEquals(trained.getAsJsonArray("perPhrasing").get(k).getAsDouble(), recall.perPhrasing()[k], 0.005);
    }
  }

  @Test
  void theModelFitsInTheRepositorysBudget() throws Exception {
    long bytes = 0;
    try (var files = Files.list(Path.of("../models/mobiedit-world"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        bytes += Files.size(p);
      }
    }
    // 8.5 MB for the model, its tokenizer and cases, plus 6.2 MB of prepared key statistics (five layers, as far as
    // a sequence's edit reaches, of two 384-wide moments, texts and vocabulary, in float64, and 1,024 texts;
    // docs/edit-engine.md, "Prepared key statistics"): 14.0 MiB
    assertThat(bytes).isLessThanOrEqualTo(15L << 20);
  }

  @Test
  void worldLookupsIgnoreCaseAndAcceptPhrasings() {
    World world = World.read(WorldModel.extract().resolve("world.json"));
    World.Fact f = world.facts().get(0);
    assertEquals(f.subject(), world.subject(f.subject().toUpperCase(java.util.Locale.ROOT)).orElseThrow());
    World.Relation r = f.relation();
    assertEquals(r, world.relation(r.name().toUpperCase(java.util.Locale.ROOT)).orElseThrow());
    assertEquals(r, world.relation(r.phrasings().get(1)).orElseThrow());
    assertThat(world.relation("is married to")).isEmpty();
    assertThat(world.objectsOf(r)).contains(f.object());
  }

  @Test
  void aFileThatIsNotAWorldIsReportedByName(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("world.json");
    Files.writeString(bad, "{\"relations\": {\"x\": {\"subjectKind\": \"a\", \"objectKind\": \"b\", \"phrasings\": [\"no"
        + " slot\"]}}}");
    MobiEditException e = assertThrows(MobiEditException.class, () -> World.read(bad));
    assertThat(e.getMessage()).contains(bad.toString()).contains("is not a demo world file").contains("{} slot");
    MobiEditException missing = assertThrows(MobiEditException.class, () -> World.read(tmp.resolve("none.json")));
    assertThat(missing.getMessage()).contains("No file at").contains("none.json").contains("tools/world/build.sh");
  }
}
