#!/usr/bin/env bash
# Times `mgov policy eval` as a whole process (load bundle, parse manifest,
# evaluate, print) over N runs and prints min / median / p95 in milliseconds.
# Target: median <= 5 ms.
#
#   bench/policy/eval_process.sh [MGOV] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mgov="${1:-$root/build/src/cli/mgov}"
runs="${2:-200}"
times=()
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  "$mgov" policy eval --policy "$root/policies" --input "$root/examples/manifests/valid.yaml" >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk -v runs="$runs" '
  { t[NR] = $1 }
  END {
    printf "mgov policy eval, %d runs: min %.2f ms, median %.2f ms, p95 %.2f ms\n",
           runs, t[1] / 1000, t[int((NR + 1) / 2)] / 1000, t[int(NR * 0.95)] / 1000
  }'
