package org.mobiedit.backend.litert.runtime.android;

import org.jspecify.annotations.Nullable;
import org.mobiedit.backend.litert.accelerator.Accelerator;
import org.mobiedit.backend.litert.accelerator.AcceleratorProbe;

/**
 * What Google's TensorFlow Lite for Android reaches on a device: the CPU through XNNPACK, the GPU through the GPU
 * delegate where its compatibility list supports the device, and the NPU through NNAPI (Android 8.1 and later), which
 * hands the graph to the vendor's driver (Qualcomm, MediaTek, Samsung, Google Tensor). NNAPI is deprecated from
 * Android 15 but still shipped; the graphs it cannot place run on TFLite's CPU kernels, never on NNAPI's own slow CPU
 * implementation (the delegate is created with {@code useNnapiCpu = false}).
 */
final class AndroidAccelerators implements AcceleratorProbe {
  private final AndroidDevice device;

  AndroidAccelerators(AndroidDevice device) {
    this.device = device;
  }

  @Override
  public @Nullable String unavailable(Accelerator accelerator) {
    return switch (accelerator) {
      case CPU -> null;
      case GPU -> device.gpuProblem();
      case NPU -> npuProblem();
    };
  }

  private @Nullable String npuProblem() {
    int sdk = device.sdkInt();
    if (sdk < AndroidDevice.NNAPI_MIN_SDK) {
      return "the NPU is reached through NNAPI, which needs Android 8.1 (API " + AndroidDevice.NNAPI_MIN_SDK
          + ") or later; this device runs API " + sdk;
    }
    if (!device.hasClass(AndroidDevice.NNAPI_DELEGATE)) {
      return "the app does not hold TensorFlow Lite's NNAPI delegate (add org.tensorflow:tensorflow-lite-api, which"
          + " org.tensorflow:tensorflow-lite brings unless excluded)";
    }
    return null;
  }
}
