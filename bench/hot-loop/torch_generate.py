#!/usr/bin/env python3
"""PyTorch + transformers prefill and decode speed on a Hugging Face folder (the `mobiedit bench` counterpart).

Loads the folder in fp32 or bf16 and times, after an untimed warm-up (--warmup-tokens of the same text, 2 tokens):
- prefill: one forward pass over --prompt-tokens ids with the key/value cache on, logits of the last position only
  (logits_to_keep=1), and the greedy pick of the first token;
- decode: --decode-tokens - 1 more greedy tokens, one cached forward pass each (the first generated token comes from
  the prefill's logits, as in `mobiedit bench`).
Each section is reported as wall time (time.perf_counter) and CPU time of the process (time.process_time: all
threads, user + system). The prompt is the text `mobiedit bench` uses, tokenized by the folder's tokenizer and cut to
--prompt-tokens ids. Prints one JSON line.

Usage: torch_generate.py --model HF_FOLDER [--dtype fp32|bf16] [--threads N] [--prompt-tokens N]
       [--decode-tokens N] [--warmup-tokens N]
"""
import argparse
import json
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

SENTENCE = "The quick brown fox jumps over the lazy dog. "
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def prompt_ids(tokenizer, n):
    """Exactly n ids of the repeated sentence, tokenized whole (no special tokens)."""
    repeats = n // 8 + 2
    ids = tokenizer(SENTENCE * repeats, add_special_tokens=False)["input_ids"]
    while len(ids) < n:
        repeats *= 2
        ids = tokenizer(SENTENCE * repeats, add_special_tokens=False)["input_ids"]
    return ids[:n]


class Section:
    """Wall and process CPU seconds of a with-block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


@torch.inference_mode()
def generate(model, ids, decode):
    """Prefill of ids (last-token logits), then decode - 1 greedy cached steps; returns the two sections."""
    with Section() as prefill:
        out = model(torch.tensor([ids]), use_cache=True, logits_to_keep=1)
        token = out.logits[:, -1].argmax(-1, keepdim=True)
    with Section() as steps:
        cache = out.past_key_values
        for _ in range(decode - 1):
            out = model(token, past_key_values=cache, use_cache=True)
            cache = out.past_key_values
            token = out.logits[:, -1].argmax(-1, keepdim=True)
    return prefill, steps


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--dtype", choices=sorted(DTYPES), default="fp32")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--prompt-tokens", type=int, default=256)
    p.add_argument("--decode-tokens", type=int, default=32)
    p.add_argument("--warmup-tokens", type=int, default=32)
    a = p.parse_args()
    if a.threads < 1 or a.prompt_tokens < 1 or a.decode_tokens < 1 or a.warmup_tokens < 0:
        p.error("--threads, --prompt-tokens and --decode-tokens must be >= 1, --warmup-tokens >= 0")
    torch.set_num_threads(a.threads)
    with Section() as load:
        tokenizer = AutoTokenizer.from_pretrained(a.model)
        model = AutoModelForCausalLM.from_pretrained(a.model, dtype=DTYPES[a.dtype])
        model.eval()
    if a.warmup_tokens > 0:
        generate(model, prompt_ids(tokenizer, a.warmup_tokens), 2)
    ids = prompt_ids(tokenizer, a.prompt_tokens)
    prefill, decode = generate(model, ids, a.decode_tokens)
    steps = a.decode_tokens - 1
    print(json.dumps({
        "peer": "pytorch", "model": a.model, "dtype": a.dtype, "threads": a.threads, "promptTokens": len(ids),
        "decodeSteps": steps, "warmupTokens": a.warmup_tokens,
        "prefillSeconds": prefill.wall, "prefillCpuSeconds": prefill.cpu,
        "decodeSeconds": decode.wall, "decodeCpuSeconds": decode.cpu,
        "prefillTokensPerSecond": len(ids) / prefill.wall,
        "decodeTokensPerSecond": steps / decode.wall if steps else float("nan"),
        "loadSeconds": load.wall, "firstPromptIds": ids[:8], "torch": torch.__version__,
        "onednn": torch.backends.mkldnn.is_available()}))


if __name__ == "__main__":
    main()
