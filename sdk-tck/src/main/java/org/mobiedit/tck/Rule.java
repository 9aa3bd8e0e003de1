package org.mobiedit.tck;

import org.opentest4j.AssertionFailedError;

/**
 * The rules of the SPI contract the kit checks. Every failure message starts with the rule's id and text, so a vendor
 * sees which promise the backend broke: {@code [RANK-ONE-2] revertRankOne restores the logits bit for bit: ...}.
 */
public enum Rule {
  LIFECYCLE_1("LIFECYCLE-1", "the provider's id is short, stable and lower-case"),
  LIFECYCLE_2("LIFECYCLE-2", "the provider speaks this SDK's SPI version"),
  LIFECYCLE_3("LIFECYCLE-3", "support() reports this device supported, without throwing"),
  LIFECYCLE_4("LIFECYCLE-4", "a created backend reports its provider's id"),
  LIFECYCLE_5("LIFECYCLE-5", "Backend.close() is idempotent"),
  LIFECYCLE_6("LIFECYCLE-6", "BackendModel.close() is idempotent and a closed model refuses work with"
      + " IllegalStateException"),
  LIFECYCLE_7("LIFECYCLE-7", "closing a backend closes the models it loaded"),
  LIFECYCLE_8("LIFECYCLE-8", "a precision the backend does not claim is refused with BACKEND_UNSUPPORTED_OPERATION"),
  LIFECYCLE_9("LIFECYCLE-9", "a loaded model reports the spec, precision and memory it was loaded with"),
  FORWARD_1("FORWARD-1", "forward logits match backend-cpu within the precision's tolerance"),
  FORWARD_2("FORWARD-2", "forward's top-1 choices agree with backend-cpu's"),
  FORWARD_3("FORWARD-3", "rows of a batch are independent: a batch gives each row's logits alone"),
  FORWARD_4("FORWARD-4", "decoding with the KV cache gives the logits of a full forward"),
  FORWARD_5("FORWARD-5", "bad token input is refused with INVALID_REQUEST"),
  CAPTURE_1("CAPTURE-1", "captured MLP keys and outputs match backend-cpu within the precision's tolerance"),
  CAPTURE_2("CAPTURE-2", "captureKeys gives captureMlp's key at every position"),
  PREFIX_1("PREFIX-1", "resume from a prefix equals injectForward bit for bit"),
  PREFIX_2("PREFIX-2", "a prefix serves any number of resumes"),
  PREFIX_3("PREFIX-3", "a zero delta gives the plain forward's logits"),
  PREFIX_4("PREFIX-4", "resume matches backend-cpu within the precision's tolerance"),
  BATCH_1("BATCH-1", "a batch of directions gives each direction's logits alone"),
  LOSS_1("LOSS-1", "resumeLoss and injectForwardLoss give the loss terms of the logits resume and injectForward"
      + " return (label log-probabilities and the KL term, within 1e-6)"),
  RANK_ONE_1("RANK-ONE-1", "an update adds left·(right·key) to the layer's MLP output"),
  RANK_ONE_2("RANK-ONE-2", "revertRankOne restores the logits bit for bit"),
  RANK_ONE_3("RANK-ONE-3", "updates revert exactly in any order"),
  RANK_ONE_4("RANK-ONE-4", "a handle reverts once; reverting it again is refused with MobiEditException"),
  RANK_ONE_5("RANK-ONE-5", "logits with an update match backend-cpu's with the same update"),
  CALIBRATE_1("CALIBRATE-1", "restoring the activation scales read before a calibration gives the logits of"
      + " before it bit for bit"),
  CANCEL_1("CANCEL-1", "an edit cancelled mid-search leaves the model bit for bit as before"),
  THREADS_1("THREADS-1", "concurrent forward calls give the results of serial calls"),
  THREADS_2("THREADS-2", "sequences decoded on different threads do not disturb each other"),
  EDIT_1("EDIT-1", "the demo model's edit succeeds where it succeeds on backend-cpu"),
  EDIT_2("EDIT-2", "the edit takes as many steps as on backend-cpu, within the stated tolerance"),
  EDIT_3("EDIT-3", "after the edit the model greedily answers the new object"),
  EDIT_4("EDIT-4", "undoing the edit gives the logits of before it bit for bit");

  private final String id;
  private final String text;

  Rule(String id, String text) {
    this.id = id;
    this.text = text;
  }

  public String id() {
    return id;
  }

  public String text() {
    return text;
  }

  /** Fails with this rule's id and text and the detail, unless {@code holds}. */
  void check(boolean holds, String detail) {
    if (!holds) {
      throw violated(detail);
    }
  }

  AssertionFailedError violated(String detail) {
    return new AssertionFailedError(this + ": " + detail);
  }

  AssertionFailedError violated(String detail, Throwable cause) {
    return new AssertionFailedError(this + ": " + detail + " (" + cause + ")", cause);
  }

  @Override
  public String toString() {
    return "[" + id + "] " + text;
  }
}
