package org.mobiedit.core;

import java.util.List;
import org.mobiedit.api.EditOptions;
import org.mobiedit.api.EditRequest;
import org.mobiedit.api.Generation;
import org.mobiedit.api.GenerationOptions;
import org.mobiedit.api.Precision;
import org.mobiedit.core.internal.edit.EditEngine;
import org.mobiedit.core.tokenizer.Tokenizer;
import org.mobiedit.spi.BackendModel;
import org.mobiedit.spi.MemoryUsage;
import org.mobiedit.spi.ModelSpec;

/**
 * A model loaded on a backend, opened with {@link MobiEdit#load}: its architecture, its tokenizer, generation and
 * answer scoring. Open an {@link org.mobiedit.api.Editor} on it with {@link MobiEdit#open(Model,
 * org.mobiedit.api.EditOptions)} to change what it believes; the scores and generations then reflect the edits.
 *
 * <p>Threading: {@link #generate} and {@link #score} may be called from several threads (each call has its own
 * key/value cache), but not while an editor of this model is editing. {@link #close()} releases the backend model, the
 * backend and the file mappings, in that order.
 */
public interface Model extends AutoCloseable {

  /** The architecture, as read from the model's files. */
  ModelSpec spec();

  /** The model's own tokenizer. */
  Tokenizer tokenizer();

  /** The id of the backend it runs on ({@code "cpu"}, {@code "litert"}, …). */
  String backendId();

  /** Which selection rule chose that backend (a property, the environment, priority, a fallback). */
  String backendRule();

  /** The precision the weights were loaded in. */
  Precision precision();

  /** What the loaded weights and caches take, as the backend reports it. */
  MemoryUsage memory();

  /** Time spent opening, validating and loading onto the backend. */
  long loadNanos();

  /** A short hash of the model's files that identifies this model (patch files are bound to it). */
  String fingerprint();

  /** Encodes a prompt as the model expects it (BOS where wanted; special tokens in the text recognised). */
  int[] encodePrompt(String text);

  /** Continues a text prompt. */
  Generation generate(String prompt, GenerationOptions options);

  /** Continues prompt token ids, streaming text to a listener. */
  Generation generate(int[] promptIds, GenerationOptions options, TokenListener listener);

  /**
   * Scores an answer after a prompt by teacher forcing: one forward pass with the answer fed in, the model's choice
   * and log-probability at each answer position.
   *
   * @param answer the answer's token ids as they follow the prompt (e.g. {@code tokenizer().encodeContinuation(" Rome")})
   * @throws org.mobiedit.api.MobiEditException {@code INVALID_REQUEST} for an empty answer, {@code CONTEXT_OVERFLOW}
   *     when prompt and answer do not fit in the context
   */
  AnswerScore score(String prompt, int[] answer);

  /** {@link #score} for many prompt/answer pairs, batched into as few forward passes as the backend allows. */
  List<AnswerScore> scoreAll(List<String> prompts, List<int[]> answers);

  /**
   * The layer an edit with these options changes in this model: the options' layer if they set one, else the SDK's
   * default for the model's depth (about 17 % of it, layer 5 of 36 in the paper's Qwen2.5-3B). For reports that name
   * the layer before an edit has run ({@link org.mobiedit.api.EditResult#getLayer()} names it after).
   */
  default int editLayer(EditOptions options) {
    Integer layer = options.getLayer();
    return layer != null ? layer : EditEngine.defaultLayer(spec().layers());
  }

  /**
   * The token rows an edit of {@code request} runs its steps on, built by the edit engine's own code: pass the
   * context templates the edit used ({@link org.mobiedit.api.EditResult#getContextTemplates()}; they are sampled from
   * the model, so an edit has to run first). For benchmarks that time another method on exactly the same rows.
   *
   * @throws org.mobiedit.api.MobiEditException {@code INVALID_REQUEST} or {@code CONTEXT_OVERFLOW} as the edit itself
   */
  default EditRows editRows(EditRequest request, List<String> contextTemplates) {
    return EditEngine.rows(tokenizer(), request, contextTemplates, spec().contextLength());
  }

  /**
   * The backend's model through the SPI, for tools and benchmarks that time or compare backend operations. Apps do
   * not need it; calling its optional operations directly bypasses the editor's bookkeeping.
   */
  BackendModel backendModel();

  @Override
  void close();
}
