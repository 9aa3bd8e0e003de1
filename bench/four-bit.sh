#!/usr/bin/env bash
# 4-bit weights (issue 17), in one run:
# 1. Qwen2.5-3B shape: the SDK's edit step in int4 on a Q4_K GGUF file, its peak resident memory and the Java heap it
#    runs in, side by side with PyTorch's ROME backpropagation step (fp32, weights frozen, LM head everywhere) on
#    exactly the rows the SDK builds; and the SDK in int8 on the same file. 2 threads, one process each.
# 2. Qwen2.5-0.5B shape, 1 thread: prefill, decode and the edit step of the SDK in int4 and int8 on one Q4_K GGUF file,
#    and llama.cpp's prefill and decode on the very same file (node-llama-cpp 3.21.1, prebuilt CPU binaries),
#    interleaved, --reps times.
#
# Models (written once into bench/out/four-bit/, git-ignored; seed 1, the real Qwen2 vocabulary from
# ../shared/data/tokenizers/qwen2): qwen2.5-3b-q4k.gguf and qwen2.5-0.5b-q4k.gguf (`mobiedit synthesize --format gguf
# --dtype q4_k`: Q4_K matrices, Q4_0 where rows are not whole 256-element super-blocks, 896 at 0.5B) and
# qwen2.5-3b-hf (bf16, for PyTorch). bench/.venv and bench/.node as bench/hot-loop.sh sets them up.
#
# The int4 run at 3B gets -Xmx of --heap, so finishing shows that heap is enough.
#
# Usage: bench/four-bit.sh [--threads N] [--steps N] [--heap SIZE] [--reps R] [--out DIR]
# Defaults: 2 threads at 3B, 3 steps (the first a warm-up), heap 64m, 2 repetitions at 0.5B.
# Prints markdown tables (bench/four-bit/table.py); the raw JSON lines stay in OUT/results.jsonl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads=2
steps=3
heap=64m
reps=2
out="$root/bench/out/four-bit"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "four-bit.sh: unknown option $1 (see the header of this script)" >&2; exit 2 ;;
  esac
done
for v in "$threads" "$steps" "$reps"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "four-bit.sh: expected a whole number >= 1, got '$v'" >&2; exit 2; }
done
[ "$steps" -ge 2 ] || { echo "four-bit.sh: --steps must be at least 2 (the first step is a warm-up)" >&2; exit 2; }
cli="$root/mobiedit"
tok="${MOBIEDIT_SHARED_DATA:-$root/../shared/data}/tokenizers/qwen2"
[ -d "$tok" ] || { echo "four-bit.sh: needs ../shared/data/tokenizers/qwen2 (the real Qwen2 vocabulary)" >&2; exit 1; }
# shellcheck source=bench/peers.sh
. "$root/bench/peers.sh"
mkdir -p "$out"
for shape in qwen2.5-3b qwen2.5-0.5b; do
  if [ ! -f "$out/$shape-q4k.gguf" ]; then
    echo "four-bit.sh: writing $out/$shape-q4k.gguf..." >&2
    "$cli" synthesize --shape "$shape" --format gguf --dtype q4_k --tokenizer "$tok" --seed 1 \
      --out "$out/$shape-q4k.gguf" >&2
  fi
done
hf="$out/qwen2.5-3b-hf"
if [ ! -f "$hf/config.json" ]; then
  echo "four-bit.sh: writing $hf..." >&2
  "$cli" synthesize --shape qwen2.5-3b --format hf --dtype bf16 --tokenizer "$tok" --seed 1 --out "$hf" >&2
fi
results="$out/results.jsonl"
: > "$results"
tag() { sed "s/^{/{\"run\":\"$1\",\"rep\":$2,/"; }

# 1. The 3B shape.
big=(bench --threads "$threads" --prompt-tokens 64 --decode-tokens 16 --warmup-tokens 8 --steps "$steps"
  --variants cache+batch --json)
echo "four-bit.sh: 3B, SDK int4 (-Xmx$heap)..." >&2
MOBIEDIT_JAVA_OPTS="-Xmx$heap -XX:MaxDirectMemorySize=16g" "$cli" "${big[@]}" -m "$out/qwen2.5-3b-q4k.gguf" \
  --precision int4 --rows-out "$out/rows-3b.json" | tag 3b-sdk-int4 1 >> "$results"
echo "four-bit.sh: 3B, SDK int8..." >&2
"$cli" "${big[@]}" -m "$out/qwen2.5-3b-q4k.gguf" --precision int8 | tag 3b-sdk-int8 1 >> "$results"
echo "four-bit.sh: 3B, PyTorch ROME step (fp32, LM head everywhere)..." >&2
"$py" "$root/bench/rome/step_cost.py" --model "$hf" --rows-file "$out/rows-3b.json" --lm-head full \
  --threads "$threads" --steps "$steps" 2>/dev/null | tag 3b-torch-rome 1 >> "$results"

# 2. The 0.5B shape, one thread, interleaved.
small=(bench --threads 1 --prompt-tokens 256 --decode-tokens 32 --warmup-tokens 32 --steps "$steps"
  --variants cache+batch --json)
for rep in $(seq 1 "$reps"); do
  for p in int4 int8; do
    echo "four-bit.sh: 0.5B, SDK $p (repetition $rep)..." >&2
    "$cli" "${small[@]}" -m "$out/qwen2.5-0.5b-q4k.gguf" --precision "$p" | tag "0.5b-sdk-$p" "$rep" >> "$results"
  done
  echo "four-bit.sh: 0.5B, llama.cpp (repetition $rep)..." >&2
  node "$root/bench/hot-loop/llama_cpp.mjs" --model "$out/qwen2.5-0.5b-q4k.gguf" --threads 1 --prompt-tokens 256 \
    --decode-tokens 32 --warmup-tokens 32 --node-modules "$node_modules" | tag 0.5b-llama-q4 "$rep" >> "$results"
done
python3 "$root/bench/four-bit/table.py" "$results"
