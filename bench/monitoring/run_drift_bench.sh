#!/bin/sh
# Benchmarks mgov's drift statistics against scipy on the same data, in one
# run: KS with scipy's default method selection (exact at 10^4 per side,
# kstwo asymptotic at 10^6), each method forced at the other size, and PSI at
# 10^6 per side (numpy, binned as Evidently bins).
# Prints times, the speed-up and the p-value / distance difference.
#
#   cmake --build build --target drift_bench
#   bench/monitoring/run_drift_bench.sh [BUILD_DIR]
#
# Needs a Python with scipy and numpy: $PYTHON, default /usr/bin/python3.
set -eu
BUILD_DIR=${1:-build}
BENCH="$BUILD_DIR/bench/monitoring/drift_bench"
PYTHON=${PYTHON:-/usr/bin/python3}
[ -x "$BENCH" ] || { echo "build drift_bench first: $BENCH not found" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" - "$BENCH" "$WORK" <<'PY'
import subprocess, sys, time
import numpy as np
from scipy import stats

bench, work = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(20240601)

def best_of(fn, repeats):
    best, out = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter(); out = fn(); best = min(best, time.perf_counter() - t)
    return best, out

def evidently_psi(ref, cur):
    # Evidently's get_binned_data (Sturges bins, zero shares filled) + PSI.
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    r = np.histogram(ref, edges)[0] / len(ref)
    c = np.histogram(cur, edges)[0] / len(cur)
    for p in (r, c):
        m = min(p[p != 0]); np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return float(np.sum((r - c) * np.log(r / c)))

cases = [("ks", 10**4, 0.03, 5, "auto"), ("ks", 10**4, 0.03, 5, "asymp"),
         ("ks", 10**6, 0.003, 3, "auto"), ("ks", 10**6, 0.003, 3, "exact"),
         ("psi", 10**6, 0.05, 3, "auto")]
print(f"{'case':<24}{'n/side':>9}{'mgov s':>11}{'scipy s':>11}{'speed-up':>10}"
      f"{'mgov score':>24}{'scipy score':>24}{'|diff|':>10}")
for name, n, shift, repeats, method in cases:
    a = rng.normal(0.0, 1.0, n); b = rng.normal(shift, 1.0, n)
    pa, pb = f"{work}/a.bin", f"{work}/b.bin"
    a.astype("<f8").tofile(pa); b.astype("<f8").tofile(pb)
    out = subprocess.run([bench, name, pa, pb, str(repeats), method], check=True,
                         capture_output=True, text=True).stdout.split()
    _, used, ours_s, ours_stat, ours_score = out
    ours_s, ours_score = float(ours_s), float(ours_score)
    if name == "ks":
        ref_s, res = best_of(lambda: stats.ks_2samp(a, b, method=method), repeats)
        ref_score = float(res.pvalue)
    else:
        ref_s, ref_score = best_of(lambda: evidently_psi(a, b), repeats)
    label = f"{name} {used}" + (" (forced)" if method != "auto" else "")
    print(f"{label:<24}{n:>9}{ours_s:>11.4f}{ref_s:>11.4f}{ref_s / ours_s:>9.1f}x"
          f"{ours_score:>24.17g}{ref_score:>24.17g}{abs(ours_score - ref_score):>10.1e}")
PY
