package org.mobiedit.backend.qnn;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.jspecify.annotations.Nullable;
import org.mobiedit.api.MobiEditException;
import org.mobiedit.api.Precision;
import org.mobiedit.backend.graph.BackendSetting;
import org.mobiedit.backend.qnn.provider.ExecutionProvider;
import org.mobiedit.backend.qnn.provider.ProviderSelection;
import org.mobiedit.backend.qnn.runtime.OrtRuntime;
import org.mobiedit.spi.Backend;
import org.mobiedit.spi.BackendConfig;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.spi.Support;

/**
 * The QNN backend's entry point: the edit's graphs written as ONNX and run by ONNX Runtime, on its QNN execution
 * provider (Snapdragon HTP) where the runtime offers it, else on its CPU provider. Construction is cheap;
 * {@link #support()} loads ONNX Runtime's native library and reports why it cannot.
 *
 * <p>Priority: above every other backend for int8-a8 and int8-a16 where ONNX Runtime offers the QNN provider (the NPU
 * the SDK exists for); elsewhere -20, below backend-cpu and backend-litert, so it is used when named
 * ({@code MOBIEDIT_BACKEND=qnn}).
 *
 * <p>Settings: {@code -Dmobiedit.qnn.provider=auto|npu|cpu} ({@link ProviderSelection}); the folder for QNN context
 * binaries, {@code -Dmobiedit.qnn.contextCache=DIR} or {@code MOBIEDIT_QNN_CONTEXT_CACHE} (an app passes its cache
 * folder).
 */
public final class QnnBackendProvider implements BackendProvider {
  public static final String ID = "qnn";
  static final String CONTEXT_CACHE_PROPERTY = "mobiedit.qnn.contextCache";
  static final String CONTEXT_CACHE_ENVIRONMENT = "MOBIEDIT_QNN_CONTEXT_CACHE";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "ONNX Runtime running ONNX graphs the SDK writes from the loaded weights (QNN HTP on Snapdragon, CPU"
        + " provider elsewhere)";
  }

  @Override
  public int priority() {
    return -20;
  }

  /** 20 for the static integer precisions where the QNN provider is offered; {@link #priority()} otherwise. */
  @Override
  public int priority(Precision precision) {
    return priority(precision, new OrtRuntime().unavailable(ExecutionProvider.NPU) == null);
  }

  static int priority(Precision precision, boolean npuOffered) {
    return npuOffered && ExecutionProvider.NPU.refuses(precision) == null ? 20 : -20;
  }

  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public Support support() {
    String problem = OrtRuntime.loadProblem();
    if (problem != null) {
      return Support.no(problem);
    }
    try {
      ProviderSelection.RULE.settingFromEnvironment();
      return Support.yes();
    } catch (MobiEditException e) {
      return Support.no(e.getMessage());
    }
  }

  @Override
  public Backend create(BackendConfig config) {
    String problem = OrtRuntime.loadProblem();
    if (problem != null) {
      throw new MobiEditException(MobiEditException.Reason.BACKEND_UNAVAILABLE, problem);
    }
    return new QnnBackend(config.threads(), ProviderSelection.RULE.setting(config.accelerator()), new OrtRuntime(),
        contextCache(config.cacheFolder()));
  }

  /**
   * Where compiled QNN contexts are kept: the property or environment variable when set, else a {@code qnn} folder in
   * the app's cache folder ({@link BackendConfig#cacheFolder()}), else nowhere.
   */
  static @Nullable Path contextCache(@Nullable Path appCache) {
    String v = BackendSetting.read(CONTEXT_CACHE_PROPERTY, CONTEXT_CACHE_ENVIRONMENT);
    if (v != null) {
      return Paths.get(v);
    }
    return appCache == null ? null : appCache.resolve("qnn");
  }
}
