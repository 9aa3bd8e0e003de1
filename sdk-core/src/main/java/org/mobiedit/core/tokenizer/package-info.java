/**
 * Pure-Java tokenizers: byte-level BPE (GPT-2, Qwen2, Llama 3) and SentencePiece-style BPE with byte fallback
 * (Llama 2, llama2.c), loaded from tokenizer.json, vocab.json + merges.txt or GGUF metadata.
 */
@NullMarked
package org.mobiedit.core.tokenizer;

import org.jspecify.annotations.NullMarked;
