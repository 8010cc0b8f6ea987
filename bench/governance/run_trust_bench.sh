#!/usr/bin/env bash
# What the trust root costs, in one run:
#
#   bash bench/governance/run_trust_bench.sh [BASELINE_COMMIT] [RUNS]
#
# 1. The store-backed gate (`BM_VerifyGate`: every check of ServingPlane::Verify,
#    now including the governance-root chain, signed state and snapshot) against
#    the gate of BASELINE_COMMIT (default 6a924d2, the last commit before the
#    trust root), each built in Release. Goal: <= 1.2x.
# 2. Offline `verify --bundle` of a 3-of-5 quorum against 3 raw libsodium
#    Ed25519 verifications of the same approval, the least a serving host could
#    do. Goal: <= 1.5x. Measured twice:
#    - in-process (trust_bench): a process's first bundle (every signature of
#      the root, the enrolments, the approval and the snapshot checked) and a
#      long-lived host checking it again;
#    - whole job, files in and verdict out: `mgov verify --bundle ... --artifact`
#      against `raw_quorum` (reads the bundle, 3 verifications, prints a verdict),
#      both as fresh processes, RUNS times each (default 200), medians.
#
# Builds in $GOV_BENCH_BUILD_DIR (default build/bench-release) and the baseline
# in a temporary git worktree; both are Release.
set -euo pipefail
cd "$(dirname "$0")/../.."
baseline=${1:-6a924d2}
runs=${2:-200}
build=${GOV_BENCH_BUILD_DIR:-build/bench-release}
release_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DGOV_BUILD_TESTS=OFF -DGOV_BUILD_FUZZ=OFF
               -DGOV_BUILD_EXAMPLES=OFF -DGOV_INSTALL=OFF)

echo "building the current tree ($build) ..." >&2
cmake -S . -B "$build" "${release_flags[@]}" >/dev/null
cmake --build "$build" -j 2 --target plane_bench trust_bench raw_quorum mgov >/dev/null

base_src=$(mktemp -d)
work=$(mktemp -d)
cleanup() { git worktree remove --force "$base_src" >/dev/null 2>&1 || true; rm -rf "$base_src" "$work"; }
trap cleanup EXIT
echo "building the baseline gate at $baseline ..." >&2
git worktree add --detach -q "$base_src" "$baseline"
cmake -S "$base_src" -B "$base_src/build" "${release_flags[@]}" >/dev/null
cmake --build "$base_src/build" -j 2 --target plane_bench >/dev/null

# Median of a Google Benchmark's per-iteration real time (µs), 5 repetitions.
gbench() {
  "$1" --benchmark_filter="^$2\$" --benchmark_repetitions=5 --benchmark_min_time=0.5 \
       --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null |
    python3 -c 'import json,sys
for b in json.load(sys.stdin)["benchmarks"]:
    if b.get("aggregate_name") == "median": print("%.1f" % b["real_time"])'
}

echo "== store-backed gate (BM_VerifyGate, Release, medians of 5) =="
# Alternate the two builds so that drift on a shared VM hits both alike.
now=(); then=()
for round in 1 2; do
  now+=("$(gbench "$build/bench/governance/plane_bench" BM_VerifyGate)")
  then+=("$(gbench "$base_src/build/bench/governance/plane_bench" BM_VerifyGate)")
done
python3 - "${now[@]}" "${then[@]}" <<'EOF'
import sys
v = [float(x) for x in sys.argv[1:]]
now, then = v[:len(v)//2], v[len(v)//2:]
print(f"  with the trust root  {min(now):8.1f} µs   (rounds: {', '.join(map(str, now))})")
print(f"  before (baseline)    {min(then):8.1f} µs   (rounds: {', '.join(map(str, then))})")
print(f"  ratio                {min(now)/min(then):8.2f}x   goal <= 1.2x")
EOF

echo "== offline bundle, 3-of-5 quorum, in-process (medians of 5) =="
raw=$(gbench "$build/bench/governance/trust_bench" BM_RawVerify3)
first=$(gbench "$build/bench/governance/trust_bench" BM_BundleFirst)
again=$(gbench "$build/bench/governance/trust_bench" BM_BundleAgain)
python3 - "$raw" "$first" "$again" <<'EOF'
import sys
raw, first, again = map(float, sys.argv[1:])
print(f"  3 raw libsodium verifications  {raw:8.1f} µs")
print(f"  bundle, first in a process     {first:8.1f} µs   {first/raw:6.2f}x")
print(f"  bundle, checked again          {again:8.1f} µs   {again/raw:6.2f}x   goal <= 1.5x")
EOF

echo "== offline bundle, whole job: files in, verdict out ($runs fresh processes each) =="
"$build/bench/governance/trust_bench" --write "$work" >/dev/null
mapfile -t signers <"$work/signers.hex"
mgov="$build/src/cli/mgov"
[ -x "$mgov" ] || mgov=$(find "$build" -name mgov -type f -perm -u+x | head -n 1)
# Both must give their verdict before being timed.
"$mgov" verify --bundle "$work/bundle.json" --trust "$work/root.json" --env staging \
  --artifact "$work/model.bin" >/dev/null
"$build/bench/governance/raw_quorum" "$work/bundle.json" "${signers[@]:0:3}" >/dev/null
python3 - "$runs" "$mgov" "$work" "$build/bench/governance/raw_quorum" "${signers[@]:0:3}" <<'EOF'
import statistics, subprocess, sys, time
runs, mgov, work, raw_quorum = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
signers = sys.argv[5:8]
jobs = {
    "raw_quorum (3 verifications)": [raw_quorum, f"{work}/bundle.json", *signers],
    "mgov verify --bundle --artifact": [mgov, "verify", "--bundle", f"{work}/bundle.json",
                                        "--trust", f"{work}/root.json", "--env", "staging",
                                        "--artifact", f"{work}/model.bin"],
    "/bin/true (a process, nothing else)": ["/bin/true"],
}
times = {name: [] for name in jobs}
for _ in range(runs):  # interleaved, so drift hits every job alike
    for name, argv in jobs.items():
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times[name].append((time.perf_counter() - t) * 1e3)
med = {name: statistics.median(v) for name, v in times.items()}
base = med["raw_quorum (3 verifications)"]
for name, m in med.items():
    print(f"  {name:36s} {m:7.2f} ms   {m/base:5.2f}x")
print("  goal: mgov <= 1.5x raw_quorum")
EOF
