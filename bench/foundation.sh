#!/usr/bin/env bash
# Foundation benchmark: a synthetic model with the real shapes of Qwen2.5-0.5B (seeded random BF16 weights),
# loaded in fp32 and int8: resident memory after load vs int8 weight bytes, prefill and decode tokens/s.
# Usage: bench/foundation.sh [threads] [kernels]   kernels: auto (SIMD where available, default) or scalar
# (writes the model once to bench/out/, ~1 GB)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
export MOBIEDIT_JAVA_OPTS="${MOBIEDIT_JAVA_OPTS:-} -Dmobiedit.cpu.kernels=${2:-auto}"
model="$root/bench/out/qwen2.5-0.5b-synth"
cli="$root/mobiedit"
if [ ! -f "$model/model.safetensors" ]; then
  "$cli" synthesize --shape qwen2.5-0.5b --out "$model" --seed 1 --dtype bf16
fi
prompt="$(printf 'The quick brown fox jumps over the lazy dog. %.0s' $(seq 1 12))"
echo "kernels: ${2:-auto}, threads: $threads"
echo
echo "| precision | prompt tokens | prefill tok/s | decode tok/s | backend weight bytes | resident after load | resident / int8 weight bytes |"
echo "|---|---|---|---|---|---|---|"
int8_bytes=""
for p in int8 fp32; do
  inspect=$("$cli" inspect --model "$model" --precision "$p" --threads "$threads" --json)
  gen=$("$cli" generate --model "$model" --precision "$p" --threads "$threads" --prompt "$prompt" \
        --max-tokens 32 --ignore-eos --json)
  python3 - "$p" "$inspect" "$gen" "${int8_bytes}" <<'PY'
import json, sys
p, inspect, gen, int8 = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
wb = inspect["backendWeightBytes"]; rss = inspect.get("residentBytes", 0)
ratio = rss / (wb if p == "int8" else float(int8 or wb))
print(f"| {p} | {gen['promptTokens']} | {gen['prefillTokensPerSecond']:.1f} | {gen['decodeTokensPerSecond']:.2f} "
      f"| {wb/2**20:.0f} MiB | {rss/2**20:.0f} MiB | {ratio:.2f} |")
PY
  if [ "$p" = int8 ]; then int8_bytes=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['backendWeightBytes'])" "$inspect"); fi
done
