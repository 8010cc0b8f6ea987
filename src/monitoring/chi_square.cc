#include "monitoring/chi_square.h"

#include <cmath>
#include <limits>
#include <string>

#include "monitoring/special_functions.h"

namespace governance::monitoring {

StatusOr<TestResult> ChiSquareTest(std::span<const double> observed,
                                   std::span<const double> expected) {
  if (observed.size() != expected.size()) {
    return InvalidArgumentError(
        "chi-square test: " + std::to_string(observed.size()) +
        " observed but " + std::to_string(expected.size()) +
        " expected categories");
  }
  if (observed.size() < 2) {
    return InvalidArgumentError(
        "chi-square test needs at least two categories");
  }
  double observed_total = 0;
  double expected_total = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    if (!(observed[i] >= 0) || !(expected[i] >= 0)) {
      return InvalidArgumentError("chi-square test: category " +
                                  std::to_string(i) +
                                  " has a negative or NaN count");
    }
    observed_total += observed[i];
    expected_total += expected[i];
  }
  if (std::fabs(observed_total - expected_total) >
      1e-8 * std::max(observed_total, expected_total)) {
    return InvalidArgumentError(
        "chi-square test: observed total " + std::to_string(observed_total) +
        " differs from expected total " + std::to_string(expected_total));
  }
  TestResult result;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double diff = observed[i] - expected[i];
    if (expected[i] == 0) {
      if (observed[i] > 0)
        result.statistic = std::numeric_limits<double>::infinity();
      continue;
    }
    result.statistic += diff * diff / expected[i];
  }
  result.p_value = ChiSquareSurvival(result.statistic,
                                     static_cast<double>(observed.size() - 1));
  return result;
}

}  // namespace governance::monitoring
