#!/usr/bin/env bash
# Hashing throughput of one large file: mgov's HashArtifact against
# `openssl dgst -sha256` and `sha256sum`, same file, same run, page cache warm.
#   bench/training/run_hash_bench.sh BUILD_DIR [SIZE_MIB]   (default 2048 = 2 GiB)
set -euo pipefail
build=${1:?usage: run_hash_bench.sh BUILD_DIR [SIZE_MIB]}
size_mib=${2:-2048}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file=$dir/model.bin
# Incompressible content, written once.
# (openssl dies of SIGPIPE when head has enough: that is expected.)
{ openssl enc -aes-128-ctr -pass pass:mgov -nosalt -pbkdf2 -in /dev/zero 2>/dev/null || true; } |
  head -c $((size_mib * 1024 * 1024)) > "$file"
cat "$file" > /dev/null  # warm the page cache so every tool reads from memory
bytes=$(stat -c %s "$file")

best() {  # best of 3 wall-clock seconds of a command
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s.%N); "$@" > "$dir/out" ; t1=$(date +%s.%N)
    local t; t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

mgov_s=$(best "$build/bench/training/hash_artifact" "$file")
mgov_digest=$(cut -d' ' -f1 "$dir/out")
openssl_s=$(best openssl dgst -sha256 "$file")
openssl_digest=sha256:$(awk '{print $NF}' "$dir/out")
sha256sum_s=$(best sha256sum "$file")
sha256sum_digest=sha256:$(cut -c1-64 "$dir/out")

if [ "$mgov_digest" != "$openssl_digest" ] || [ "$mgov_digest" != "$sha256sum_digest" ]; then
  echo "digests differ: $mgov_digest $openssl_digest $sha256sum_digest" >&2
  exit 1
fi
mibs() { echo "scale=0; $bytes / 1048576 / $1" | bc -l; }
printf 'file: %d MiB, digest %s\n' "$size_mib" "$mgov_digest"
printf '%-22s %8s %10s %12s\n' tool seconds MiB/s "mgov speedup"
printf '%-22s %8.3f %10s %12s\n' "mgov HashArtifact" "$mgov_s" "$(mibs "$mgov_s")" "1.00x"
printf '%-22s %8.3f %10s %12s\n' "openssl dgst -sha256" "$openssl_s" "$(mibs "$openssl_s")" \
  "$(echo "scale=2; $openssl_s / $mgov_s" | bc -l)x"
printf '%-22s %8.3f %10s %12s\n' "sha256sum" "$sha256sum_s" "$(mibs "$sha256sum_s")" \
  "$(echo "scale=2; $sha256sum_s / $mgov_s" | bc -l)x"
