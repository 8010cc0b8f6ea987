// Distances between two distributions, reported instead of p-values for large
// samples where every shift is "significant".
//
//   double js = JensenShannonDistance({1, 0}, {0.5, 0.5});  //
//   0.46450140402245893 double w  = WassersteinDistance(reference, current);
//   double psi = PopulationStabilityIndex(ref_shares, cur_shares);
//
// All functions are pure and thread-safe.
#ifndef GOVERNANCE_SRC_MONITORING_DISTANCES_H_
#define GOVERNANCE_SRC_MONITORING_DISTANCES_H_

#include <span>

namespace governance::monitoring {

// The first Wasserstein (earth mover's) distance between two samples,
// ∫ |F_u - F_v| (scipy.stats.wasserstein_distance).
// REQUIRES: both samples non-empty and finite.
double WassersteinDistance(std::span<const double> u,
                           std::span<const double> v);

// The population standard deviation (numpy.std, ddof = 0).
// REQUIRES: non-empty.
double PopulationStandardDeviation(std::span<const double> values);

// The Jensen–Shannon distance with natural logarithms, the square root of the
// divergence (scipy.spatial.distance.jensenshannon): both vectors are first
// scaled to sum to 1.
// REQUIRES: same length, non-negative, each with a positive sum.
double JensenShannonDistance(std::span<const double> p,
                             std::span<const double> q);

// The population stability index Σ (r - c) · ln(r / c) over bin shares.
// REQUIRES: same length, all shares positive.
double PopulationStabilityIndex(std::span<const double> reference,
                                std::span<const double> current);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_DISTANCES_H_
