#!/usr/bin/env bash
# Scale benchmark: synthetic models with the real shapes of Qwen2.5-0.5B, Qwen2.5-3B and Llama-3.2-3B (seeded random
# BF16 weights, written once to bench/out/), measured by `mobiedit bench` in fp32, int8 and int8-a8 (one process
# each), and the backpropagation baseline's step cost at the same shapes (bench/rome/step_cost.py, fp32).
# Usage: bench/scale.sh [threads] [shapes...]     default: 2 qwen2.5-0.5b qwen2.5-3b llama-3.2-3b
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
shift || true
shapes=("$@")
[ ${#shapes[@]} -eq 0 ] && shapes=(qwen2.5-0.5b qwen2.5-3b llama-3.2-3b)
cli="$root/mobiedit"
py="$root/bench/.venv/bin/python"
for shape in "${shapes[@]}"; do
  model="$root/bench/out/$shape-synth"
  if [ ! -f "$model/config.json" ]; then
    "$cli" synthesize --shape "$shape" --out "$model" --seed 1 --dtype bf16 >/dev/null
  fi
  case "$shape" in
    qwen2.5-0.5b) args=(--prompt-tokens 256 --steps 3 --variants "cache+batch,cache,batch") ;;
    *) args=(--prompt-tokens 64 --decode-tokens 16 --steps 2 --variants "cache+batch") ;;
  esac
  for p in fp32 int8 int8-a8; do
    "$cli" bench -m "$model" --precision "$p" --threads "$threads" "${args[@]}" --json 2>>"$root/bench/out/scale-bench.log"
  done
  layer=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(max(0, round(c['num_hidden_layers'] * 0.17)))" "$model/config.json")
  if [ -x "$py" ]; then
    "$py" "$root/bench/rome/step_cost.py" --model "$model" --layer "$layer" --threads "$threads" --steps 3 2>>"$root/bench/out/scale-bench.log"
  fi
done
