// Pearson's chi-square goodness-of-fit test (scipy.stats.chisquare).
//
//   StatusOr<TestResult> r = ChiSquareTest({16, 18, 16, 14, 12, 12},
//                                          {14.666, ...});  // (2.0,
//                                          0.849145...)
#ifndef GOVERNANCE_SRC_MONITORING_CHI_SQUARE_H_
#define GOVERNANCE_SRC_MONITORING_CHI_SQUARE_H_

#include <span>

#include "governance/status.h"
#include "monitoring/test_result.h"

namespace governance::monitoring {

// Σ (observed - expected)² / expected with k - 1 degrees of freedom. A
// category expected 0 but observed is infinitely surprising (statistic inf,
// p-value 0); one expected and observed 0 adds nothing.
// InvalidArgument when the spans differ in length, hold fewer than two
// categories or a negative count, or their totals differ by more than 1e-8
// relative (scipy rejects those too).
StatusOr<TestResult> ChiSquareTest(std::span<const double> observed,
                                   std::span<const double> expected);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_CHI_SQUARE_H_
