// The two-proportion Z-test, as Evidently applies it to two-valued columns.
//
//   TestResult r = ProportionZTest(30, 100, 45, 100);  // z ≈ -2.19, p ≈ 0.028
#ifndef GOVERNANCE_SRC_MONITORING_PROPORTION_Z_TEST_H_
#define GOVERNANCE_SRC_MONITORING_PROPORTION_Z_TEST_H_

#include <cstddef>

#include "monitoring/test_result.h"

namespace governance::monitoring {

// z = (p1 - p2) / sqrt(P(1 - P)(1/n1 + 1/n2)) with pooled P, and the
// two-sided normal p-value. When every value in both samples falls on the
// same side (P is 0 or 1) the proportions cannot differ: z = 0, p = 1.
// REQUIRES: n1, n2 > 0, successes1 <= n1, successes2 <= n2.
TestResult ProportionZTest(std::size_t successes1, std::size_t n1,
                           std::size_t successes2, std::size_t n2);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_PROPORTION_Z_TEST_H_
