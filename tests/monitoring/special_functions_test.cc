#include "monitoring/special_functions.h"

#include <doctest/doctest.h>

#include <cmath>

namespace governance::monitoring {
namespace {

// |a - b| <= tol · |b|
bool Near(double a, double b, double tol = 1e-12) {
  return std::fabs(a - b) <= tol * std::fabs(b);
}

TEST_CASE("chi-square survival matches scipy.stats.chi2.sf") {
  // scipy.stats.chisquare([16, 18, 16, 14, 12, 12]) -> p = 0.84914503608460956
  CHECK(Near(ChiSquareSurvival(2.0, 5), 0.84914503608460956));
}

}  // namespace
}  // namespace governance::monitoring
