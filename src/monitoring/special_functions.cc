#include "monitoring/special_functions.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace governance::monitoring {
namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr int kMaxIterations = 100000;

// log(x^a e^-x / Γ(a)), the common prefactor of both expansions.
double LogPrefactor(double a, double x) {
  return a * std::log(x) - x - std::lgamma(a);
}

// P(a, x) by its power series; converges quickly for x < a + 1.
double LowerSeries(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n < kMaxIterations; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
  }
  return sum * std::exp(LogPrefactor(a, x));
}

// Q(a, x) by the continued fraction for Γ(a, x), evaluated with the modified
// Lentz method; converges quickly for x >= a + 1.
double UpperContinuedFraction(double a, double x) {
  constexpr double kTiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return std::exp(LogPrefactor(a, x)) * h;
}

}  // namespace

double RegularizedUpperGamma(double a, double x) {
  assert(a > 0);
  if (std::isnan(a) || std::isnan(x))
    return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (x < a + 1.0) return 1.0 - LowerSeries(a, x);
  return UpperContinuedFraction(a, x);
}

double ChiSquareSurvival(double x, double dof) {
  return RegularizedUpperGamma(dof / 2.0, x / 2.0);
}

double TwoSidedNormalPValue(double z) {
  if (std::isnan(z)) return z;
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

}  // namespace governance::monitoring
