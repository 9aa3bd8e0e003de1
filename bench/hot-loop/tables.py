#!/usr/bin/env python3
"""Markdown tables of a hot-loop run (bench/hot-loop.sh): medians over repetitions of prefill and decode speed and of
the edit step's time, wall and CPU, with ratios against llama.cpp and PyTorch. Standard library only.

Usage: tables.py RESULTS.jsonl
"""
import json
import statistics
import sys

GENERATORS = ["sdk-fp32", "sdk-int8", "sdk-litert-int8-dynamic", "torch-fp32", "torch-bf16", "llama-f32", "llama-q8_0"]
EDIT_STEPS = ["sdk-fp32", "sdk-int8", "sdk-litert-int8-dynamic", "torch-rome-full", "torch-rome-labels"]
LABELS = {
    "sdk-fp32": "MobiEdit SDK, fp32", "sdk-int8": "MobiEdit SDK, int8",
    "sdk-litert-int8-dynamic": "MobiEdit SDK, int8-dynamic on backend-litert (XNNPACK)", "torch-fp32": "PyTorch, fp32",
    "torch-bf16": "PyTorch, bf16", "llama-f32": "llama.cpp, f32 GGUF", "llama-q8_0": "llama.cpp, q8_0 GGUF",
    "torch-rome-full": "PyTorch ROME backprop, fp32, LM head everywhere",
    "torch-rome-labels": "PyTorch ROME backprop, fp32, LM head at the labels only",
}
GEN_REFERENCES = [("llama-q8_0", "llama q8_0"), ("llama-f32", "llama f32"), ("torch-fp32", "torch fp32"),
                  ("torch-bf16", "torch bf16")]
EDIT_REFERENCES = [("torch-rome-full", "torch full"), ("torch-rome-labels", "torch labels")]


def median_of(results, name, threads, key):
    values = [r[key] for r in results if r["measure"] == name and r["threads"] == threads and key in r
              and r[key] is not None]
    return statistics.median(values) if values else None


def speed(results, name, threads, section):
    """(tokens per wall second, tokens per CPU second per thread) medians, or Nones."""
    tokens = "promptTokens" if section == "prefill" else "decodeSteps"
    wall = [r[tokens] / r[section + "Seconds"] for r in results
            if r["measure"] == name and r["threads"] == threads and r.get(section + "Seconds")]
    cpu = [r[tokens] / r[section + "CpuSeconds"] for r in results
           if r["measure"] == name and r["threads"] == threads and r.get(section + "CpuSeconds")]
    return (statistics.median(wall) if wall else None, statistics.median(cpu) if cpu else None)


def fmt(v, digits=1):
    return "—" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def generation_table(results, threads, section):
    head = ["engine", "tok/s (wall)", "tok/s per CPU-second"] + [f"× {label}" for _, label in GEN_REFERENCES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    speeds = {name: speed(results, name, threads, section) for name in GENERATORS}
    for name in GENERATORS:
        wall, cpu = speeds[name]
        if wall is None:
            continue
        cells = [LABELS[name], fmt(wall), fmt(cpu)]
        for ref, _ in GEN_REFERENCES:
            cells.append(f"{ratio(wall, speeds[ref][0])} / {ratio(cpu, speeds[ref][1])}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def edit_table(results, threads):
    head = ["method", "rows / tokens", "s per step (wall)", "CPU s per step"] + [
        f"× {label} (wall / CPU)" for _, label in EDIT_REFERENCES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    times = {}
    for name in EDIT_STEPS:
        wall = median_of(results, name, threads, "stepMillis")
        cpu = median_of(results, name, threads, "stepCpuMillis")
        times[name] = (None if wall is None else wall / 1000, None if cpu is None else cpu / 1000)
    for name in EDIT_STEPS:
        wall, cpu = times[name]
        if wall is None:
            continue
        rows = next((f"{r.get('rows')} / {r.get('tokens')}" for r in results
                     if r["measure"] == name and r["threads"] == threads), "")
        # A ratio above 1 means this method's step takes longer than the reference's.
        cells = [LABELS[name], rows, fmt(wall, 2), fmt(cpu, 2)]
        for ref, _ in EDIT_REFERENCES:
            cells.append(f"{ratio(wall, times[ref][0])} / {ratio(cpu, times[ref][1])}")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tables.py RESULTS.jsonl")
    with open(sys.argv[1], encoding="utf-8") as f:
        results = [json.loads(line) for line in f if line.strip()]
    if not results:
        sys.exit(f"{sys.argv[1]} holds no results")
    reps = max(r["rep"] for r in results)
    threads = sorted({r["threads"] for r in results})
    print(f"Medians over {reps} repetition(s). Ratios: this engine's speed over the reference's, from wall time /"
          " from CPU time (above 1: faster). Edit steps: this method's time over the reference's (above 1: slower).")
    for t in threads:
        loads = [r["loadAverage1m"] for r in results if r["threads"] == t and "loadAverage1m" in r]
        if loads:
            print(f"{t} thread(s): 1-minute load average after a measurement {min(loads):.1f} to {max(loads):.1f}"
                  " (above the thread count: other processes competed for the cores).")
    for section, title in [("prefill", "Prefill"), ("decode", "Decode")]:
        for t in threads:
            n = next((r["promptTokens" if section == "prefill" else "decodeSteps"] for r in results
                      if r["measure"] in GENERATORS and r["threads"] == t), None)
            print(f"\n**{title}, {t} thread{'s' if t > 1 else ''}** ({n} tokens)\n")
            print("\n".join(generation_table(results, t, section)))
    for t in threads:
        print(f"\n**One edit step, {t} thread{'s' if t > 1 else ''}**\n")
        print("\n".join(edit_table(results, t)))


if __name__ == "__main__":
    main()
