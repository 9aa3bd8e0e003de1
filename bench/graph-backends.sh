#!/usr/bin/env bash
# backend-cpu, backend-litert and backend-qnn side by side (issue 18), at the Qwen2.5-0.5B shape with the real Qwen2
# tokenizer (bench/hot-loop.sh's synthesized model, seed 1): each backend and precision in its own `mobiedit bench`
# process, interleaved over repetitions; prefill and decode speed, the time of one edit step (the engine's
# cache+batch step, wall and CPU), and the process's peak resident memory during the edit steps (after loading), set
# against the weight bytes of the precision (parameters × 4 in fp32, × 1 in the int8 precisions).
#
# Usage: bench/graph-backends.sh [--reps R] [--threads T] [--steps N] [--only "backend:precision ..."] [--out DIR]
# Defaults: 2 repetitions, 1 thread, 3 edit steps (the first is a warm-up), every pair (cpu int8 and int8-a8, litert
# int8-dynamic, qnn int8, int8-a8 and fp32), DIR bench/out/hot-loop (where bench/hot-loop.sh leaves the model; it is
# synthesized here if absent).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps=2
threads=1
steps=3
only=""
out="$root/bench/out/hot-loop"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) sed -n '/^# Usage:/,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
for v in "$reps" "$threads" "$steps"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "graph-backends.sh: counts must be positive whole numbers, got '$v'" >&2; exit 2; }
done
cli="$root/mobiedit"
hf="$out/qwen2.5-0.5b-hf"
tokenizer="${MOBIEDIT_SHARED_DATA:-$root/../shared/data}/tokenizers/qwen2"
mkdir -p "$out"
if [ ! -f "$hf/config.json" ]; then
  [ -f "$tokenizer/vocab.json" ] || { echo "graph-backends: no Qwen2 tokenizer at $tokenizer (shared data)" >&2; exit 1; }
  "$cli" synthesize --shape qwen2.5-0.5b --format hf --dtype bf16 --seed 1 --tokenizer "$tokenizer" --out "$hf" \
    --force >&2
fi
results="$out/graph-backends.jsonl"
log="$out/graph-backends.log"
: >"$results"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
# backend:precision, in the order each repetition runs them (litert in int8 is left out: 22 GB, docs/backend-litert.md)
combos="${only:-cpu:int8 cpu:int8-a8 litert:int8-dynamic qnn:int8 qnn:int8-a8 qnn:fp32}"
for rep in $(seq 1 "$reps"); do
  for c in $combos; do
    b="${c%%:*}"
    p="${c#*:}"
    echo "graph-backends: rep $rep, $b $p" >&2
    line="$(env MOBIEDIT_LITERT_GRAPH_CACHE="$out/litert-graphs" "$cli" bench --backend "$b" -m "$hf" --precision "$p" \
      --threads "$threads" --prompt-tokens 64 --decode-tokens 32 --warmup-tokens 64 --steps "$steps" \
      --variants cache+batch --json 2>>"$log" | grep '^{' | tail -n 1)" || line=""
    if [ -z "$line" ]; then
      echo "graph-backends: $b $p failed (see $log)" >&2
      continue
    fi
    python3 -c 'import json,sys; o=json.loads(sys.argv[1]); o.update(rep=int(sys.argv[2]), commit=sys.argv[3]); print(json.dumps(o))' \
      "$line" "$rep" "$commit" >>"$results"
  done
done
python3 - "$results" "$threads" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"Medians over repetitions, {sys.argv[2]} thread(s); peak = the process's peak resident memory during the edit"
      " steps; weight bytes = parameters x 4 (fp32) or x 1 (int8 precisions).\n")
print("| backend | precision | prefill tok/s | decode tok/s | edit step s (wall / CPU) | weight bytes | peak resident"
      " | peak / weights |")
print("|---|---|---|---|---|---|---|---|")
seen = []
for r in rows:
    k = (r["backend"], r["precision"])
    if k not in seen:
        seen.append(k)
med = lambda xs: statistics.median(xs)
for b, p in seen:
    rs = [r for r in rows if (r["backend"], r["precision"]) == (b, p)]
    weights = rs[0]["parameters"] * (4 if p == "fp32" else 1)
    peak = med(r["peakResident_cache+batch"] for r in rs)
    print(f"| {b} | {p} | {med(r['prefillTokensPerSecond'] for r in rs):.1f} | "
          f"{med(r['decodeTokensPerSecond'] for r in rs):.1f} | "
          f"{med(r['stepMillis']['cache+batch'] for r in rs) / 1000:.2f} / "
          f"{med(r['stepCpuMillis']['cache+batch'] for r in rs) / 1000:.2f} | "
          f"{weights / 2**30:.2f} GiB | {peak / 2**30:.2f} GiB | {peak / weights:.2f} |")
PY
