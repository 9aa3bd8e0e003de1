#!/usr/bin/env bash
# The kill-during-save loop (issue 15): a process saves edit patches (about 40-160 KB each, forced to disk) to one
# file over and over and is killed with SIGKILL at a random moment of a save, the file is read back (a torn file fails
# its structure or checksum), and this repeats. Temporary files left by the killed saves are counted; later saves
# remove the stale ones (unmodified for a minute and not locked by a live writer), and one more save after the last
# kill, once they are stale, must leave none. Exit 0 when there was no torn file and no leftover.
# Usage: bench/store/kill-during-save.sh [kills=250] [seed=1] [--backdate]
#   --backdate: age the last leftovers' modification times instead of waiting a minute for them to become stale.
# Runs from the compiled test classes of sdk-core (it compiles them first; MVN_FLAGS=-o for offline); the files go
# to a temporary folder that is removed afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kills="${1:-250}"
seed="${2:-1}"
extra=("${@:3}")
cpfile="$(mktemp)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$cpfile"' EXIT
(cd "$root" && mvn -B -q ${MVN_FLAGS:-} test-compile dependency:build-classpath -pl sdk-core -am \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime >/dev/null)
cp="$root/sdk-core/target/test-classes:$root/sdk-core/target/classes:$(cat "$cpfile")"
echo "kill-during-save: $kills kills, seed $seed, in $work"
java -cp "$cp" org.mobiedit.core.internal.store.KillDuringSave "$work" "$kills" "$seed" "${extra[@]}"
