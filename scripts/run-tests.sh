#!/usr/bin/env bash
# Installs dependencies and runs every test twice, through CTest:
#  1. a gcc build with warnings as errors: unit, CLI, attack suite, OPA
#     conformance, store suites on SQLite and a throw-away PostgreSQL,
#     examples, install;
#  2. a clang build under AddressSanitizer and UndefinedBehaviorSanitizer
#     (every report is fatal): the same suite again, plus a short run of every
#     libFuzzer target, which need clang and these sanitizers too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test

build=${GOV_BUILD_DIR:-build/test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOV_WERROR=ON
cmake --build "$build" -j 2

# -O1 with line tables only: half the compile time of -O2 -g, and still a
# file:line in every sanitizer report. No install test: a consumer built
# without the sanitizers cannot link an instrumented library.
sanitize=${GOV_SANITIZE_BUILD_DIR:-build/sanitize}
mkdir -p "$sanitize"
sanitize=$(cd "$sanitize" && pwd)
CXX=clang++ cmake -S . -B "$sanitize" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
  -DGOV_SANITIZE=ON -DGOV_BUILD_FUZZ=ON -DGOV_FUZZ_BINARY_DIR="$sanitize" \
  -DGOV_BUILD_BENCH=OFF -DGOV_INSTALL=OFF
cmake --build "$sanitize" -j 2

# Both suites share one PostgreSQL server; the second runs even when the
# first failed, and the script fails if either did.
bash scripts/with-postgres.sh bash -c '
  status=0
  ctest --test-dir "$1" -j 2 --output-on-failure --timeout 900 || status=1
  echo "== the same suite under AddressSanitizer and UndefinedBehaviorSanitizer =="
  ASAN_OPTIONS=detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$2" -j 2 --output-on-failure --timeout 900 || status=1
  exit $status
' run-tests "$build" "$sanitize"
