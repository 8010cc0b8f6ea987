// Sorting samples of doubles, the dominant cost of every rank-based drift
// statistic (Kolmogorov–Smirnov, Wasserstein).
#ifndef GOVERNANCE_SRC_MONITORING_SORT_H_
#define GOVERNANCE_SRC_MONITORING_SORT_H_

#include <vector>

namespace governance::monitoring {

// Sorts `values` ascending. Large inputs use an LSD radix sort on the IEEE-754
// bit patterns (linear time); small ones std::sort. -0.0 becomes +0.0 so that
// equal values stay adjacent.
// REQUIRES: no NaN in `values`.
void SortSample(std::vector<double>& values);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_SORT_H_
