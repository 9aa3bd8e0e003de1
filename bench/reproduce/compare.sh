#!/usr/bin/env bash
# Compares two folders written by run.sh: every evaluated case (steps, stop reason, the whole loss curve, context
# templates, every metric; timings and memory left out) and the ablation tables' result columns. Exits 1 on any
# difference.
# Usage: bench/reproduce/compare.sh OLD NEW
set -euo pipefail
status=0
for f in ablation-fp32.txt ablation-int8a8-cov.txt; do
  if diff <(grep '^| [a-z]' "$1/$f" | cut -d'|' -f1-7) <(grep '^| [a-z]' "$2/$f" | cut -d'|' -f1-7) >/dev/null; then
    echo "$f: same results"
  else
    echo "$f: DIFFERENT"; status=1
  fi
done
for run in world-heldout-fp32 world-heldout-int8-a8 cf50-fp32; do
  python3 - "$1/$run/cases.jsonl" "$2/$run/cases.jsonl" "$run" <<'PY' || status=1
import json, sys
def cases(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                if "caseId" in d:
                    for k in ("wallMillis", "peakResidentBytes"):
                        d.pop(k, None)
                    out[d["caseId"]] = d
    return out
old, new = cases(sys.argv[1]), cases(sys.argv[2])
differ = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
steps = sum(d.get("steps") or 0 for d in new.values())
print(f"{sys.argv[3]}: {len(old)} vs {len(new)} cases, {len(differ)} differ, {steps} search steps compared"
      + (f" (first: {differ[:5]})" if differ else ""))
sys.exit(1 if differ or old.keys() != new.keys() else 0)
PY
done
exit $status
