#!/usr/bin/env bash
# The plain-Java kernel (what Android runs) of two builds of the SDK, side by side: prefill and decode of the
# synthetic Qwen2.5-0.5B shape with -Dmobiedit.cpu.kernels=scalar, one thread, the two builds interleaved, with the
# CPU time (user, system) of each run.
# Usage: bench/scalar-kernel.sh BEFORE_CHECKOUT AFTER_CHECKOUT [reps]
#   each checkout is a clone of this repository at the commit to measure, built (mvn -DskipTests -pl cli -am package)
# The model is written once to bench/out/qwen2.5-0.5b-synth by the AFTER build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
before="$1"
after="$2"
reps="${3:-2}"
model="$root/bench/out/qwen2.5-0.5b-synth"
if [ ! -f "$model/model.safetensors" ]; then
  "$after/mobiedit" synthesize --shape qwen2.5-0.5b --out "$model" --seed 1 --dtype bf16
fi
prompt="$(printf 'The quick brown fox jumps over the lazy dog. %.0s' $(seq 1 3))"
echo "| rep | precision | build | commit | prompt tokens | prefill tok/s | decode tok/s | CPU user s | CPU sys s |"
echo "|---|---|---|---|---|---|---|---|---|"
for rep in $(seq 1 "$reps"); do
  for p in int8 fp32; do
    for side in before after; do
      dir="$before"; [ "$side" = after ] && dir="$after"
      err=$(mktemp)
      json=$( { /usr/bin/time -f "%U %S" -o "$err.time" env MOBIEDIT_JAVA_OPTS="-Dmobiedit.cpu.kernels=scalar" \
        "$dir/mobiedit" generate --model "$model" --precision "$p" --threads 1 --prompt "$prompt" \
        --max-tokens 24 --ignore-eos --json 2>"$err"; } | tail -1)
      read -r user sys < "$err.time"
      commit=$(git -C "$dir" rev-parse --short HEAD)
      python3 - "$rep" "$p" "$side" "$commit" "$json" "$user" "$sys" <<'PY'
import json, sys
rep, p, side, commit, js, user, sys_ = sys.argv[1:8]
d = json.loads(js)
print(f"| {rep} | {p} | {side} | {commit} | {d['promptTokens']} | {d['prefillTokensPerSecond']:.2f} "
      f"| {d['decodeTokensPerSecond']:.2f} | {user} | {sys_} |")
PY
      rm -f "$err" "$err.time"
    done
  done
done
