package org.mobiedit.core.fuzz;

/**
 * One mutated input: the bytes of the one file that differs from its seed, and how it was made. Everything else the
 * target needs (the other files of a model folder, the loaded model of the patch target) comes from the seed.
 *
 * @param target the target's name
 * @param index the input's number within its target; with the campaign seed it regenerates the same input
 * @param seed which seed it was made from (a short name, e.g. {@code stories260K/hf})
 * @param fileName the name the mutated file is written under (e.g. {@code config.json})
 * @param bytes the mutated file's content
 * @param sparseLength when larger than {@code bytes.length}, the file is extended with zeros to this length
 *     without writing them (a sparse file: how the fuzzer makes files of gigabytes cheaply)
 * @param mutation what was changed, for the finding's summary line
 */
record FuzzInput(String target, long index, String seed, String fileName, byte[] bytes, long sparseLength,
    String mutation) {}
