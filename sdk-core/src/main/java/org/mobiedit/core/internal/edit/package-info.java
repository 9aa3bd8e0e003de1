/**
 * The MobiEdit engine. {@code Editor.edit} → {@link org.mobiedit.core.internal.edit.MobiEditor} (records and undoes
 * edits) → {@link org.mobiedit.core.internal.edit.EditEngine} (one edit, in this order) → the steps below → the
 * backend's {@link org.mobiedit.spi.BackendModel}.
 *
 * <ol>
 *   <li>{@link org.mobiedit.core.internal.edit.BackendCapabilities}: the backend claims every operation an edit
 *       needs, or the edit is refused before any work.
 *   <li>{@link org.mobiedit.core.internal.edit.ActivationScales}: static activation scales from the edit's own tokens
 *       (int8-a8 and int8-a16 only), before and after the templates exist.
 *   <li>{@link org.mobiedit.core.internal.edit.ContextTemplates}: the plain prompt and short prefixes sampled from
 *       the model.
 *   <li>{@link org.mobiedit.core.internal.edit.EditBatch}: the token rows (one per template, plus the essence row),
 *       lookup and label positions.
 *   <li>{@link org.mobiedit.core.internal.edit.KeyDirection}: the keys at the subject's last token, their mean
 *       {@code k̄}, and the direction {@code u} ({@code k̄/|k̄|}, or {@code C⁻¹k̄} from
 *       {@link org.mobiedit.core.internal.edit.KeyStatistics}, kept by
 *       {@link org.mobiedit.core.internal.edit.KeyStatisticsCache}, or prepared once per model by
 *       {@link org.mobiedit.core.internal.edit.PreparedKeyStatistics}).
 *   <li>{@link org.mobiedit.core.internal.edit.EditLoss}: the loss of a correction {@code δ}, with the unedited
 *       essence distribution.
 *   <li>{@link org.mobiedit.core.internal.edit.RewriteCheck}: does the unedited model already answer? Then nothing
 *       is written.
 *   <li>{@link org.mobiedit.core.internal.edit.PrefixCachePlan}: where the search's forwards start (the exact
 *       prefix cache, or position 0).
 *   <li>{@link org.mobiedit.core.internal.edit.ValueSearch}: the forward-only search for {@code δ}
 *       ({@link org.mobiedit.core.internal.edit.ForwardOnlyEstimator},
 *       {@link org.mobiedit.core.internal.edit.StepSchedule}, {@link org.mobiedit.core.internal.edit.DeltaClamp}),
 *       with {@link org.mobiedit.core.internal.edit.EarlyStopping} every K steps.
 *   <li>{@link org.mobiedit.core.internal.edit.RankOneUpdate}: {@code r = δ/(k·u)}, tried by the success check and
 *       then written, {@code W_down += r ⊗ u}.
 * </ol>
 *
 * <p>Every step before the write leaves the model as it was; {@link org.mobiedit.core.internal.edit.Cancellation}
 * is checked between steps.
 */
@NullMarked
package org.mobiedit.core.internal.edit;

import org.jspecify.annotations.NullMarked;

