#!/usr/bin/env bash
# Installs the built mgov into a temporary prefix and builds a consumer with
# find_package(governance).   run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
cmake -S "$src/tests/find_package" -B "$prefix/consumer-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$prefix/consumer-build" > /dev/null
"$prefix/consumer-build/consumer"
test -x "$prefix/bin/mgov"
test -f "$prefix/include/governance/coordinator.h"
