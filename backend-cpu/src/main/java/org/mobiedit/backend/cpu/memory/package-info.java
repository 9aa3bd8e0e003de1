/**
 * What the CPU backend's copy of a model costs in Java heap ({@link
 * org.mobiedit.backend.cpu.memory.WeightFootprint}, from the spec alone) and the check that refuses a model that
 * cannot fit before any weight is copied ({@link org.mobiedit.backend.cpu.memory.HeapBudget}). Internal to
 * backend-cpu.
 */
@NullMarked
package org.mobiedit.backend.cpu.memory;

import org.jspecify.annotations.NullMarked;

