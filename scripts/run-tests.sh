#!/usr/bin/env bash
# Installs dependencies, builds mgov with warnings as errors, and runs every
# test (unit, CLI, conformance, store suites on SQLite and PostgreSQL) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
build=${GOV_BUILD_DIR:-build/test}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOV_WERROR=ON
cmake --build "$build" -j 2
bash scripts/with-postgres.sh ctest --test-dir "$build" -j 2 --output-on-failure --timeout 900
