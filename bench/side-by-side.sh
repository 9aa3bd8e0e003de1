#!/usr/bin/env bash
# Forward-only editing (ours, Java) against ROME's backpropagation value search (PyTorch), on the same Hugging Face
# model folder, the same CounterFact cases, the same context templates and loss, the same thread count.
# Usage: bench/side-by-side.sh [cases] [threads] [model folder] [dataset]
# Needs the baseline's environment once: python3 -m venv bench/.venv && bench/.venv/bin/pip install -r bench/rome/requirements.txt
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases="${1:-50}"
threads="${2:-2}"
model="${3:-$root/../shared/data/models/stories260K/hf}"
dataset="${4:-$root/../shared/data/editing/counterfact-1031.json}"
out="$root/bench/out/side-by-side-$cases-t$threads"
rm -rf "$out"
mkdir -p "$out"
"$root/mobiedit" eval --model "$model" --dataset "$dataset" --limit "$cases" --threads "$threads" \
  --out "$out/ours" --json 2>/dev/null > "$out/ours.json"
layer=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['layer'])" "$out/ours/run.json")
"$root/bench/.venv/bin/python" "$root/bench/rome/rome_baseline.py" --model "$model" --dataset "$dataset" \
  --cases "$out/ours/cases.jsonl" --layer "$layer" --threads "$threads" --out "$out/rome-cases.jsonl" \
  2>/dev/null > "$out/rome.json"
python3 - "$out/ours.json" "$out/rome.json" "$cases" "$threads" <<'PY'
import json, sys
ours, rome = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def pct(v): return "n/a" if v is None else f"{100 * v:.1f}%"
print(f"{sys.argv[3]} CounterFact cases, {sys.argv[4]} threads, fp32; ours: forward-only, config default; "
      f"baseline: ROME value search with backpropagation (torch {rome['torch']}, Adam lr 0.5, 25 steps)\n")
print("| method | edit success | generalization | locality | median steps | median latency per edit | peak resident memory |")
print("|---|---|---|---|---|---|---|")
print(f"| MobiEdit SDK (forward-only) | {pct(ours['editSuccess'])} | {pct(ours['generalization'])} | {pct(ours['locality'])} "
      f"| {ours['medianSteps']} | {ours['medianWallMillis'] / 1000:.2f} s | {ours['peakResidentBytes'] / 2**20:.0f} MiB |")
print(f"| ROME (backpropagation) | {pct(rome['editSuccess'])} | {pct(rome['generalization'])} | {pct(rome['locality'])} "
      f"| {rome['medianSteps']} | {rome['medianWallMillis'] / 1000:.2f} s | {rome['peakResidentBytes'] / 2**20:.0f} MiB |")
lat = rome['medianWallMillis'] / max(1, ours['medianWallMillis'])
mem = rome['peakResidentBytes'] / max(1, ours['peakResidentBytes'])
print(f"\nratios (backpropagation / ours): latency {lat:.2f}x, peak memory {mem:.2f}x")
PY
