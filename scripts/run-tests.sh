#!/usr/bin/env bash
# Installs dependencies, builds mgov with warnings as errors, builds the
# libFuzzer targets with clang, and runs every test (unit, CLI, attack suite,
# OPA conformance, store suites on SQLite and a throw-away PostgreSQL,
# examples, install, short fuzz runs) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test

fuzz_build=${GOV_FUZZ_BUILD_DIR:-build/fuzz}
CXX=clang++ cmake -S . -B "$fuzz_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DGOV_BUILD_FUZZ=ON -DGOV_BUILD_TESTS=OFF -DGOV_BUILD_EXAMPLES=OFF -DGOV_BUILD_BENCH=OFF \
  -DGOV_INSTALL=OFF
cmake --build "$fuzz_build" -j 2 --target rego_parser_fuzz csv_fuzz yaml_fuzz

build=${GOV_BUILD_DIR:-build/test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOV_WERROR=ON \
  -DGOV_FUZZ_BINARY_DIR="$(cd "$fuzz_build" && pwd)"
cmake --build "$build" -j 2
bash scripts/with-postgres.sh ctest --test-dir "$build" -j 2 --output-on-failure --timeout 900
