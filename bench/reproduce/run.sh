#!/usr/bin/env bash
# Runs the edit workloads whose results must not change when the code is restructured: the stories260K requests
# under early stopping with and without the prefix cache (fp32) and with int8-a8 + key covariance, the demo world's
# 100 held-out edits in fp32 and int8-a8, and the first 50 CounterFact cases on stories260K. Every evaluation runs at
# one thread. Compare two output folders with compare.sh.
#
# Usage: bench/reproduce/run.sh REPO OUT   (REPO: a checkout whose ./mobiedit to use; OUT: a new folder)
# Needs ../shared/data next to REPO (stories260K and the CounterFact file); about 30 minutes on 2 cores.
set -euo pipefail
repo=$(cd "$1" && pwd); mkdir -p "$2"; out=$(cd "$2" && pwd)
data=$(cd "$repo/../shared/data" 2>/dev/null && pwd) || data=/work/shared/data
cd "$repo"
stories="$data/models/stories260K"
./mobiedit ablation -m "$stories/stories260K-f32.gguf" --requests bench/requests/stories260k-edits.json --lr 0.5 \
  --steps 200 --relative-epsilon --epsilon 1 --precision fp32 --configs early-stop,both > "$out/ablation-fp32.txt"
./mobiedit ablation -m "$stories/stories260K-f32.gguf" --requests bench/requests/stories260k-edits.json --lr 0.5 \
  --steps 200 --relative-epsilon --epsilon 1 --precision int8-a8 --key-covariance --configs both \
  > "$out/ablation-int8a8-cov.txt"
for p in fp32 int8-a8; do
  ./mobiedit eval --model models/mobiedit-world --dataset models/mobiedit-world/edits-heldout.json --layer 2 \
    --key-covariance --precision "$p" --threads 1 --out "$out/world-heldout-$p" --json > "$out/world-heldout-$p.json"
done
./mobiedit eval --model "$stories/hf" --dataset "$data/editing/counterfact-1031.json" --limit 50 --threads 1 \
  --out "$out/cf50-fp32" --json > "$out/cf50-fp32.json"
