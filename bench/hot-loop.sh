#!/usr/bin/env bash
# The hot loop against the peers (issue 17): prefill, decode and one edit step of the MobiEdit SDK, PyTorch +
# transformers and llama.cpp (node-llama-cpp 3.21.1, prebuilt CPU binaries) at the Qwen2.5-0.5B shape with the real
# Qwen2 tokenizer, in one run, interleaved, each measurement in its own process, at each thread count; wall and CPU
# time of every measured section. Prints markdown tables (bench/hot-loop/tables.py) with medians and ratios.
#
# Set up once (kept between runs, all git-ignored): bench/.venv (torch, transformers from bench/rome/requirements.txt),
# bench/.node (node-llama-cpp@3.21.1), and in bench/out/hot-loop/ the synthesized models (seed 1: an HF folder in
# bf16 for the SDK and PyTorch, GGUF f32 and q8_0 for llama.cpp, all with the real Qwen2 vocabulary) and rows.json
# (the SDK's edit-step rows, from `mobiedit bench --rows-out` in fp32, which PyTorch's ROME step runs on).
#
# Per repetition and thread count, in this order: SDK fp32 and SDK int8 on backend-cpu, SDK int8-dynamic on
# backend-litert (XNNPACK's integer kernels) (`mobiedit bench`: prefill + decode, then the edit step, variant
# cache+batch), PyTorch fp32 and bf16 (prefill + decode), llama.cpp f32 and q8_0 (prefill +
# decode), PyTorch's ROME step with the LM head everywhere and at the labels only.
#
# Usage: bench/hot-loop.sh [--quick] [--reps R] [--threads "1 2"] [--prompt-tokens N] [--decode-tokens N]
#                          [--warmup-tokens N] [--steps N] [--parts generate,edit] [--out DIR]
# The same settings as environment variables: HOT_LOOP_REPS, HOT_LOOP_THREADS, HOT_LOOP_PROMPT_TOKENS,
# HOT_LOOP_DECODE_TOKENS, HOT_LOOP_WARMUP_TOKENS, HOT_LOOP_STEPS, HOT_LOOP_PARTS, HOT_LOOP_OUT.
# --quick: 1 repetition, 1 thread, 32 prompt tokens, 8 decode tokens, 2 edit steps (a smoke run, numbers not for
# comparison). Defaults: 2 repetitions, threads "1 2", 256 prompt tokens, 32 decode tokens, 32 warm-up tokens,
# 3 edit steps (the first of each is a warm-up and is not counted).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${HOT_LOOP_REPS:-2}"
threads="${HOT_LOOP_THREADS:-1 2}"
prompt="${HOT_LOOP_PROMPT_TOKENS:-256}"
decode="${HOT_LOOP_DECODE_TOKENS:-32}"
warmup="${HOT_LOOP_WARMUP_TOKENS:-32}"
steps="${HOT_LOOP_STEPS:-3}"
parts="${HOT_LOOP_PARTS:-generate,edit}"
out="${HOT_LOOP_OUT:-$root/bench/out/hot-loop}"

usage() {
  sed -n '/^# Usage:/,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}
need_value() {
  [ $# -ge 2 ] || { echo "hot-loop.sh: $1 needs a value" >&2; usage; }
}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) reps=1; threads=1; prompt=32; decode=8; warmup=8; steps=2; shift ;;
    --reps) need_value "$@"; reps="$2"; shift 2 ;;
    --threads) need_value "$@"; threads="$2"; shift 2 ;;
    --prompt-tokens) need_value "$@"; prompt="$2"; shift 2 ;;
    --decode-tokens) need_value "$@"; decode="$2"; shift 2 ;;
    --warmup-tokens) need_value "$@"; warmup="$2"; shift 2 ;;
    --steps) need_value "$@"; steps="$2"; shift 2 ;;
    --parts) need_value "$@"; parts="$2"; shift 2 ;;
    --out) need_value "$@"; out="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "hot-loop.sh: unknown option $1" >&2; usage ;;
  esac
done
for v in "$reps" "$prompt" "$decode" "$steps" $threads; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "hot-loop.sh: expected a whole number >= 1, got '$v'" >&2; exit 2; }
done
[[ "$warmup" =~ ^[0-9]+$ ]] || {
  echo "hot-loop.sh: --warmup-tokens must be a whole number, got '$warmup'" >&2
  exit 2
}
[ "$steps" -ge 2 ] || { echo "hot-loop.sh: --steps must be at least 2 (the first is a warm-up)" >&2; exit 2; }
case ",$parts," in
  *,generate,*|*,edit,*) ;;
  *) echo "hot-loop.sh: --parts takes generate, edit or both (comma-separated), got '$parts'" >&2; exit 2 ;;
esac
has_part() { case ",$parts," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

cli="$root/mobiedit"
tokenizer="${MOBIEDIT_SHARED_DATA:-$root/../shared/data}/tokenizers/qwen2"
hf="$out/qwen2.5-0.5b-hf"
rows="$out/rows.json"
log="$out/hot-loop.log"
mkdir -p "$out"

# ---------------------------------------------------------------- set up once
# shellcheck source=bench/peers.sh
. "$root/bench/peers.sh"
[ -f "$tokenizer/vocab.json" ] || { echo "hot-loop: no Qwen2 tokenizer at $tokenizer (shared data)" >&2; exit 1; }
if [ ! -f "$hf/config.json" ]; then
  "$cli" synthesize --shape qwen2.5-0.5b --format hf --dtype bf16 --seed 1 --tokenizer "$tokenizer" --out "$hf" \
    --force >&2
fi
for t in f32 q8_0; do
  if [ ! -f "$out/qwen2.5-0.5b-$t.gguf" ]; then
    "$cli" synthesize --shape qwen2.5-0.5b --format gguf --dtype "$t" --seed 1 --tokenizer "$tokenizer" \
      --out "$out/qwen2.5-0.5b-$t.gguf" --force >&2
  fi
done
if has_part edit && [ ! -f "$rows" ]; then
  echo "hot-loop: writing the SDK's edit-step rows ($rows)..." >&2
  "$cli" bench -m "$hf" --precision fp32 --threads 1 --prompt-tokens 8 --decode-tokens 2 --steps 2 \
    --variants cache+batch --rows-out "$rows" --json >/dev/null 2>>"$log"
fi

# ---------------------------------------------------------------- measure
results="$out/results.jsonl"
[ -f "$results" ] && mv "$results" "$results.previous"
: >"$results"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# Runs one measurement in its own process; its last JSON line, tagged, goes to results.jsonl.
measure() {
  local name="$1" rep="$2" t="$3"
  shift 3
  echo "hot-loop: rep $rep, $t thread(s): $name" >&2
  local line
  if ! line="$("$@" 2>>"$log" | grep '^{' | tail -n 1)" || [ -z "$line" ]; then
    echo "hot-loop: $name failed (see $log)" >&2
    return 0
  fi
  python3 - "$name" "$rep" "$t" "$commit" "$line" >>"$results" <<'EOF'
import json, sys
name, rep, threads, commit, line = sys.argv[1:]
o = json.loads(line)
if isinstance(o.get("stepMillis"), dict):  # mobiedit bench: the cache+batch variant is MobiEdit's step
    o["stepMillis"] = o["stepMillis"].get("cache+batch")
    o["stepCpuMillis"] = o.get("stepCpuMillis", {}).get("cache+batch")
    o["rows"], o["tokens"] = o.get("editRows"), o.get("editRowTokens")
o.update(measure=name, rep=int(rep), threads=int(threads), commit=commit)
try:  # how busy the machine was (other processes compete for the 2 cores and make thread pools spin)
    o["loadAverage1m"] = float(open("/proc/loadavg").read().split()[0])
except (OSError, ValueError):
    pass
print(json.dumps(o))
EOF
}

sdk_variants=(--steps "$steps" --variants cache+batch)
for rep in $(seq 1 "$reps"); do
  for t in $threads; do
    for p in fp32 int8; do
      if has_part generate || has_part edit; then
        measure "sdk-$p" "$rep" "$t" "$cli" bench -m "$hf" --precision "$p" --threads "$t" --prompt-tokens "$prompt" \
          --decode-tokens "$decode" --warmup-tokens "$warmup" "${sdk_variants[@]}" --json
      fi
    done
    if has_part generate || has_part edit; then
      # backend-litert compiles one graph per shape: the warm-up runs the measured prompt length, so the prefill and
      # decode graphs are compiled before the clock starts (the edit step's are compiled by its warm-up step).
      measure "sdk-litert-int8-dynamic" "$rep" "$t" env MOBIEDIT_LITERT_GRAPH_CACHE="$out/litert-graphs" "$cli" bench \
        --backend litert -m "$hf" --precision int8-dynamic --threads "$t" --prompt-tokens "$prompt" \
        --decode-tokens "$decode" --warmup-tokens "$prompt" "${sdk_variants[@]}" --json
    fi
    if has_part generate; then
      for d in fp32 bf16; do
        measure "torch-$d" "$rep" "$t" "$py" "$root/bench/hot-loop/torch_generate.py" --model "$hf" --dtype "$d" \
          --threads "$t" --prompt-tokens "$prompt" --decode-tokens "$decode" --warmup-tokens "$warmup"
      done
      for q in f32 q8_0; do
        measure "llama-$q" "$rep" "$t" node "$root/bench/hot-loop/llama_cpp.mjs" --model "$out/qwen2.5-0.5b-$q.gguf" \
          --threads "$t" --prompt-tokens "$prompt" --decode-tokens "$decode" --warmup-tokens "$warmup" \
          --node-modules "$node_modules"
      done
    fi
    if has_part edit; then
      for h in full labels; do
        measure "torch-rome-$h" "$rep" "$t" "$py" "$root/bench/rome/step_cost.py" --model "$hf" --rows-file "$rows" \
          --lm-head "$h" --threads "$t" --steps "$steps"
      done
    fi
  done
done

echo "hot-loop: commit $commit; results in $results" >&2
python3 "$root/bench/hot-loop/tables.py" "$results"
