// The two-sample Kolmogorov–Smirnov test, two-sided, computed the way
// scipy.stats.ks_2samp (scipy 1.10) computes it so that verdicts agree:
//
//   std::vector<double> a = {0.99, 1.99}, b = {1, 2, 3, 4};
//   StatusOr<KsResult> r = KolmogorovSmirnovTest(a, b);
//   // r->statistic == 0.75, r->p_value == 6/15 (exact method)
//
// Method selection (KsMethod::kAuto): the exact distribution when
// max(n1, n2) <= 10000, otherwise the distribution of the one-sample
// statistic D_n with n = round(n1·n2 / (n1 + n2)) (scipy's kstwo), which is
// not the classic limiting Kolmogorov series. Ties are handled by evaluating
// both empirical CDFs after every run of equal values.
//
// All functions are pure and thread-safe.
#ifndef GOVERNANCE_SRC_MONITORING_KOLMOGOROV_SMIRNOV_H_
#define GOVERNANCE_SRC_MONITORING_KOLMOGOROV_SMIRNOV_H_

#include <cstdint>
#include <span>

#include "governance/status.h"

namespace governance::monitoring {

enum class KsMethod {
  kAuto,        // exact when max(n1, n2) <= 10000, else asymptotic
  kExact,       // exact; falls back to asymptotic when lcm(n1, n2) is too large
  kAsymptotic,  // kstwo survival function at n = round(n1·n2 / (n1 + n2))
};

struct KsResult {
  // sup |F1 - F2|, in [0, 1].
  double statistic = 0;
  // Pr(D >= statistic) under the null hypothesis of equal distributions.
  double p_value = 1;
  // The method that produced p_value (never kAuto).
  KsMethod method = KsMethod::kExact;
};

// The two-sided two-sample test on unsorted samples (copied and sorted; when
// both have at least 65536 values the two are sorted on two threads).
// InvalidArgument when a sample is empty or holds NaN.
StatusOr<KsResult> KolmogorovSmirnovTest(std::span<const double> sample1,
                                         std::span<const double> sample2,
                                         KsMethod method = KsMethod::kAuto);

// As above for samples already sorted ascending (no copy, no sort).
// REQUIRES: both samples non-empty, sorted, NaN-free.
KsResult KolmogorovSmirnovTestSorted(std::span<const double> sorted1,
                                     std::span<const double> sorted2,
                                     KsMethod method = KsMethod::kAuto);

// Pr(D_{n1,n2} >= h / lcm(n1, n2)) for the two-sided two-sample statistic,
// by lattice-path counting (Hodges; the inside method computing 1 - p
// directly, after Viehmann). NaN when the computation is not representable.
// REQUIRES: n1, n2 > 0, 0 < h <= lcm(n1, n2).
double ExactTwoSampleSurvival(std::int64_t n1, std::int64_t n2, std::int64_t h);

// Pr(D_n >= x) for the two-sided one-sample statistic D_n
// (scipy.stats.kstwo.sf), following Simard & L'Ecuyer (2011): Ruben–Gambino
// near the ends, Durbin's matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion,
// Pelz–Good's asymptotic series, or twice the one-sided tail, depending on n
// and n·x². REQUIRES: n > 0.
double KolmogorovSurvival(std::int64_t n, double x);

// Pr(D+_n >= x) for the one-sided one-sample statistic (scipy.special.smirnov),
// by the Birnbaum–Tingey sum evaluated in extended precision.
// REQUIRES: n > 0.
double SmirnovSurvival(std::int64_t n, double x);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_KOLMOGOROV_SMIRNOV_H_
