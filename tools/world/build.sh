#!/usr/bin/env bash
# Rebuilds the demo model from nothing: writes the world (world.py), trains its tokenizer and a small Llama on it
# (train.py), prepares the key statistics editors use (mobiedit prepare), and puts everything in
# models/mobiedit-world/. Same seed, same machine and thread count: same files.
#   bash tools/world/build.sh [--seed N] [--steps N] [--intermediate N] [--out DIR]
# (--intermediate: the MLP width, 384 for the bundled model; bench/RESULTS.md measures a 1536-wide one for capacity)
# The Python environment (pinned in requirements.txt) is created on first use in tools/world/.venv; set PIP_ARGS to
# point pip at other package indexes (default: this machine's local ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seed=7
steps=1500
intermediate=384
out="$root/models/mobiedit-world"
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --intermediate) intermediate="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: build.sh [--seed N] [--steps N] [--intermediate N] [--out DIR]" >&2; exit 2 ;;
  esac
done
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q ${PIP_ARGS:---index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple --find-links /opt/wheels} \
    -r "$here/requirements.txt"
fi
mkdir -p "$out"
"$venv/bin/python" "$here/world.py" --seed "$seed" --out "$out"
RAYON_NUM_THREADS=1 "$venv/bin/python" "$here/train.py" --world "$out" --seed "$seed" --steps "$steps" --intermediate "$intermediate"
rm -f "$out/generation_config.json"
# the key statistics editors use (1,024 texts sampled from the model, layers 1-5; about a minute)
"$root/mobiedit" prepare --model "$out" --force
ls -l "$out"
