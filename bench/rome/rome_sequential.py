#!/usr/bin/env python3
"""Backpropagation ROME applied sequentially, side by side with `mobiedit eval --sequential`.

Replays a sequential run of ours (its folder: edits.jsonl with every case's context templates, neutral.jsonl with the
neutral texts, run.json with the layer) with ROME's value search by backpropagation (rome_baseline.Editor: Adam,
lr 0.5, up to 25 steps, the same loss, u = mean key / |mean key|), keeping every update that succeeds in the same
model, in the same order, and measures after every N edits what ours measures: the share of edits so far that still
hold (every target token the argmax), paraphrase token accuracy, agreement of the neighbours with the unedited model
(neighbours naming an edited subject left out), and the perplexity of the neutral texts that name no edited subject,
over the unedited model's on the same texts. The SDK never depends on this.

Usage: rome_sequential.py --model HF_FOLDER --dataset counterfact.json --run RUN_DIR [--every 10] [--threads 1]
                          [--out FILE.jsonl]
"""
import argparse
import json
import math
import re
import sys
import time

import torch
from rome_baseline import Editor, load_model


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--dataset", required=True, help="CounterFact file (ROME schema) the run used")
    p.add_argument("--run", required=True, help="folder of a `mobiedit eval --sequential` run")
    p.add_argument("--every", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--lr", type=float, default=0.5)
    p.add_argument("--out", default=None)
    return p.parse_args()


def mentions_any(text, subjects):
    """Whether text names one of the subjects as a whole word (the rule of SequentialEvaluation.mentionsAny)."""
    for s in subjects:
        for m in re.finditer(re.escape(s), text):
            before = text[m.start() - 1] if m.start() > 0 else " "
            after = text[m.end()] if m.end() < len(text) else " "
            if not before.isalnum() and not after.isalnum():
                return True
    return False


def nll(ed, start, ids):
    ctx = ed.prompt_ids(start)
    lg = torch.log_softmax(ed.logits(ctx + ids[:-1]), -1)
    return -sum(float(lg[len(ctx) - 1 + j, t]) for j, t in enumerate(ids))


def accuracy(ed, prompt, answer):
    got = ed.teacher_forced(prompt, answer)
    return sum(x == y for x, y in zip(got, answer)) / len(answer)


def main():
    a = parse_args()
    tok, model = load_model(a.model, a.threads)
    run = json.load(open(a.run + "/run.json"))
    ed = Editor(model, tok, run["layer"])
    data = {str(c["case_id"]): c for c in json.load(open(a.dataset))}
    edits = [json.loads(l) for l in open(a.run + "/edits.jsonl") if l.strip()]
    neutral = [json.loads(l) for l in open(a.run + "/neutral.jsonl") if l.strip()]
    for n in neutral:
        n["before"] = nll(ed, n["start"], n["ids"])
    prepared = []
    for c in edits:
        src = data[c["caseId"]]
        truth = src["requested_rewrite"]["target_true"]["str"]
        neighbours = []
        for p in src.get("neighborhood_prompts", []):
            ids = ed.answer_ids(p, truth)
            neighbours.append((p, ids, ed.teacher_forced(p, ids)))
        paraphrases = [(p, ed.answer_ids(p, c["target"])) for p in src.get("paraphrase_prompts", [])]
        prepared.append((c, neighbours, paraphrases))
    out = open(a.out, "w") if a.out else None
    start = time.perf_counter()
    succeeded, steps, since = 0, 0, 0
    for i, (c, _, _) in enumerate(prepared):
        # An edit ours refused has no templates of its own: ROME tries it on the plain prompt.
        r, u, s, target_ids = ed.value_search(c, c.get("contextTemplates") or ["{}"], a.steps, a.lr)
        with torch.no_grad():
            ed.down.weight += torch.outer(r, u)
        if ed.teacher_forced(c["prompt"], target_ids) == target_ids:
            succeeded += 1
        else:  # an app keeps only what succeeded
            with torch.no_grad():
                ed.down.weight -= torch.outer(r, u)
        steps += s
        since += 1
        print(f"\redit {i + 1}/{len(prepared)}", end="", file=sys.stderr, flush=True)
        if (i + 1) % a.every and i + 1 != len(prepared):
            continue
        done = prepared[: i + 1]
        subjects = [c["subject"] for c, _, _ in done]
        hold, para, loc = 0, [], []
        for c, neighbours, paraphrases in done:
            target_ids = ed.answer_ids(c["prompt"], c["target"])
            hold += ed.teacher_forced(c["prompt"], target_ids) == target_ids
            para += [accuracy(ed, p, ids) for p, ids in paraphrases]
            for p, ids, before in neighbours:
                if not mentions_any(p, subjects):
                    got = ed.teacher_forced(p, ids)
                    loc.append(sum(x == y for x, y in zip(got, before)) / len(before))
        kept = [n for n in neutral if not mentions_any(n["text"], subjects)]
        now = sum(nll(ed, n["start"], n["ids"]) for n in kept)
        before = sum(n["before"] for n in kept)
        tokens = sum(len(n["ids"]) for n in kept)
        cp = {"edits": i + 1, "succeeded": succeeded, "retention": hold / len(done),
              "generalization": sum(para) / len(para) if para else None,
              "locality": sum(loc) / len(loc) if loc else None, "neutralTexts": len(kept),
              "perplexity": math.exp(now / tokens) if tokens else None,
              "perplexityRatio": math.exp((now - before) / tokens) if tokens else None,
              "meanSteps": steps / since, "seconds": time.perf_counter() - start}
        steps, since = 0, 0
        line = json.dumps(cp)
        print("\r" + line, flush=True)
        if out:
            out.write(line + "\n")
            out.flush()
    print(file=sys.stderr)


if __name__ == "__main__":
    main()
