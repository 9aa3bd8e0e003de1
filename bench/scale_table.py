#!/usr/bin/env python3
"""Formats bench/scale.sh's JSON lines (mobiedit bench and bench/rome/step_cost.py) as the Markdown tables of
bench/RESULTS.md. Usage: python3 bench/scale_table.py bench/out/scale.jsonl"""
import json
import os
import sys

MIB = 2 ** 20


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
    ours = [r for r in rows if "precision" in r]
    torch = {os.path.basename(r["model"]): r for r in rows if "torch" in r}
    print("| shape | precision | load s | weights | resident after load | prefill tok/s | decode tok/s "
          "| step ms: cache + batch | cache only | batch only | peak resident |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in ours:
        shape = os.path.basename(r["model"]).replace("-synth", "")
        s = r["stepMillis"]
        cell = lambda k: f"{s[k]:,.0f}" if k in s else "—"
        print(f"| {shape} | {r['precision']} | {r['loadMillis'] / 1000:.1f} | {r['backendWeightBytes'] / MIB:,.0f} MiB "
              f"| {r['residentAfterLoadBytes'] / MIB:,.0f} MiB | {r['prefillTokensPerSecond']:.1f} "
              f"| {r['decodeTokensPerSecond']:.2f} | {cell('cache+batch')} | {cell('cache')} | {cell('batch')} "
              f"| {r['peakResidentBytes'] / MIB:,.0f} MiB |")
    if torch:
        print()
        print("| shape | backpropagation step ms (fp32) | its peak resident | ours fp32 step ms (cache + batch) "
              "| ours fp32 peak | ours int8-a8 peak | step time ratio (ours/backprop) | memory ratio (backprop/ours int8-a8) |")
        print("|---|---|---|---|---|---|---|---|")
        for name, t in torch.items():
            shape = name.replace("-synth", "")
            fp32 = next((r for r in ours if os.path.basename(r["model"]) == name and r["precision"] == "fp32"), None)
            a8 = next((r for r in ours if os.path.basename(r["model"]) == name and r["precision"] == "int8-a8"), None)
            if not fp32 or not a8:
                continue
            step = fp32["stepMillis"]["cache+batch"]
            print(f"| {shape} | {t['stepMillis']:,.0f} | {t['peakResidentBytes'] / MIB:,.0f} MiB | {step:,.0f} "
                  f"| {fp32['peakResidentBytes'] / MIB:,.0f} MiB | {a8['peakResidentBytes'] / MIB:,.0f} MiB "
                  f"| {step / t['stepMillis']:.2f} | {t['peakResidentBytes'] / a8['peakResidentBytes']:.2f} |")


if __name__ == "__main__":
    main()
