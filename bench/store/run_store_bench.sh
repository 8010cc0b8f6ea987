#!/usr/bin/env bash
# Store throughput, SQLite vs PostgreSQL, 1 and 8 client processes, in one run:
#
#   bash bench/store/run_store_bench.sh [SECONDS_PER_CELL]     (default 5)
#
# Builds store_bench in $GOV_BUILD_DIR (default build), starts a throw-away
# PostgreSQL with scripts/with-postgres.sh, and prints a table. Both backends
# keep their durable defaults: SQLite WAL with synchronous=FULL, PostgreSQL
# with fsync and synchronous_commit on, so every acknowledged write is on disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-5}
build=${GOV_BUILD_DIR:-build}
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -G Ninja >/dev/null
cmake --build "$build" -j 2 --target store_bench >/dev/null
bench="$PWD/$build/bench/store/store_bench"

run_all() {
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  for clients in 1 8; do
    "$bench" "sqlite:$tmp/bench-$clients.db" "$clients" "$seconds"
    "$MGOV_PG_BIN/psql" -q "$MGOV_TEST_POSTGRES_URL" -c "SET client_min_messages TO warning; DROP SCHEMA IF EXISTS bench_$clients CASCADE; CREATE SCHEMA bench_$clients"
    "$bench" "$MGOV_TEST_POSTGRES_URL&options=-csearch_path%3Dbench_$clients" "$clients" "$seconds"
  done
}
export -f run_all
export bench seconds

echo "store throughput on $(nproc) cores, ${seconds} s per cell"
printf '%-11s %8s %22s %18s\n' backend clients "issued+co-signed/s" "gate verifies/s"
bash scripts/with-postgres.sh bash -c run_all |
  while read -r backend clients issued gates; do
    printf '%-11s %8s %22s %18s\n' "$backend" "$clients" "$issued" "$gates"
  done
