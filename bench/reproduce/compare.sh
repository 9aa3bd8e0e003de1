#!/usr/bin/env bash
# Compares two folders written by run.sh: every evaluated case (steps, stop reason, the whole loss curve, context
# templates, every metric; timings and memory left out) and the ablation tables' result columns. Exits 1 on any
# difference.
# --outcomes: compare what an edit does (steps, stop reason, success, every metric and score)
# but not the loss curve nor the forward-pass count, for changes that evaluate fewer points per step or report the
# curve differently (issue 17: the unperturbed point is no longer evaluated).
# Usage: bench/reproduce/compare.sh [--outcomes] OLD NEW
set -euo pipefail
outcomes=0
if [ "${1:-}" = "--outcomes" ]; then outcomes=1; shift; fi
columns=1-7
[ "$outcomes" = 1 ] && columns=1-6
status=0
for f in ablation-fp32.txt ablation-int8a8-cov.txt; do
  if diff <(grep '^| [a-z]' "$1/$f" | cut -d'|' -f"$columns") <(grep '^| [a-z]' "$2/$f" | cut -d'|' -f"$columns") \
    >/dev/null; then
    echo "$f: same results"
  else
    echo "$f: DIFFERENT"; status=1
  fi
done
for run in world-heldout-fp32 world-heldout-int8-a8 cf50-fp32; do
  python3 - "$1/$run/cases.jsonl" "$2/$run/cases.jsonl" "$run" "$outcomes" <<'PY' || status=1
import json, sys
def cases(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                if "caseId" in d:
                    ignored = ["wallMillis", "peakResidentBytes"]
                    if sys.argv[4] == "1":
                        ignored += ["lossCurve", "forwardPasses"]
                    for k in ignored:
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
