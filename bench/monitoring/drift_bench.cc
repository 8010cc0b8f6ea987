// Times KS (exact and asymptotic) and PSI on samples given as raw
// little-endian float64 files, printing one line per case:
//   <case> <best seconds> <statistic> <p-value or distance>
// Usage: drift_bench CASE REFERENCE.bin CURRENT.bin [REPEATS [METHOD]]
//   CASE is ks or psi; METHOD (ks only) is auto (default), exact or asymp. See run_drift_bench.sh for the comparison with scipy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "governance/drift.h"
#include "monitoring/kolmogorov_smirnov.h"

namespace {

std::vector<double> Load(const char* path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(2);
  }
  std::vector<double> v(static_cast<std::size_t>(in.tellg()) / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()),
          static_cast<std::streamsize>(v.size() * sizeof(double)));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(
        stderr,
        "usage: drift_bench ks|psi REFERENCE.bin CURRENT.bin [REPEATS [METHOD]]\n");
    return 2;
  }
  const std::string test = argv[1];
  const std::vector<double> a = Load(argv[2]);
  const std::vector<double> b = Load(argv[3]);
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 5;
  const std::string method_name = argc > 5 ? argv[5] : "auto";
  governance::monitoring::KsMethod ks_method = governance::monitoring::KsMethod::kAuto;
  if (method_name == "exact") ks_method = governance::monitoring::KsMethod::kExact;
  if (method_name == "asymp") ks_method = governance::monitoring::KsMethod::kAsymptotic;
  double best = 1e300;
  double statistic = 0;
  double score = 0;
  std::string method;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    if (test == "ks") {
      auto result = governance::monitoring::KolmogorovSmirnovTest(a, b, ks_method);
      if (!result.ok()) return 2;
      statistic = result->statistic;
      score = result->p_value;
      method = result->method == governance::monitoring::KsMethod::kExact
                   ? "exact"
                   : "asymptotic";
    } else {
      auto result =
          governance::CheckNumericDrift("x", a, b, governance::DriftTest::kPsi);
      if (!result.ok()) return 2;
      statistic = result->statistic;
      score = result->score;
      method = "sturges";
    }
    const std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  std::printf("%s %s %.9g %.17g %.17g\n", test.c_str(), method.c_str(), best,
              statistic, score);
  return 0;
}
