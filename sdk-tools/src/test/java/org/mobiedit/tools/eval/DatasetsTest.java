package org.mobiedit.tools.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.core.testing.SharedData;

class DatasetsTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void counterFactInRomeSchema() throws IOException {
    Dataset d = Datasets.read(write("cf.json", "[{\"case_id\": 7, \"requested_rewrite\": {\"prompt\": \"{} plays for\","
        + " \"subject\": \"Messi\", \"target_new\": {\"str\": \"Chicago Bulls\"}, \"target_true\": {\"str\": \"Barca\"}},"
        + " \"paraphrase_prompts\": [\"Yes. Messi is a player of\"], \"neighborhood_prompts\": [\"Xavi plays for\"],"
        + " \"portability\": {\"New Question\": \"Which sport does Messi play?\", \"New Answer\": \"basketball\"}}]"));
    assertEquals(DatasetFormat.COUNTERFACT, d.format());
    EditCase c = d.cases().get(0);
    assertEquals("7", c.id());
    assertEquals("Messi plays for", c.request().getPrompt());
    assertEquals("Chicago Bulls", c.request().getNewObject());
    assertEquals("Barca", c.trueObject());
    assertThat(c.paraphrases()).containsExactly("Yes. Messi is a player of");
    assertThat(c.locality()).containsExactly(new Probe("Xavi plays for", "Barca"));
    assertThat(c.portability()).containsExactly(new Probe("Which sport does Messi play?", "basketball"));
  }

  @Test
  void easyEditZsreMendAndKnowEditAsJsonLines() throws IOException {
    Dataset e = Datasets.read(write("ee.json", "[{\"case_id\": 3, \"prompt\": \"David Robinson plays the sport\","
        + " \"target_new\": \"baseball\", \"subject\": \"David Robinson\", \"ground_truth\": \"basketball\","
        + " \"rephrase_prompt\": \"What sport does David Robinson play?\", \"locality_prompt\": \"Shaq plays\","
        + " \"locality_ground_truth\": \"basketball\"}]"));
    assertEquals(DatasetFormat.EASYEDIT, e.format());
    assertThat(e.cases().get(0).locality()).containsExactly(new Probe("Shaq plays", "basketball"));

    Dataset z = Datasets.read(write("zsre.jsonl", "{\"subject\": \"Watts Humphrey\", \"src\": \"What university did"
        + " Watts Humphrey attend?\", \"alt\": \"University of Michigan\", \"answers\": [\"Illinois\"], \"rephrase\":"
        + " \"Which university did Watts Humphrey go to?\", \"loc\": \"nq question: who sang it\", \"loc_ans\":"
        + " \"Elvis\"}\n"));
    assertEquals(DatasetFormat.ZSRE_MEND, z.format());
    EditCase zc = z.cases().get(0);
    assertEquals("What university did Watts Humphrey attend?", zc.request().getPrompt());
    assertEquals("Illinois", zc.trueObject());
    assertEquals("0", zc.id());

    Dataset k = Datasets.read(write("ke.json", "[{\"subject\": \"Adriano\", \"prompt\": \"The father of Adriano is\","
        + " \"target_new\": \"Giovanni\", \"ground_truth\": [\"Giancarlo\"], \"locality\": {\"Relation_Specificity\":"
        + " [{\"prompt\": \"The mother of Adriano is\", \"ground_truth\": [\"Livia\"]}]}, \"portability\":"
        + " {\"Logical_Generalization\": [{\"prompt\": \"Who is Adriano's father?\", \"ground_truth\": [[\"Giovanni\"]]}]}}]"));
    assertEquals(DatasetFormat.KNOWEDIT, k.format());
    EditCase kc = k.cases().get(0);
    assertThat(kc.locality()).containsExactly(new Probe("The mother of Adriano is", "Livia"));
    assertThat(kc.portability()).containsExactly(new Probe("Who is Adriano's father?", "Giovanni"));
  }

  @Test
  void malformedRecordsAreReportedWithTheirIndexAndSkipped() throws IOException {
    Dataset d = Datasets.read(write("bad.json", "[{\"case_id\": 1, \"requested_rewrite\": {\"prompt\": \"{} is in\","
        + " \"subject\": \"Paris\", \"target_new\": {\"str\": \"Italy\"}}},"
        + " {\"case_id\": 2, \"requested_rewrite\": {\"prompt\": \"{} is in\", \"subject\": \"Rome\"}},"
        + " 42,"
        + " {\"case_id\": 4, \"requested_rewrite\": {\"prompt\": \"Madrid is in\", \"subject\": \"Lisbon\","
        + " \"target_new\": {\"str\": \"France\"}}},"
        + " {\"case_id\": 5, \"requested_rewrite\": {\"prompt\": \"{} is in\", \"subject\": \"Oslo\","
        + " \"target_new\": {\"str\": \"  \"}}},"
        + " {\"case_id\": 6, \"requested_rewrite\": {\"prompt\": \"{} is in\", \"subject\": \"Bern\","
        + " \"target_new\": {\"str\": \"Chile\"}}, \"paraphrase_prompts\": \"not a list\"}]"));
    assertThat(d.cases()).extracting(EditCase::id).containsExactly("1");
    assertThat(d.problems()).extracting(DatasetProblem::index).containsExactly(1, 2, 3, 4, 5);
    assertThat(d.problems().get(0).message()).contains("target_new");
    assertThat(d.problems().get(1).message()).contains("not a JSON object");
    assertThat(d.problems().get(2).message()).contains("does not occur in the prompt");
    assertThat(d.problems().get(3).toString()).startsWith("record 4:").containsIgnoringCase("blank");
    assertThat(d.problems().get(4).message()).contains("paraphrase_prompts");
  }

  @Test
  void unreadableFilesAreErrorsThatSayWhatIsWrong() throws IOException {
    assertThatThrownBy(() -> Datasets.read(dir.resolve("missing.json"))).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("No dataset file");
    assertThatThrownBy(() -> Datasets.read(write("x.json", "[{\"foo\": 1}]"))).hasMessageContaining("no known");
    assertThatThrownBy(() -> Datasets.read(write("y.json", "[{\"prompt\": "))).hasMessageContaining("not a JSON");
    assertThatThrownBy(() -> Datasets.read(write("z.json", "[]"))).hasMessageContaining("no records");
  }

  @Test
  void aBinaryFileIsNotADatasetAndSaysSo() throws IOException {
    byte[] bytes = new byte[4096];
    new java.util.Random(1).nextBytes(bytes);
    bytes[0] = (byte) 0xC3; // an invalid UTF-8 sequence at once
    bytes[1] = (byte) 0x28;
    Path f = dir.resolve("model.bin");
    Files.write(f, bytes);
    assertThatThrownBy(() -> Datasets.read(f)).isInstanceOfSatisfying(MobiEditException.class,
        e -> assertEquals(MobiEditException.Reason.INVALID_REQUEST, e.getReason()))
        .hasMessageContaining("model.bin").hasMessageContaining("not UTF-8").hasMessageNotContaining("Input length");
  }

  @Test
  void aTextFileThatIsNotJsonIsRejectedAtItsFirstCharacter() throws IOException {
    assertThatThrownBy(() -> Datasets.read(write("notes.txt", "these are my notes")))
        .isInstanceOfSatisfying(MobiEditException.class,
            e -> assertEquals(MobiEditException.Reason.INVALID_REQUEST, e.getReason()))
        .hasMessageContaining("notes.txt").hasMessageContaining("starts with \"t\"");
  }

  @Test
  void aHugeFileIsRefusedWithoutBeingRead() throws IOException {
    Path f = dir.resolve("huge.json");
    try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(2L << 30); // sparse: no disk used, but 2 GiB to read
    }
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
        () -> assertThatThrownBy(() -> Datasets.read(f)).isInstanceOf(MobiEditException.class)
            .hasMessageContaining("huge.json").hasMessageContaining("larger than 512 MiB"));
  }

  @Test
  void anEndlessJsonLineIsCutAtTheRecordLimit() throws IOException {
    // Valid UTF-8 and a JSON start, then one endless string: refused once a record passes its limit.
    Path f = dir.resolve("long.jsonl");
    try (java.io.Writer w = Files.newBufferedWriter(f)) {
      w.write("{\"prompt\": \"");
      char[] chunk = new char[1 << 20];
      java.util.Arrays.fill(chunk, 'a');
      for (int i = 0; i < 20; i++) {
        w.write(chunk);
      }
    }
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
        () -> assertThatThrownBy(() -> Datasets.read(f)).isInstanceOf(MobiEditException.class)
            .hasMessageContaining("long.jsonl").hasMessageContaining("longer than 16 Mi characters"));
  }

  @Test
  void deepNestingIsRefusedWithoutRecursion() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Path array = write("deep.json", "[{\"prompt\": \"a\", \"target_new\": \"b\", \"x\": " + deep + "}]");
    assertThatThrownBy(() -> Datasets.read(array)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("deep.json").hasMessageContaining("nest more than 32 levels");
    Path lines = write("deep.jsonl", "{\"locality\": " + deep + "}\n");
    assertThatThrownBy(() -> Datasets.read(lines)).isInstanceOf(MobiEditException.class)
        .hasMessageContaining("nest more than 32 levels");
  }

  @Test
  void aMalformedJsonLineIsNamedByItsLineNumber() throws IOException {
    String good = "{\"subject\": \"Watts\", \"src\": \"Where did Watts go?\", \"alt\": \"Michigan\"}";
    assertThatThrownBy(() -> Datasets.read(write("z.jsonl", "\n" + good + "\n" + good + "\n{\"subject\": 3,,}\n")))
        .hasMessageContaining("line 4 is not one JSON value");
    Dataset crlf = Datasets.read(write("crlf.jsonl", good + "\r\n" + good + "\r\n"));
    assertEquals(2, crlf.cases().size());
  }

  @Test
  void problemsQuoteOnlyExcerptsOfTheRecord() throws IOException {
    String subject = "S".repeat(10_000);
    Dataset d = Datasets.read(write("long.json", "[{\"prompt\": \"x\", \"subject\": \"" + subject
        + "\", \"target_new\": \"y\"}]"));
    assertThat(d.problems()).hasSize(1);
    assertThat(d.problems().get(0).message()).contains("does not occur in the prompt").hasSizeLessThan(300);
  }

  @Test
  void theSharedBenchmarksReadWithoutProblems() {
    Dataset cf = Datasets.read(SharedData.require("editing/counterfact-1031.json"));
    assertEquals(1031, cf.cases().size());
    assertThat(cf.problems()).isEmpty();
    assertThat(cf.cases()).allSatisfy(c -> assertThat(c.locality()).isNotEmpty());
    Dataset ee = Datasets.read(SharedData.require("editing/counterfact-edit-1k.json"));
    assertEquals(DatasetFormat.EASYEDIT, ee.format());
    assertEquals(1000, ee.cases().size() + ee.problems().size());
    Dataset ke = Datasets.read(SharedData.require("editing/zsre-knowedit-demo.json"));
    assertEquals(DatasetFormat.KNOWEDIT, ke.format());
    assertEquals(5, ke.cases().size() + ke.problems().size());
    System.out.printf("CounterFact 1031: %d cases; EasyEdit 1k: %d cases, %d skipped; KnowEdit demo: %d, %d skipped%n",
        cf.cases().size(), ee.cases().size(), ee.problems().size(), ke.cases().size(), ke.problems().size());
    ee.problems().forEach(p -> System.out.println("  EasyEdit " + p));
    ke.problems().forEach(p -> System.out.println("  KnowEdit " + p));
  }
}
