// Turning two samples into aligned category or histogram counts, the input of
// chi-square, Jensen–Shannon and PSI. Follows Evidently's get_binned_data so
// that distances agree with it.
//
//   BinnedCounts counts = BinForDistance(reference, current);
//   BinnedShares shares = SharesWithoutZeros(counts);
//   double js = JensenShannonDistance(shares.reference, shares.current);
#ifndef GOVERNANCE_SRC_MONITORING_BINNING_H_
#define GOVERNANCE_SRC_MONITORING_BINNING_H_

#include <span>
#include <string>
#include <vector>

namespace governance::monitoring {

// Counts per category (or bin), in the same order for both samples.
struct BinnedCounts {
  std::vector<double> reference;
  std::vector<double> current;
  std::size_t reference_total = 0;
  std::size_t current_total = 0;
};

// Counts of each distinct value over the union of both samples, ordered by
// value.
BinnedCounts CountCategories(std::span<const std::string> reference,
                             std::span<const std::string> current);
BinnedCounts CountCategories(std::span<const double> reference,
                             std::span<const double> current);

// Histogram counts over numpy's Sturges bins for both samples together:
// ceil(ptp / (ptp / (log2(n) + 1))) equal-width bins from min to max, the
// last bin closed (numpy.histogram_bin_edges(..., bins="sturges")).
// REQUIRES: both samples non-empty and finite.
BinnedCounts SturgesHistogram(std::span<const double> reference,
                              std::span<const double> current);

// Evidently's choice: a Sturges histogram when the reference has more than
// 20 distinct values, else category counts.
BinnedCounts BinForDistance(std::span<const double> reference,
                            std::span<const double> current);

// Counts as shares of each sample's size, with empty bins replaced by a small
// share (min non-zero share / 1e6 when that is <= 1e-4, else 1e-4) so that
// logarithms stay finite.
struct BinnedShares {
  std::vector<double> reference;
  std::vector<double> current;
};
BinnedShares SharesWithoutZeros(const BinnedCounts& counts);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_BINNING_H_
