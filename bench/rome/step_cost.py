#!/usr/bin/env python3
"""Backpropagation cost per optimization step at a model's real shape (the `mobiedit bench` counterpart).

Loads a Hugging Face folder in fp32 (weights frozen), builds the rows a ROME value search uses at the same sizes as
our engine's benchmark request (6 rows of context template + prompt + target, plus the essence row, seeded random
token ids: the cost does not depend on which tokens), and times forward + backward + Adam step of delta injected at
one layer's MLP output. Prints one JSON object: ms per step (after a warm-up step) and peak resident memory.

Usage: step_cost.py --model HF_FOLDER --layer L [--threads N] [--steps N] [--row-tokens N]
"""
import argparse
import json
import resource
import time

import torch
from transformers import AutoModelForCausalLM


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--layer", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--rows", type=int, default=6)
    p.add_argument("--row-tokens", type=int, default=40)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32)
    model.eval()
    for w in model.parameters():
        w.requires_grad_(False)
    load = time.perf_counter() - start
    vocab = model.config.vocab_size
    ids = torch.randint(3, vocab, (a.rows + 1, a.row_tokens), generator=g)
    lookup = a.row_tokens // 3
    labels = list(range(a.row_tokens - 4, a.row_tokens))
    target = torch.randint(3, vocab, (len(labels),), generator=g)
    d = model.config.hidden_size
    delta = torch.zeros(d, requires_grad=True)
    mlp = model.model.layers[a.layer].mlp

    def inject(m, i, o):
        o = o.clone()
        o[:, lookup] = o[:, lookup] + delta
        return o

    with torch.no_grad():
        ess0 = torch.log_softmax(model(ids[-1:]).logits[0, lookup], -1)
    h = mlp.register_forward_hook(inject)
    opt = torch.optim.Adam([delta], lr=0.5)
    times = []
    for step in range(a.steps):
        t = time.perf_counter()
        opt.zero_grad()
        lg = model(ids).logits
        lp = torch.log_softmax(lg[:-1, labels], -1)
        nll = -lp[:, torch.arange(len(labels)), target].mean()
        ess = torch.log_softmax(lg[-1, lookup], -1)
        loss = nll + 0.0625 * torch.sum(ess.exp() * (ess - ess0)) + 1e-3 * delta.norm()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t)
    h.remove()
    steady = times[1:] if len(times) > 1 else times
    print(json.dumps({
        "model": a.model, "parameters": sum(w.numel() for w in model.parameters()), "threads": a.threads,
        "loadSeconds": round(load, 2), "stepMillis": round(1000 * sum(steady) / len(steady), 1),
        "peakResidentBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
