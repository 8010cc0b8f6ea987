#include "monitoring/proportion_z_test.h"

#include <doctest/doctest.h>

#include <cmath>

namespace governance::monitoring {
namespace {

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

TEST_CASE(
    "two-proportion z-test matches Evidently's formula evaluated with scipy") {
  // p1=.30, p2=.45, pooled; 2 * scipy.stats.norm.sf(|z|)
  TestResult r = ProportionZTest(30, 100, 45, 100);
  CHECK(Near(r.statistic, -2.1908902300206647));
  CHECK(Near(r.p_value, 0.02845973691631055));
  TestResult swapped = ProportionZTest(45, 100, 30, 100);
  CHECK(swapped.statistic == -r.statistic);
  CHECK(swapped.p_value == r.p_value);
}

TEST_CASE("one value everywhere cannot drift") {
  TestResult r = ProportionZTest(10, 10, 7, 7);
  CHECK(r.statistic == 0.0);
  CHECK(r.p_value == 1.0);
  r = ProportionZTest(0, 10, 0, 7);
  CHECK(r.p_value == 1.0);
}

}  // namespace
}  // namespace governance::monitoring
