#!/usr/bin/env python3
"""Markdown table of bench/four-bit.sh's results.jsonl: per run, the edit step's wall and CPU time, peak resident
memory and (for the SDK) its weights and Java heap; then the ratios against PyTorch's ROME step."""
import json
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
                runs[d["run"]] = d
    print("| run | weights | step wall ms | step CPU ms | peak resident | Java heap: max / peak used | prefill tok/s"
          " | decode tok/s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, d in runs.items():
        if name.startswith("sdk"):
            step = d["stepMillis"]["cache+batch"]
            cpu = d["stepCpuMillis"]["cache+batch"]
            print(f"| {name} | {mib(d['backendWeightBytes'])} | {step:,.0f} | {cpu:,.0f} | "
                  f"{mib(d['peakResidentBytes'])} | {mib(d['maxHeapBytes'])} / {mib(d['peakHeapUsedBytes'])} | "
                  f"{d.get('prefillTokensPerSecond', float('nan')):.1f} | "
                  f"{d.get('decodeTokensPerSecond', float('nan')):.2f} |")
        else:
            print(f"| {name} ({d['lmHead']} LM head, {d['rows']} rows, {d['tokens']} tokens) | fp32 | "
                  f"{d['stepMillis']:,.0f} | {d['stepCpuMillis']:,.0f} | {mib(d['peakResidentBytes'])} | — | — | — |")
    torch = runs.get("torch-rome")
    if torch:
        print()
        print("| run | step time vs PyTorch ROME (wall) | CPU | PyTorch's peak / ours |")
        print("|---|---|---|---|")
        for name, d in runs.items():
            if name.startswith("sdk"):
                print(f"| {name} | {d['stepMillis']['cache+batch'] / torch['stepMillis']:.2f}× | "
                      f"{d['stepCpuMillis']['cache+batch'] / torch['stepCpuMillis']:.2f}× | "
                      f"{torch['peakResidentBytes'] / d['peakResidentBytes']:.1f}× |")


if __name__ == "__main__":
    main(sys.argv[1])
