package org.mobiedit.examples.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mobiedit.api.EditCall;
import org.mobiedit.api.EditListener;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.EditResult;
import org.mobiedit.api.Editor;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.core.MobiEdit;
import org.mobiedit.world.WorldModel;

/**
 * A console app: teaches the demo model a new fact, shows it answering, saves the edit, undoes it, and restores it
 * from the saved file in a fresh editor.
 *
 * <p>Run: {@code mvn -pl examples/java-console -am verify} (it runs as part of the build), or pass a model folder or
 * GGUF file as the first argument together with a subject, relation template and new object.
 */
public final class TeachAFact {
  private TeachAFact() {}

  public static void main(String[] args) throws Exception {
    Path model = args.length > 0 ? Path.of(args[0]) : WorldModel.extract();
    EditRequest request = args.length >= 4
        ? EditRequest.of(args[1], args[2], args[3])
        : EditRequest.of("Zevour", "{} was born in", "Gaizobu");
    // The recommended search, at the layer the demo model is edited at.
    EditOptions options = EditOptions.recommended().toBuilder()
        .layer(args.length > 0 ? null : WorldModel.EDIT_LAYER)
        .build();
    GenerationOptions greedy = GenerationOptions.greedy(6);
    Path patch = Files.createTempFile("teach-a-fact-", ".medp");

    try (Editor editor = MobiEdit.open(model, options)) {
      System.out.println("before: " + request.getPrompt() + editor.generate(request.getPrompt(), greedy).getText());
      EditCall call = editor.newCall(request, new EditListener() {
        @Override
        public void onStep(int step, int maxSteps, double loss, long forwardPasses) {
          if (step % 10 == 0) {
            System.out.printf(Locale.ROOT, "  step %d/%d, loss %.3f%n", step, maxSteps, loss);
          }
        }
      });
      EditResult result = call.execute(); // call.cancel() from another thread would stop it, model unchanged
      System.out.printf(Locale.ROOT, "edit: %s after %d steps, %d ms%n", result.isSuccess() ? "success" : "no success",
          result.getSteps(), result.getWallMillis());
      String after = editor.generate(request.getPrompt(), greedy).getText();
      System.out.println("after:  " + request.getPrompt() + after);
      if (!result.isSuccess() || !after.strip().startsWith(request.getNewObject())) {
        throw new IllegalStateException("the model did not learn the fact");
      }
      editor.save(patch);
      editor.undoLast();
      System.out.println("undone: " + request.getPrompt() + editor.generate(request.getPrompt(), greedy).getText());
    }

    try (Editor editor = MobiEdit.open(model, options)) {
      editor.load(patch);
      String restored = editor.generate(request.getPrompt(), greedy).getText();
      System.out.println("restored from " + patch.getFileName() + ": " + request.getPrompt() + restored);
      if (!restored.strip().startsWith(request.getNewObject())) {
        throw new IllegalStateException("the saved edit did not come back");
      }
    } finally {
      Files.deleteIfExists(patch);
    }
  }
}
