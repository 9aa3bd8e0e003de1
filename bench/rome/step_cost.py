#!/usr/bin/env python3
"""Backpropagation cost per optimization step at a model's real shape (the `mobiedit bench` counterpart).

Loads a Hugging Face folder in fp32 (weights frozen) and times ROME's value-search step: forward over the rows,
backward to delta (added to one layer's MLP output at each row's subject position), Adam step. The loss is the SDK's
(EditLoss): mean target NLL over the rewrite rows + kl_weight * KL(p_delta || p_0) at the essence row's last position
+ weight_decay * |delta| / |t0|^2 (t0: the layer's MLP output at the subject, read once).

The rows are either exactly those of the SDK's edit step (--rows-file, written by `mobiedit bench --rows-out`: token
ids per row, subject position, label positions, targets, layer) or, without it, seeded random ids of the same sizes
as an earlier benchmark request (--rows rewrite rows of --row-tokens tokens, plus the essence row). Rows of different
lengths are right-padded into one batch: attention is causal, so no real position sees the padding (the padded
tokens are computed, as a batched ROME computes them; `paddedTokens` says how many).

--lm-head full applies the LM head to every position (what `model(ids).logits` does); --lm-head labels only to the
label positions and the essence row's last position (the hidden states of the base model, gathered, then the head).

Prints one JSON object: wall and CPU (time.process_time, all threads) milliseconds per step, averaged over the steps
after the first (a warm-up), and the peak resident memory.

Usage: step_cost.py --model HF_FOLDER [--rows-file ROWS.json | --layer L [--rows N] [--row-tokens N]]
       [--lm-head full|labels] [--threads N] [--steps N]
"""
import argparse
import json
import resource
import time

import torch
from transformers import AutoModelForCausalLM


def synthetic_rows(vocab, rows, row_tokens, layer):
    """Seeded random ids: `rows` rewrite rows, a 4-token target at their end, and the essence row."""
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(3, vocab, (rows + 1, row_tokens), generator=g).tolist()
    target = torch.randint(3, vocab, (4,), generator=g).tolist()
    lookup = row_tokens // 3
    labels = list(range(row_tokens - 5, row_tokens - 1))
    return {"rows": ids, "lookupPositions": [lookup] * (rows + 1), "labelPositions": [labels] * rows
            + [[row_tokens - 1]], "targetIds": target, "layer": layer, "klWeight": 0.0625, "weightDecay": 1e-3}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--rows-file")
    p.add_argument("--layer", type=int)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--rows", type=int, default=6)
    p.add_argument("--row-tokens", type=int, default=40)
    p.add_argument("--lm-head", choices=["full", "labels"], default="full")
    a = p.parse_args()
    if a.rows_file is None and a.layer is None:
        p.error("give --rows-file (from `mobiedit bench --rows-out`) or --layer for synthetic rows")
    if a.steps < 2:
        p.error("--steps must be at least 2 (the first step is a warm-up)")
    torch.set_num_threads(a.threads)
    start = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.float32)
    model.eval()
    for w in model.parameters():
        w.requires_grad_(False)
    load = time.perf_counter() - start
    if a.rows_file:
        with open(a.rows_file, encoding="utf-8") as f:
            spec = json.load(f)
    else:
        spec = synthetic_rows(model.config.vocab_size, a.rows, a.row_tokens, a.layer)
    layer = spec["layer"] if a.layer is None else a.layer
    rows = spec["rows"]
    n = len(rows)
    width = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])  # right padding: causal attention ignores it
    lookup = torch.tensor(spec["lookupPositions"])
    labels = [torch.tensor(x) for x in spec["labelPositions"]]
    target = torch.tensor(spec["targetIds"])
    essence = n - 1
    every_row = torch.arange(n)
    delta = torch.zeros(model.config.hidden_size, requires_grad=True)
    mlp = model.model.layers[layer].mlp

    def inject(module, inputs, output):
        output = output.clone()
        output[every_row, lookup] = output[every_row, lookup] + delta
        return output

    def label_logits():
        """Logits at each rewrite row's label positions and at the essence row's last position."""
        if a.lm_head == "full":
            lg = model(ids).logits
            return [lg[r, labels[r]] for r in range(n)]
        hidden = model.model(ids).last_hidden_state
        picked = torch.cat([hidden[r, labels[r]] for r in range(n)])
        lg = model.lm_head(picked)
        return list(torch.split(lg, [len(x) for x in labels]))

    captured = {}
    grab = mlp.register_forward_hook(lambda m, i, o: captured.setdefault("t0", o[0, lookup[0]].detach().clone()))
    with torch.no_grad():
        ess0 = torch.log_softmax(label_logits()[essence][0], -1)
    grab.remove()
    t0_norm2 = float(captured["t0"].norm() ** 2)
    hook = mlp.register_forward_hook(inject)
    opt = torch.optim.Adam([delta], lr=0.5)
    wall, cpu = [], []
    for _ in range(a.steps):
        t, c = time.perf_counter(), time.process_time()
        opt.zero_grad()
        lg = label_logits()
        nll = torch.stack([-torch.log_softmax(lg[r], -1)[torch.arange(len(target)), target].mean()
                           for r in range(essence)]).mean()
        ess = torch.log_softmax(lg[essence][0], -1)
        kl = torch.sum(ess.exp() * (ess - ess0))
        loss = nll + spec["klWeight"] * kl + spec["weightDecay"] * delta.norm() / t0_norm2
        loss.backward()
        opt.step()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    hook.remove()
    print(json.dumps({
        "peer": "pytorch-rome", "model": a.model, "rowsFile": a.rows_file, "lmHead": a.lm_head,
        "parameters": sum(w.numel() for w in model.parameters()), "threads": a.threads, "layer": layer,
        "rows": n, "tokens": sum(len(r) for r in rows), "paddedTokens": n * width,
        "loadSeconds": round(load, 2), "steps": a.steps,
        "stepMillis": round(1000 * sum(wall[1:]) / len(wall[1:]), 1),
        "stepCpuMillis": round(1000 * sum(cpu[1:]) / len(cpu[1:]), 1), "lastLoss": float(loss),
        "peakResidentBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
