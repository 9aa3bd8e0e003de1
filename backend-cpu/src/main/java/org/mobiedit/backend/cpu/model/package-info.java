/**
 * The decoder forward pass of the CPU backend and the state it runs on: {@link
 * org.mobiedit.backend.cpu.model.Transformer} converts the weights once at load and runs chunks of tokens through
 * layers (with segments for batched resumes), {@link org.mobiedit.backend.cpu.model.KvCache} holds keys and values,
 * {@link org.mobiedit.backend.cpu.model.MlpHook} observes or injects at one layer's MLP, and rank-one terms sit beside
 * {@code W_down}. Every sum runs in a fixed order, so a token's numbers do not depend on the chunk, the segment or the
 * thread count it is computed with. Internal to backend-cpu.
 */
@NullMarked
package org.mobiedit.backend.cpu.model;

import org.jspecify.annotations.NullMarked;

