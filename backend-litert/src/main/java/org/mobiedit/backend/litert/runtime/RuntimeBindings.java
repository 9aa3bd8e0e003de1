package org.mobiedit.backend.litert.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.backend.graph.BackendSetting;
import org.mobiedit.backend.litert.runtime.android.AndroidBinding;
import org.mobiedit.backend.litert.runtime.javacpp.JavacppBinding;

/**
 * Which runtime binding runs the graphs. {@code auto} (the default) takes the first that loads, in the order of
 * {@link #installed()}: Google's TensorFlow Lite for Android when its classes and natives are in the app (it reaches
 * the GPU and NNAPI), else the TFLite interpreter through JavaCPP (CPU). A named binding is used or the load fails with
 * why it does not load.
 *
 * <p>Setting: {@code -Dmobiedit.litert.runtime=auto|tensorflow-lite-android|javacpp} or
 * {@code MOBIEDIT_LITERT_RUNTIME}.
 */
public final class RuntimeBindings {
  public static final String PROPERTY = "mobiedit.litert.runtime";
  public static final String ENVIRONMENT = "MOBIEDIT_LITERT_RUNTIME";

  private RuntimeBindings() {}

  /** The bindings this jar holds, in the order {@code auto} tries them. */
  public static List<RuntimeBinding> installed() {
    return List.of(new AndroidBinding(), new JavacppBinding());
  }

  /** The property, else the environment variable; null (or blank, or {@code auto}) means choose automatically. */
  public static @Nullable String settingFromEnvironment() {
    String v = BackendSetting.read(PROPERTY, ENVIRONMENT);
    return v == null || v.trim().equalsIgnoreCase("auto") ? null : v.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * The binding to use.
   *
   * @param setting a binding's id, or null to take the first of {@code candidates} that loads
   * @throws MobiEditException BACKEND_UNAVAILABLE naming what each binding lacks, or the unknown setting
   */
  public static RuntimeBinding choose(@Nullable String setting, List<RuntimeBinding> candidates) {
    List<String> problems = new ArrayList<>();
    for (RuntimeBinding b : candidates) {
      if (setting != null && !b.id().equals(setting)) {
        continue;
      }
      String problem = b.loadProblem();
      if (problem == null) {
        return b;
      }
      problems.add(b.id() + ": " + problem);
    }
    if (setting != null && problems.isEmpty()) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, "Unknown LiteRT runtime '"
          + setting + "' (-D" + PROPERTY + " or " + ENVIRONMENT + "): use auto or one of " + ids(candidates) + ".");
    }
    throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, "No TFLite runtime loads here. "
        + String.join("; ", problems) + ".");
  }

  private static String ids(List<RuntimeBinding> candidates) {
    List<String> ids = new ArrayList<>();
    for (RuntimeBinding b : candidates) {
      ids.add(b.id());
    }
    return String.join(", ", ids);
  }
}
