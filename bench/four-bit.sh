#!/usr/bin/env bash
# 4-bit weights at the Qwen2.5-3B shape (issue 17): the SDK's edit step in int4 on a Q4_K GGUF file, its peak
# resident memory and the Java heap it needs, side by side with PyTorch's ROME backpropagation step (fp32, weights
# frozen) on exactly the rows the SDK builds, in one run. Also the SDK in int8 on the same file, for the step time
# and memory that 4-bit weights change.
#
# Models (written once into bench/out/four-bit/, git-ignored; seed 1, the real Qwen2 vocabulary from
# ../shared/data/tokenizers/qwen2): qwen2.5-3b-q4k.gguf (`mobiedit synthesize --format gguf --dtype q4_k`: Q4_K
# matrices, Q4_0 where rows are not whole 256-element super-blocks) and qwen2.5-3b-hf (bf16, for PyTorch).
#
# Order: SDK int4 under -Xmx of --heap (so finishing shows the heap it needs), SDK int8, PyTorch ROME step with the LM
# head everywhere (what ROME does) on the SDK's int4 rows. Each in its own process, one after another.
#
# Usage: bench/four-bit.sh [--threads N] [--steps N] [--heap SIZE] [--out DIR]
# Defaults: 2 threads, 3 steps (the first a warm-up), heap 128m.
# Prints a markdown table; the raw JSON lines stay in OUT/results.jsonl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=2
steps=3
heap=128m
out="$root/bench/out/four-bit"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "four-bit.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
[[ "$threads" =~ ^[1-9][0-9]*$ && "$steps" =~ ^[1-9][0-9]*$ && "$steps" -ge 2 ]] || {
  echo "four-bit.sh: --threads must be >= 1 and --steps >= 2 (the first step is a warm-up)" >&2
  exit 2
}
cli="$root/mobiedit"
py="$root/bench/.venv/bin/python"
tok="$root/../shared/data/tokenizers/qwen2"
[ -d "$tok" ] || tok=/work/shared/data/tokenizers/qwen2
[ -d "$tok" ] || { echo "four-bit.sh: needs ../shared/data/tokenizers/qwen2 (the real Qwen2 vocabulary)" >&2; exit 1; }
if [ ! -x "$py" ]; then
  echo "four-bit.sh: creating bench/.venv (torch, transformers)..." >&2
  python3 -m venv "$root/bench/.venv"
  PIP_RETRIES=0 "$py" -m pip install -q -r "$root/bench/rome/requirements.txt" >&2
fi
mkdir -p "$out"
gguf="$out/qwen2.5-3b-q4k.gguf"
hf="$out/qwen2.5-3b-hf"
if [ ! -f "$gguf" ]; then
  echo "four-bit.sh: writing $gguf..." >&2
  "$cli" synthesize --shape qwen2.5-3b --format gguf --dtype q4_k --tokenizer "$tok" --seed 1 --out "$gguf" >&2
fi
if [ ! -f "$hf/config.json" ]; then
  echo "four-bit.sh: writing $hf..." >&2
  "$cli" synthesize --shape qwen2.5-3b --format hf --dtype bf16 --tokenizer "$tok" --seed 1 --out "$hf" >&2
fi
results="$out/results.jsonl"
: > "$results"
bench=(bench --threads "$threads" --prompt-tokens 64 --decode-tokens 16 --warmup-tokens 8 --steps "$steps"
  --variants cache+batch --json)
echo "four-bit.sh: SDK int4 (-Xmx$heap)..." >&2
MOBIEDIT_JAVA_OPTS="-Xmx$heap -XX:MaxDirectMemorySize=16g" "$cli" "${bench[@]}" -m "$gguf" --precision int4 \
  --rows-out "$out/rows.json" | sed 's/^{/{"run":"sdk-int4",/' >> "$results"
echo "four-bit.sh: SDK int8..." >&2
"$cli" "${bench[@]}" -m "$gguf" --precision int8 \
  | sed 's/^{/{"run":"sdk-int8",/' >> "$results"
echo "four-bit.sh: PyTorch ROME step (fp32, LM head everywhere)..." >&2
"$py" "$root/bench/rome/step_cost.py" --model "$hf" --rows-file "$out/rows.json" --lm-head full \
  --threads "$threads" --steps "$steps" | sed 's/^{/{"run":"torch-rome",/' >> "$results"
python3 "$root/bench/four-bit/table.py" "$results"
