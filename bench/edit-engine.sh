#!/usr/bin/env bash
# Edit engine benchmark on stories260K (real weights): the paper's four system configurations, then every
# precision with the paper's absolute epsilon and with a relative one. Same 20 requests, 2 threads.
# Usage: bench/edit-engine.sh [steps] [lr]    (needs ../shared/data/models/stories260K)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-200}"
lr="${2:-0.5}"
model="$root/../shared/data/models/stories260K/stories260K-f32.gguf"
requests="$root/bench/requests/stories260k-edits.json"
cli="$root/mobiedit"
echo "## four configurations, fp32, absolute epsilon 1e-3"
"$cli" ablation -m "$model" --requests "$requests" --lr "$lr" --steps "$steps" 2>/dev/null | tail -n +2
for eps in "abs" "rel"; do
  if [ "$eps" = abs ]; then flags=(--epsilon 1e-3); title="absolute epsilon 1e-3 (the paper's)";
  else flags=(--relative-epsilon --epsilon 1); title="relative epsilon 1 (epsilon = |t0|/sqrt(d))"; fi
  echo
  echo "## configuration both, $title"
  echo
  echo "| precision | edit success | shows new object | locality | median steps | median forward passes | median wall ms | total wall s |"
  echo "|---|---|---|---|---|---|---|---|"
  for p in fp32 int8 int8-a16 int8-a8; do
    "$cli" ablation -m "$model" --requests "$requests" --lr "$lr" --steps "$steps" --precision "$p" \
      --configs both "${flags[@]}" 2>/dev/null | tail -n 1 | sed "s/^| both |/| $p |/"
  done
done
