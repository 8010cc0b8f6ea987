// Special functions behind the drift tests' p-values: the regularized upper
// incomplete gamma function (chi-square survival) and the normal tail.
//
//   double p = governance::monitoring::ChiSquareSurvival(2.0, 5);  //
//   0.8491450...
//
// All functions are pure and thread-safe.
#ifndef GOVERNANCE_SRC_MONITORING_SPECIAL_FUNCTIONS_H_
#define GOVERNANCE_SRC_MONITORING_SPECIAL_FUNCTIONS_H_

namespace governance::monitoring {

// Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function
// (scipy.special.gammaincc). Series below x = a + 1, Lentz's continued
// fraction above. Q(a, x) = 1 for x <= 0.
// REQUIRES: a > 0.
double RegularizedUpperGamma(double a, double x);

// Pr(X >= x) for X ~ chi-square with `dof` degrees of freedom
// (scipy.stats.chi2.sf). REQUIRES: dof > 0.
double ChiSquareSurvival(double x, double dof);

// 2 · Pr(Z >= |z|) for a standard normal Z, computed with erfc so that small
// tails keep their relative precision.
double TwoSidedNormalPValue(double z);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_SPECIAL_FUNCTIONS_H_
