#!/usr/bin/env python3
"""Runs the same edit requests on backend-cpu and on a graph backend (litert or qnn) and prints a Markdown table.

    python3 bench/graph-backends/edits_vs_cpu.py [--backend litert|qnn] MODEL REQUESTS.json [extra edit options...]

Each request runs in a fresh `mobiedit edit --json` process. The times are the engine's own: model loading is
excluded; on a graph backend, writing and compiling the graphs happens inside the edit and is included.
"""
import json
import os
import statistics
import subprocess
import sys


def edit(model, req, backend, extra):
    env = dict(os.environ, MOBIEDIT_BACKEND=backend)
    cmd = ["./mobiedit", "edit", "-m", model, "--subject", req["subject"], "--prompt", req["prompt"],
           "--target", req["target"], "--json"] + extra
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)  # exit 1 = edit did not succeed
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        sys.exit(f"{backend}: mobiedit edit printed no result (exit {out.returncode}):\n{out.stderr[-3000:]}")


def main(backend, model, requests, extra):
    reqs = json.load(open(requests))
    rows = []
    for r in reqs:
        c = edit(model, r, "cpu", extra)
        t = edit(model, r, backend, extra)
        rows.append((r, c, t))
    print(f"| request | cpu: success, steps, ms | {backend}: success, steps, ms | steps within ±10% "
          "| loss curves: largest difference |")
    print("|---|---|---|---|---|")
    for r, c, t in rows:
        within = abs(t["steps"] - c["steps"]) <= 0.1 * c["steps"]
        shared = min(len(c["lossCurve"]), len(t["lossCurve"]))
        gap = max((abs(a - b) for a, b in zip(c["lossCurve"][:shared], t["lossCurve"][:shared])), default=0.0)
        print(f"| {r['prompt']} → {r['target']} | {c['success']}, {c['steps']}, {c['wallMillis']} "
              f"| {t['success']}, {t['steps']}, {t['wallMillis']} | {'yes' if within else 'no'} | {gap:.1e} |")
    same = sum(c["success"] == t["success"] for _, c, t in rows)
    close = sum(abs(t["steps"] - c["steps"]) <= 0.1 * c["steps"] for _, c, t in rows)
    per_step = lambda k: statistics.median(x[k]["wallMillis"] / max(1, x[k]["steps"]) for x in
                                           [dict(c=c, t=t) for _, c, t in rows])
    print()
    print(f"same outcome: {same}/{len(rows)}; steps within ±10%: {close}/{len(rows)}; "
          f"median ms per edit cpu {statistics.median(c['wallMillis'] for _, c, _ in rows):.0f}, "
          f"{backend} {statistics.median(t['wallMillis'] for _, _, t in rows):.0f}; "
          f"median ms per step cpu {per_step('c'):.1f}, {backend} {per_step('t'):.1f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    chosen = "litert"
    if args[:1] == ["--backend"]:
        chosen, args = args[1], args[2:]
    main(chosen, args[0], args[1], args[2:])
