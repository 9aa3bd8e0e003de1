#!/usr/bin/env bash
# Long fuzz campaign over every untrusted input format (issue 15): mutated GGUF files, safetensors headers,
# config.json, tokenizer files and patch files, seeded with the real files in ../shared/data and the demo model.
# Every input must end as success or a MobiEditException within the time bound; see bench/fuzz/README.md.
#
# Usage: bench/fuzz/run.sh [inputs] [seed]              e.g. bench/fuzz/run.sh 200000 15
#        bench/fuzz/run.sh --replay target:index[,...] [seed]
# Environment: FUZZ_TARGETS=gguf-header,patch (a subset), FUZZ_TIMEOUT=10 (seconds per input),
#              MVN_FLAGS=-o (extra Maven flags, e.g. offline).
# Exit status: 0 when there was no finding, non-zero otherwise (the summary is printed either way).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
props=()
if [ "${1:-}" = "--replay" ]; then
  [ $# -ge 2 ] || { echo "usage: $0 --replay target:index[,target:index...] [seed]" >&2; exit 2; }
  props+=("-Dmobiedit.fuzz.replay=$2")
  seed="${3:-15}"
else
  inputs="${1:-200000}"
  seed="${2:-15}"
  props+=("-Dmobiedit.fuzz.inputs=$inputs")
fi
props+=("-Dmobiedit.fuzz.seed=$seed")
[ -n "${FUZZ_TARGETS:-}" ] && props+=("-Dmobiedit.fuzz.targets=$FUZZ_TARGETS")
[ -n "${FUZZ_TIMEOUT:-}" ] && props+=("-Dmobiedit.fuzz.timeoutSeconds=$FUZZ_TIMEOUT")
cd "$root"
# -am builds sdk-core from this checkout; -Dtest picks the campaign (its inputs run in a JVM of their own, -Xmx1g);
# the other modules have no such test, which is not an error.
# shellcheck disable=SC2086
mvn -B ${MVN_FLAGS:-} test -pl backend-cpu -am -Dtest=FuzzCampaignTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.printSummary=true "${props[@]}"
status=$?
summary="$root/backend-cpu/target/fuzz-findings/seed-$seed/summary.txt"
if [ -f "$summary" ] && [ "${1:-}" != "--replay" ]; then
  echo
  echo "Summary: $summary"
  echo "Findings (one line each): $(dirname "$summary")/findings.tsv"
fi
exit $status
