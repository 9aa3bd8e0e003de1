#!/usr/bin/env python3
"""Backpropagation baseline for `mobiedit eval`: ROME's value search with gradients, side by side with ours.

For every case of a `mobiedit eval` run (its cases.jsonl: the same requests and the very context templates our
engine used), this finds the value vector with backpropagation as ROME does (Adam, lr 0.5, 25 steps, stop when the
loss < 5e-2, fp32), with the same loss as our engine (mean target NLL over the template rows + 0.0625 KL on the
"{subject} is a" row + 1e-3 |delta| / |t0|^2, |delta| clamped to 4 |t0|), writes the same rank-one update
(u = mean key / |mean key|, r = delta / (k . u)), and measures edit success, generalization and locality the way
`mobiedit eval` does. The SDK never depends on this: it is a reference for the benchmark tables.

Usage: rome_baseline.py --model HF_FOLDER --dataset counterfact.json --cases RUN/cases.jsonl --layer L
                        [--threads N] [--out FILE.jsonl]
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--dataset", required=True, help="CounterFact file (ROME schema) the run used")
    p.add_argument("--cases", required=True, help="cases.jsonl of a mobiedit eval run")
    p.add_argument("--layer", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--out", default=None)
    return p.parse_args()


class Editor:
    def __init__(self, model, tok, layer):
        self.model, self.tok, self.layer = model, tok, layer
        self.mlp = model.model.layers[layer].mlp
        self.down = self.mlp.down_proj

    # Token ids: the prompt with BOS, the answer as it continues the prompt (the difference of two encodings).
    def prompt_ids(self, text):
        return self.tok(text, add_special_tokens=True)["input_ids"]

    def answer_ids(self, prompt, answer):
        full = self.tok(prompt + " " + answer.strip(), add_special_tokens=True)["input_ids"]
        head = self.prompt_ids(prompt)
        n = 0
        while n < min(len(full), len(head)) and full[n] == head[n]:
            n += 1
        return full[n:] if n < len(full) else full[-1:]

    def logits(self, ids):
        with torch.no_grad():
            return self.model(torch.tensor([ids])).logits[0]

    def teacher_forced(self, prompt, answer):
        ctx = self.prompt_ids(prompt)
        row = ctx + answer[:-1]
        lg = self.logits(row)
        pos = [len(ctx) - 1 + j for j in range(len(answer))]
        return [int(lg[p].argmax()) for p in pos]

    def key_at(self, ids, pos):
        got = {}
        h = self.down.register_forward_hook(lambda m, i, o: got.__setitem__("k", i[0][0, pos].detach().clone()))
        with torch.no_grad():
            self.model(torch.tensor([ids]))
        h.remove()
        return got["k"]

    def value_search(self, case, templates, steps, lr):
        subject, prompt, target = case["subject"], case["prompt"], case["target"]
        at = prompt.index(subject)
        head, tail = prompt[: at + len(subject)], prompt[at + len(subject):]
        target_ids = self.answer_ids(prompt, target)
        rows, lookups, labels = [], [], []
        for t in templates:
            before, after = t.split("{}", 1)
            ctx_text = before + head + tail + after
            ctx = self.prompt_ids(ctx_text)
            rows.append(ctx + target_ids[:-1])
            lookups.append(len(self.prompt_ids(before + head)) - 1)
            labels.append([len(ctx) - 1 + j for j in range(len(target_ids))])
        ess_ctx = self.prompt_ids(subject + " is a")
        rows.append(ess_ctx)
        lookups.append(len(self.prompt_ids(subject)) - 1)
        labels.append([len(ess_ctx) - 1])
        width = max(len(r) for r in rows)
        pad = self.tok.pad_token_id if self.tok.pad_token_id is not None else 0
        ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])

        plain_ctx = self.prompt_ids(prompt)
        got = {}

        def capture(m, i, o):
            got["o"] = o[0, lookups[0]].detach().clone()

        h = self.mlp.register_forward_hook(capture)
        with torch.no_grad():
            self.model(torch.tensor([plain_ctx]))
        h.remove()
        t0 = got["o"]
        t0n = float(t0.norm())
        with torch.no_grad():
            ess0 = torch.log_softmax(self.model(ids, attention_mask=mask).logits[-1, labels[-1][0]], -1)

        delta = torch.zeros_like(t0, requires_grad=True)

        def inject(m, i, o):
            o = o.clone()
            for r, p in enumerate(lookups):
                o[r, p] = o[r, p] + delta
            return o

        opt = torch.optim.Adam([delta], lr=lr)
        h = self.mlp.register_forward_hook(inject)
        steps_run = 0
        try:
            for step in range(steps):
                opt.zero_grad()
                lg = self.model(ids, attention_mask=mask).logits
                nll = 0.0
                n_rewrite = len(rows) - 1
                for r in range(n_rewrite):
                    lp = torch.log_softmax(lg[r, labels[r]], -1)
                    nll = nll + (-lp[torch.arange(len(target_ids)), torch.tensor(target_ids)].mean()) / n_rewrite
                ess = torch.log_softmax(lg[-1, labels[-1][0]], -1)
                kl = torch.sum(ess.exp() * (ess - ess0))
                loss = nll + 0.0625 * kl + 1e-3 * delta.norm() / (t0n ** 2)
                steps_run = step + 1
                if float(loss) < 5e-2:
                    break
                loss.backward()
                opt.step()
                with torch.no_grad():
                    n = delta.norm()
                    if n > 4 * t0n:
                        delta.mul_(4 * t0n / n)
        finally:
            h.remove()

        keys = []
        for t in templates:
            before, after = t.split("{}", 1)
            ctx = self.prompt_ids(before + head + tail + after)
            keys.append(self.key_at(ctx, len(self.prompt_ids(before + head)) - 1))
        mean = torch.stack(keys).mean(0)
        u = mean / mean.norm()
        k_plain = keys[0]
        r = delta.detach() / float(k_plain @ u)
        return r, u, steps_run, target_ids


def load_model(path, threads):
    """The tokenizer and the fp32 model of a Hugging Face folder, frozen, on `threads` threads, seeded."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, torch_dtype=torch.float32)
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return tok, model


def main():
    a = parse_args()
    tok, model = load_model(a.model, a.threads)
    ed = Editor(model, tok, a.layer)
    data = {str(c["case_id"]): c for c in json.load(open(a.dataset))}
    cases = [json.loads(l) for l in open(a.cases) if l.strip()]
    out = open(a.out, "w") if a.out else None
    results = []
    for c in cases:
        src = data[c["caseId"]]
        truth = src["requested_rewrite"]["target_true"]["str"]
        neighbours = src.get("neighborhood_prompts", [])
        paraphrases = src.get("paraphrase_prompts", [])
        before_loc = [ed.teacher_forced(p, ed.answer_ids(p, truth)) for p in neighbours]
        start = time.perf_counter()
        r, u, steps, target_ids = ed.value_search(c, c["contextTemplates"], a.steps, a.lr)
        with torch.no_grad():
            ed.down.weight += torch.outer(r, u)
        wall = time.perf_counter() - start
        got = ed.teacher_forced(c["prompt"], target_ids)
        success = got == target_ids
        gen = []
        for p in paraphrases:
            t = ed.answer_ids(p, c["target"])
            g = ed.teacher_forced(p, t)
            gen.append(sum(x == y for x, y in zip(g, t)) / len(t))
        loc = []
        for p, b in zip(neighbours, before_loc):
            g = ed.teacher_forced(p, ed.answer_ids(p, truth))
            loc.append(sum(x == y for x, y in zip(g, b)) / len(b))
        with torch.no_grad():
            ed.down.weight -= torch.outer(r, u)
        res = {"caseId": c["caseId"], "success": success, "steps": steps, "wallMillis": round(wall * 1000),
               "generalization": statistics.mean(gen) if gen else None,
               "locality": statistics.mean(loc) if loc else None}
        results.append(res)
        if out:
            out.write(json.dumps(res) + "\n")
            out.flush()
        print(f"\rcase {len(results)}/{len(cases)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    summary = {
        "cases": len(results),
        "editSuccess": sum(r["success"] for r in results) / len(results),
        "generalization": statistics.mean([r["generalization"] for r in results if r["generalization"] is not None]),
        "locality": statistics.mean([r["locality"] for r in results if r["locality"] is not None]),
        "medianSteps": statistics.median_low([r["steps"] for r in results]),
        "medianWallMillis": statistics.median_low([r["wallMillis"] for r in results]),
        "peakResidentBytes": peak,
        "torch": torch.__version__,
        "threads": a.threads,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
