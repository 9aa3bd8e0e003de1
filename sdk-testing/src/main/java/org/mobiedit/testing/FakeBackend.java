package org.mobiedit.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>Which fake a test scripts: the SDK constructs the provider through {@link java.util.ServiceLoader}, so the test
 * reaches its fake through {@link #get()}. That is the fake {@linkplain #install() installed} on the calling thread,
 * else the only one installed, else one shared by the whole JVM. {@link FakeBackendExtension} (JUnit 5)
 * and {@link FakeBackendRule} (JUnit 4) install a fresh fake for each test, so tests that run in parallel never see
 * each other's scripts or records. An editor is bound to its fake when it opens: the fake claimed for its model path
 * ({@link #claim}), else the calling thread's, else, on another thread (one the test started, a pool, a coroutine
 * dispatcher), the only fake installed. While tests run in parallel that last guess is impossible: such an open fails
 * and says to claim the model path. (The installation is not inherited by new threads: pool threads outlive the test
 * that happened to start them, and would carry its fake into the next.) Without the extension or rule, tests use the shared fake and call
 * {@link #reset()} between them. Thread-safe.
 */
public final class FakeBackend {
  /** Steps of an unscripted edit. */
  public static final int DEFAULT_STEPS = 5;

  private static final FakeBackend SHARED = new FakeBackend();
  private static final ThreadLocal<@Nullable FakeBackend> INSTALLED = new ThreadLocal<>();
  private static final Map<Path, FakeBackend> CLAIMED = new ConcurrentHashMap<>();
  /** Every installation not closed yet, on any thread. */
  private static final List<FakeBackend> INSTALLATIONS = new CopyOnWriteArrayList<>();

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

  /**
   * The fake installed on this thread; else, while exactly one test has a fake installed, that one; else the one
   * shared by the JVM.
   */
  public static FakeBackend get() {
    FakeBackend f = INSTALLED.get();
    if (f != null) {
      return f;
    }
    FakeBackend only = onlyInstalled();
    return only != null ? only : SHARED;
  }

  private static @Nullable FakeBackend onlyInstalled() {
    FakeBackend only = null;
    for (FakeBackend f : INSTALLATIONS) {
      if (only != null && only != f) {
        return null;
      }
      only = f;
    }
    return only;
  }

  /** A new fake of its own, used once {@linkplain #install() installed} or {@linkplain #claim claiming} a model. */
  public static FakeBackend create() {
    return new FakeBackend();
  }

  /**
   * Makes this fake the one {@link #get()} returns and editors opened use on this thread (and, while it is the only
   * one installed, on every thread), until the returned installation is closed (on this thread), which restores the
   * previous one and releases this fake's claims.
   */
  public Installation install() {
    Installation i = new Installation(this, INSTALLED.get());
    INSTALLED.set(this);
    INSTALLATIONS.add(this);
    return i;
  }

  /** What {@link #install()} did, undone by {@link #close()}. */
  public static final class Installation implements AutoCloseable {
    private final FakeBackend fake;
    private final @Nullable FakeBackend previous;
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private Installation(FakeBackend fake, @Nullable FakeBackend previous) {
      this.fake = fake;
      this.previous = previous;
    }

    /** The installed fake. */
    public FakeBackend fake() {
      return fake;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("a fake is uninstalled on the thread that installed it (" + thread.getName()
            + ")");
      }
      closed = true;
      INSTALLED.set(previous);
      INSTALLATIONS.remove(fake);
      if (!INSTALLATIONS.contains(fake)) {
        fake.releaseClaims();
      }
    }
  }

  /**
   * Editors opened on {@code model} use this fake, whichever thread opens them, until this fake is reset or
   * uninstalled. For code under test that opens editors on threads the test did not start.
   *
   * @throws IllegalStateException when another fake holds the path: two tests running at once share a model path
   */
  public FakeBackend claim(Path model) {
    Path key = model.toAbsolutePath().normalize();
    FakeBackend holder = CLAIMED.putIfAbsent(key, this);
    if (holder != null && holder != this) {
      throw new IllegalStateException("the model path " + key + " is claimed by another test's fake: give each test"
          + " that runs in parallel a model path of its own");
    }
    return this;
  }

  private void releaseClaims() {
    CLAIMED.values().removeIf(f -> f == this);
  }

  /**
   * The fake an editor opened on {@code model} on this thread uses: the one claiming the path, else this thread's,
   * else {@link #get()}.
   *
   * @throws IllegalStateException when the thread has none and several tests have fakes installed: which test's fake
   *     is meant cannot be known, and a wrong guess would pass or fail tests by chance
   */
  static FakeBackend forModel(Path model) {
    FakeBackend claimed = CLAIMED.get(model.toAbsolutePath().normalize());
    if (claimed != null) {
      return claimed;
    }
    FakeBackend installed = INSTALLED.get();
    if (installed != null) {
      return installed;
    }
    if (!INSTALLATIONS.isEmpty() && onlyInstalled() == null) {
      throw new IllegalStateException("An editor on " + model + " was opened on thread '"
          + Thread.currentThread().getName() + "', which no test started, while several tests have fakes installed"
          + " (tests running in parallel): call fake.claim(modelPath) in the test so the fake backend knows whose"
          + " editor it is.");
    }
    return get();
  }

  /** Forgets every rule, every recorded call and every claimed path, and switches the fake on. */
  public synchronized void reset() {
    releaseClaims();
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
