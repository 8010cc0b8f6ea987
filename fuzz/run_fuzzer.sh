#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS over its checked-in seed corpus
# (read-only; new inputs go to a temporary directory), with its dictionary
# fuzz/dict/NAME.dict when there is one. Exit non-zero on a crash.
#   fuzz/run_fuzzer.sh FUZZER SEED_DIR SECONDS
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
name=$(basename "$fuzzer" _fuzz)
dict="$(cd "$(dirname "$0")" && pwd)/dict/$name.dict"
dict_flag=()
if [[ -f $dict ]]; then dict_flag=(-dict="$dict"); fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  "${dict_flag[@]}" -artifact_prefix="$work/" "$work" "$seeds" 2>&1 | tail -n 12
echo "fuzz run finished without a crash"
