package org.mobiedit.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.MobiEditException;

/**
 * The script and the record of the fake backend: what editors opened on it answer, and what they were asked.
 *
 * <p>With {@code sdk-testing} on the test class path, the SDK's backend selection picks the fake (its priority is the
 * highest), and {@code MobiEdit.open(path, options)} returns a fake editor that follows this script instead of loading
 * a model. The app's own code does not change.
 *
 * <pre>{@code
 * FakeBackend fake = FakeBackend.get();
 * fake.onEdit("The Eiffel Tower").succeedAfter(12).taking(Duration.ofMillis(5));
 * fake.onEdit("Mars").failWith(MobiEditException.Reason.BACKEND_FAILURE, "NPU lost");
 * fake.onGenerate("The capital of France is").reply(" Paris.");
 * ...  // the app code under test runs
 * assertEquals(List.of(EditRequest.of("The Eiffel Tower", "is in", "Rome")), fake.editRequests());
 * }</pre>
 *
 * <p>Unscripted edits succeed after {@value #DEFAULT_STEPS} steps with no delay. After a successful edit, a prompt that
 * contains the edited prompt is answered with the new object; other unscripted prompts get an empty continuation.
 * When several rules match, the one added last wins.
 *
 * <p>There is one fake per JVM: the provider is constructed by {@link java.util.ServiceLoader}, so the test reaches it
 * through {@link #get()} (the same pattern as coroutines' test main dispatcher). Call {@link #reset()} between tests, or
 * use {@link FakeBackendExtension}. Thread-safe.
 */
public final class FakeBackend {
  /** Steps of an unscripted edit. */
  public static final int DEFAULT_STEPS = 5;

  private static final FakeBackend INSTANCE = new FakeBackend();

  private final List<EditScript> editScripts = new ArrayList<>();
  private final List<GenerationScript> generationScripts = new ArrayList<>();
  private final List<Path> openedModels = new ArrayList<>();
  private final List<EditRequest> editRequests = new ArrayList<>();
  private final List<EditRequest> cancelledEdits = new ArrayList<>();
  private final List<String> generatePrompts = new ArrayList<>();
  private @Nullable MobiEditException nextOpenFailure;
  private boolean enabled = true;
  private int openEditors;

  private FakeBackend() {}

  /** The fake of this JVM. */
  public static FakeBackend get() {
    return INSTANCE;
  }

  /** Forgets every rule and every recorded call, and switches the fake on. */
  public synchronized void reset() {
    editScripts.clear();
    generationScripts.clear();
    openedModels.clear();
    editRequests.clear();
    cancelledEdits.clear();
    generatePrompts.clear();
    nextOpenFailure = null;
    enabled = true;
    openEditors = 0;
  }

  /** Scripts the edits whose subject is {@code subject}. */
  public EditScript onEdit(String subject) {
    Objects.requireNonNull(subject, "subject");
    return onEdit(r -> r.getSubject().equals(subject));
  }

  /** Scripts the edits that {@code which} accepts. */
  public synchronized EditScript onEdit(Predicate<EditRequest> which) {
    EditScript s = new EditScript(which);
    editScripts.add(s);
    return s;
  }

  /** Scripts generation for exactly this prompt. */
  public GenerationScript onGenerate(String prompt) {
    Objects.requireNonNull(prompt, "prompt");
    return onGenerate(p -> p.equals(prompt));
  }

  /** Scripts generation for the prompts that {@code which} accepts. */
  public synchronized GenerationScript onGenerate(Predicate<String> which) {
    GenerationScript s = new GenerationScript(which);
    generationScripts.add(s);
    return s;
  }

  /** Makes the next {@code MobiEdit.open} fail as a real one would (a missing model, an unavailable backend…). */
  public synchronized void failNextOpen(MobiEditException.Reason reason, String message) {
    nextOpenFailure = new MobiEditException(reason, message);
  }

  /**
   * Switches the fake off (it then reports itself unsupported and the SDK selects the next backend) or on again. For
   * the rare test that wants the real backend while {@code sdk-testing} is on the class path; {@code
   * -Dmobiedit.backend=cpu} does the same for a whole run.
   */
  public synchronized void setEnabled(boolean on) {
    enabled = on;
  }

  public synchronized boolean isEnabled() {
    return enabled;
  }

  /** Model paths editors were opened on, in order (including opens that failed as scripted). */
  public synchronized List<Path> openedModels() {
    return List.copyOf(openedModels);
  }

  /** Every edit request received, in order, whatever its outcome. */
  public synchronized List<EditRequest> editRequests() {
    return List.copyOf(editRequests);
  }

  /** The edits that ended cancelled (by the caller or by the script). */
  public synchronized List<EditRequest> cancelledEdits() {
    return List.copyOf(cancelledEdits);
  }

  /** Every prompt given to {@code generate}, in order. */
  public synchronized List<String> generatePrompts() {
    return List.copyOf(generatePrompts);
  }

  /** Editors opened and not closed yet: 0 after a test that closes what it opens. */
  public synchronized int openEditors() {
    return openEditors;
  }

  // ---- used by the fake editor -------------------------------------------------------------------------------------

  synchronized void opening(Path model) {
    openedModels.add(model);
    MobiEditException failure = nextOpenFailure;
    if (failure != null) {
      nextOpenFailure = null;
      throw new MobiEditException(failure.getReason(), failure.getMessage());
    }
    openEditors++;
  }

  synchronized void closed() {
    openEditors--;
  }

  synchronized EditScript.Outcome editOutcome(EditRequest request) {
    editRequests.add(request);
    for (int i = editScripts.size() - 1; i >= 0; i--) {
      if (editScripts.get(i).matches(request)) {
        return editScripts.get(i).outcome();
      }
    }
    return EditScript.Outcome.DEFAULT;
  }

  synchronized void cancelled(EditRequest request) {
    cancelledEdits.add(request);
  }

  synchronized GenerationScript.@Nullable Reply generationReply(String prompt) {
    generatePrompts.add(prompt);
    for (int i = generationScripts.size() - 1; i >= 0; i--) {
      if (generationScripts.get(i).matches(prompt)) {
        return generationScripts.get(i).reply();
      }
    }
    return null;
  }

  static void pause(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis(), d.getNano() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MobiEditException(MobiEditException.Reason.CANCELLED, "The thread was interrupted.");
    }
  }
}
