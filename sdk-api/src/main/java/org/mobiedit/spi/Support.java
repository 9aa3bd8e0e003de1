package org.mobiedit.spi;

/**
 * Whether a backend can run here.
 *
 * @param isSupported true when the backend can be created
 * @param reason when unsupported, what is missing and what to do, e.g. "libtensorflowlite_jni.so not found: add
 *     org.bytedeco:tensorflow-lite with the platform classifier for this device"; when supported, empty or a note
 *     on how the backend will run here ({@link #yes(String)}), e.g. which kernels it chose
 */
public record Support(boolean isSupported, String reason) {

  private static final Support YES = new Support(true, "");

  public static Support yes() {
    return YES;
  }

  /**
   * Supported, with a note on how the backend runs on this device, shown by listings such as {@code mobiedit
   * backends} (for example the kernels chosen and what would make them faster).
   */
  public static Support yes(String note) {
    return note.trim().isEmpty() ? YES : new Support(true, note);
  }

  public static Support no(String reason) {
    if (reason.trim().isEmpty()) {
      throw new IllegalArgumentException("an unsupported backend must say why");
    }
    return new Support(false, reason);
  }
}
