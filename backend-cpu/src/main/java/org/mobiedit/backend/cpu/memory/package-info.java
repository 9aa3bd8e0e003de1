/**
 * Where the CPU backend's copy of a model lives and what it costs: weight rows in direct buffers outside the Java heap
 * ({@link org.mobiedit.backend.cpu.memory.DirectRows}), their size from the spec alone ({@link
 * org.mobiedit.backend.cpu.memory.WeightFootprint}), and the check that refuses a model that cannot fit before any
 * weight is copied ({@link org.mobiedit.backend.cpu.memory.DirectMemoryBudget}). Internal to backend-cpu.
 */
@NullMarked
package org.mobiedit.backend.cpu.memory;

import org.jspecify.annotations.NullMarked;
