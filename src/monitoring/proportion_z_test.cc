#include "monitoring/proportion_z_test.h"

#include <cmath>

#include "monitoring/special_functions.h"

namespace governance::monitoring {

TestResult ProportionZTest(std::size_t successes1, std::size_t n1,
                           std::size_t successes2, std::size_t n2) {
  const auto n1f = static_cast<double>(n1);
  const auto n2f = static_cast<double>(n2);
  const double p1 = static_cast<double>(successes1) / n1f;
  const double p2 = static_cast<double>(successes2) / n2f;
  const double pooled = (p1 * n1f + p2 * n2f) / (n1f + n2f);
  const double variance = pooled * (1 - pooled) * (1.0 / n1f + 1.0 / n2f);
  if (!(variance > 0)) return TestResult{0.0, 1.0};
  TestResult result;
  result.statistic = (p1 - p2) / std::sqrt(variance);
  result.p_value = TwoSidedNormalPValue(result.statistic);
  return result;
}

}  // namespace governance::monitoring
