#!/usr/bin/env bash
# Installs, from Debian 12's own archive, everything mgov needs to build, test
# and benchmark. Safe to run again: apt-get skips what is already there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libsodium-dev libsqlite3-dev nlohmann-json3-dev libfmt-dev doctest-dev
  libssl-dev openssl libyaml-dev libcli11-dev libre2-dev libpq-dev zlib1g-dev
  tzdata
)
if [ "${1:-}" = "--test" ]; then
  packages+=(postgresql clang libclang-rt-14-dev libbenchmark-dev python3 python3-scipy python3-numpy
             python3-pandas
             chromium fonts-dejavu-core)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
