#!/usr/bin/env bash
# Installs dependencies, builds mgov, and runs the example coordinator end to
# end (keys, train, approve, co-sign, verify, deploy, revoke, ledger verify)
# on the embedded SQLite store.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${GOV_BUILD_DIR:-build/release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGOV_BUILD_TESTS=OFF -DGOV_BUILD_BENCH=OFF
cmake --build "$build" -j 2 --target coordinator mgov
workdir=${GOV_EXAMPLE_DIR:-$(mktemp -d)}
"$build/examples/coordinator" --workdir "$workdir"
