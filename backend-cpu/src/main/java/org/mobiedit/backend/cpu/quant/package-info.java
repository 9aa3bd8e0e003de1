/**
 * Static activation quantization for the NPU-faithful precisions (int8-a8, int8-a16): {@link
 * org.mobiedit.backend.cpu.quant.ActivationQuantizer} calibrates one scale per activation point and rounds the
 * tensors that enter matrix products onto the shared symmetric grid ({@link org.mobiedit.spi.numerics}), as a phone
 * NPU would. Internal to backend-cpu.
 */
@NullMarked
package org.mobiedit.backend.cpu.quant;

import org.jspecify.annotations.NullMarked;

