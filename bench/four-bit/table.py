#!/usr/bin/env python3
"""Markdown tables of bench/four-bit.sh's results.jsonl: the 3B edit step against PyTorch's ROME step (time, peak
resident memory, Java heap), and the 0.5B speeds of the SDK in int4 and int8 against llama.cpp on the same Q4 file
(medians over the repetitions, wall and per CPU-second)."""
import json
import statistics
import sys

MIB = 1024 * 1024


def mib(b):
    return f"{b / MIB:,.0f} MiB"


def main(path):
    runs = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                runs.setdefault(d["run"], []).append(d)
    big(runs)
    small(runs)


def big(runs):
    torch = runs.get("3b-torch-rome", [None])[0]
    print("**Qwen2.5-3B shape, one edit step**")
    print()
    print("| run | weights | step s (wall) | CPU s | peak resident | Java heap: limit / peak in use | × PyTorch step"
          " (wall / CPU) | PyTorch's peak ÷ this |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("3b-sdk-int4", "3b-sdk-int8"):
        if name not in runs:
            continue
        d = runs[name][0]
        step = d["stepMillis"]["cache+batch"] / 1000
        cpu = d["stepCpuMillis"]["cache+batch"] / 1000
        ratio = (f"{step * 1000 / torch['stepMillis']:.2f} / {cpu * 1000 / torch['stepCpuMillis']:.2f}"
                 if torch else "—")
        memory = f"{torch['peakResidentBytes'] / d['peakResidentBytes']:.1f}×" if torch else "—"
        print(f"| MobiEdit SDK, {d['precision']} ({d['editRows']} rows, {d['editRowTokens']} tokens) | "
              f"{mib(d['backendWeightBytes'])} | {step:.2f} | {cpu:.2f} | {mib(d['peakResidentBytes'])} | "
              f"{mib(d['maxHeapBytes'])} / {mib(d['peakHeapUsedBytes'])} | {ratio} | {memory} |")
    if torch:
        print(f"| PyTorch ROME backprop, fp32, LM head everywhere ({torch['rows']} rows, {torch['tokens']} tokens) | "
              f"{mib(4 * torch['parameters'])} | {torch['stepMillis'] / 1000:.2f} | "
              f"{torch['stepCpuMillis'] / 1000:.2f} | {mib(torch['peakResidentBytes'])} | — | 1.00 / 1.00 | 1.0× |")
    print()


def median(rows, key):
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else float("nan")


def small(runs):
    names = [("0.5b-sdk-int4", "MobiEdit SDK, int4"), ("0.5b-sdk-int8", "MobiEdit SDK, int8"),
             ("0.5b-llama-q4", "llama.cpp")]
    if not any(n in runs for n, _ in names):
        return
    llama = runs.get("0.5b-llama-q4")
    print("**Qwen2.5-0.5B shape, one Q4_K file, 1 thread** (medians of "
          f"{max(len(v) for v in runs.values())} repetitions)")
    print()
    print("| engine | prefill tok/s (wall) | per CPU-s | × llama.cpp | decode tok/s (wall) | per CPU-s | × llama.cpp |"
          " edit step s (wall) | weights |")
    print("|---|---|---|---|---|---|---|---|---|")
    lp = median(llama, "prefillTokensPerSecond") if llama else float("nan")
    ld = median(llama, "decodeTokensPerSecond") if llama else float("nan")
    for name, label in names:
        rows = runs.get(name)
        if not rows:
            continue
        p = median(rows, "prefillTokensPerSecond")
        dec = median(rows, "decodeTokensPerSecond")
        pc = statistics.median(r["promptTokens"] / r["prefillCpuSeconds"] for r in rows)
        dc = statistics.median(r["decodeSteps"] / r["decodeCpuSeconds"] for r in rows)
        step = (f"{statistics.median(r['stepMillis']['cache+batch'] for r in rows) / 1000:.2f}"
                if "stepMillis" in rows[0] else "—")
        weights = mib(rows[0]["backendWeightBytes"]) if "backendWeightBytes" in rows[0] else "(the file)"
        print(f"| {label} | {p:.1f} | {pc:.1f} | {p / lp:.2f} | {dec:.2f} | {dc:.2f} | {dec / ld:.2f} | {step} | "
              f"{weights} |")


if __name__ == "__main__":
    main(sys.argv[1])
