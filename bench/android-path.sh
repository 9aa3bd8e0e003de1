#!/usr/bin/env bash
# The edit's memory when the model comes the way an Android app holds it: a GGUF file read through a FileChannel
# with its offset and length (ModelSource.gguf, as from an asset's AssetFileDescriptor), backend-cpu in int8, a small
# Java heap. Reports the peak Java heap used and the peak resident memory during edit steps, as a multiple of the
# weight bytes (parameters x 1), for the channel and, beside it, the path.
#
# Usage: bench/android-path.sh [--heaps "64m 48m"] [--model FILE.gguf] [--steps N]
# Default model: bench/out/hot-loop/qwen2.5-0.5b-q8_0.gguf (bench/hot-loop.sh writes it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
heaps="64m 48m"
model="$root/bench/out/hot-loop/qwen2.5-0.5b-q8_0.gguf"
steps=3
while [ $# -gt 0 ]; do
  case "$1" in
    --heaps) heaps="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    *) echo "android-path: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$model" ] || { echo "android-path: no model at $model (run bench/hot-loop.sh first, or give --model)" >&2; exit 1; }
echo "| loaded from | Java heap limit | heap used, peak | resident during the edit | resident / weight bytes | edit step |"
echo "|---|---|---|---|---|---|"
for heap in $heaps; do
  for how in channel path; do
    flag=""
    [ "$how" = channel ] && flag="--from-channel"
    # on a desktop JVM direct memory defaults to the heap's size; Android has no such cap
    MOBIEDIT_JAVA_OPTS="-Xmx$heap -XX:MaxDirectMemorySize=4g" "$root/mobiedit" bench -m "$model" --precision int8 \
      --backend cpu --threads 1 $flag --prompt-tokens 64 --decode-tokens 8 --steps "$steps" --variants cache+batch \
      --json 2>/dev/null | python3 -c '
import json, sys
o = json.loads([l for l in sys.stdin if l.startswith("{")][-1])
w = o["parameters"]
peak = o["peakResident_cache+batch"]
heap = o["peakHeapUsedBytes"] / 2**20
step = o["stepMillis"]["cache+batch"] / 1000
print("| %s | %s | %.1f MiB | %.3f GiB | %.2f | %.2f s |" % (sys.argv[1], sys.argv[2], heap, peak / 2**30, peak / w, step))
' "$how" "$heap"
  done
done
