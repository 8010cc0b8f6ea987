#include "monitoring/distances.h"

#include <cmath>
#include <vector>

#include "monitoring/sort.h"

namespace governance::monitoring {
namespace {

// x · ln(x / y) with the limits scipy.special.rel_entr uses.
double RelativeEntropy(double x, double y) {
  if (x > 0 && y > 0) return x * std::log(x / y);
  if (x == 0 && y >= 0) return 0.0;
  return INFINITY;
}

}  // namespace

double WassersteinDistance(std::span<const double> u,
                           std::span<const double> v) {
  std::vector<double> a(u.begin(), u.end());
  std::vector<double> b(v.begin(), v.end());
  SortSample(a);
  SortSample(b);
  const auto na = static_cast<double>(a.size());
  const auto nb = static_cast<double>(b.size());
  // Walk the merged order; between consecutive values x_k < x_{k+1} the
  // empirical CDFs are constant.
  long double total = 0;
  std::size_t i = 0;
  std::size_t j = 0;
  double previous = std::min(a.front(), b.front());
  while (i < a.size() || j < b.size()) {
    const double value =
        (j >= b.size() || (i < a.size() && a[i] <= b[j])) ? a[i] : b[j];
    const double gap =
        std::fabs(static_cast<double>(i) / na - static_cast<double>(j) / nb);
    total += static_cast<long double>(gap) * (value - previous);
    while (i < a.size() && a[i] <= value) ++i;
    while (j < b.size() && b[j] <= value) ++j;
    previous = value;
  }
  return static_cast<double>(total);
}

double PopulationStandardDeviation(std::span<const double> values) {
  long double sum = 0;
  for (double x : values) sum += x;
  const double mean =
      static_cast<double>(sum / static_cast<long double>(values.size()));
  long double squares = 0;
  for (double x : values)
    squares += static_cast<long double>(x - mean) * (x - mean);
  return std::sqrt(
      static_cast<double>(squares / static_cast<long double>(values.size())));
}

double JensenShannonDistance(std::span<const double> p,
                             std::span<const double> q) {
  double p_sum = 0;
  double q_sum = 0;
  for (double x : p) p_sum += x;
  for (double x : q) q_sum += x;
  double js = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double pi = p[i] / p_sum;
    const double qi = q[i] / q_sum;
    const double m = (pi + qi) / 2.0;
    js += RelativeEntropy(pi, m) + RelativeEntropy(qi, m);
  }
  return std::sqrt(js / 2.0);
}

double PopulationStabilityIndex(std::span<const double> reference,
                                std::span<const double> current) {
  double psi = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    psi += (reference[i] - current[i]) * std::log(reference[i] / current[i]);
  }
  return psi;
}

}  // namespace governance::monitoring
