package org.mobiedit.spi;

/**
 * Whether a backend can run here.
 *
 * @param isSupported true when the backend can be created
 * @param reason empty when supported; otherwise what is missing and what to do, e.g. "libtensorflowlite_jni.so not
 *     found: add org.bytedeco:tensorflow-lite with the platform classifier for this device"
 */
public record Support(boolean isSupported, String reason) {

  private static final Support YES = new Support(true, "");

  public static Support yes() {
    return YES;
  }

  public static Support no(String reason) {
    if (reason.trim().isEmpty()) {
      throw new IllegalArgumentException("an unsupported backend must say why");
    }
    return new Support(false, reason);
  }
}
