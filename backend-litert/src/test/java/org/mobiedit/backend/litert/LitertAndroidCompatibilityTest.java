package org.mobiedit.backend.litert;

import java.util.List;
import org.mobiedit.backend.litert.runtime.android.EmulatedAndroid;
import org.mobiedit.spi.BackendProvider;
import org.mobiedit.tck.BackendCompatibilityKit;

/**
 * The compatibility kit through the Android binding on an emulated phone (GPU for float graphs, NPU for static integer
 * ones), its interpreter stood in for by the TFLite interpreter through JavaCPP behind the same buffers: everything
 * of the binding but Google's classes runs the full edit.
 */
class LitertAndroidCompatibilityTest extends BackendCompatibilityKit {
  @Override
  protected BackendProvider provider() {
    return new LitertBackendProvider(() -> List.of(EmulatedAndroid.phone().binding()));
  }
}
