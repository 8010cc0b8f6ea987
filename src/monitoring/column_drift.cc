// Per-column drift: choosing the test, running it, and grading the result.
#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "governance/drift.h"
#include "monitoring/binning.h"
#include "monitoring/chi_square.h"
#include "monitoring/distances.h"
#include "monitoring/kolmogorov_smirnov.h"
#include "monitoring/proportion_z_test.h"

namespace governance {
namespace {

using monitoring::BinnedCounts;
using monitoring::BinnedShares;

// Evidently switches from hypothesis tests to distances above this many
// reference values.
constexpr std::size_t kSmallSampleRows = 1000;

double PValueSeverity(double p, double threshold) {
  if (p >= 1) return 0.0;
  if (p >= threshold) return 0.5 * std::log(p) / std::log(threshold);
  if (p <= 0) return 1.0;
  return std::min(1.0, 0.5 + 0.25 * std::log10(threshold / p));
}

double DistanceSeverity(double distance, double threshold) {
  if (!(distance > 0)) return 0.0;
  return std::min(1.0, 0.5 * distance / threshold);
}

DriftTest AutoTest(bool numeric, std::size_t reference_values,
                   std::size_t distinct) {
  if (reference_values <= kSmallSampleRows) {
    if (numeric && distinct > 5) return DriftTest::kKolmogorovSmirnov;
    return distinct > 2 ? DriftTest::kChiSquare : DriftTest::kProportionZ;
  }
  return numeric && distinct > 5 ? DriftTest::kWasserstein
                                 : DriftTest::kJensenShannon;
}

Status CheckInputs(const std::string& column, std::size_t reference,
                   std::size_t current, DriftTest test,
                   std::optional<double> threshold) {
  if (reference == 0 || current == 0) {
    return InvalidArgumentError("column '" + column + "': no " +
                                (reference == 0 ? "reference" : "current") +
                                " values to compare");
  }
  if (threshold.has_value() && test != DriftTest::kAuto) {
    const double t = *threshold;
    if (IsPValueTest(test) ? !(t > 0 && t < 1) : !(t > 0 && std::isfinite(t))) {
      return InvalidArgumentError(
          "column '" + column + "': threshold " + std::to_string(t) + " for " +
          std::string(DriftTestName(test)) +
          (IsPValueTest(test) ? " must be a p-value in (0, 1)"
                              : " must be a positive distance"));
    }
  }
  return Status::Ok();
}

// Runs a test over aligned category counts.
StatusOr<monitoring::TestResult> RunOnCounts(DriftTest test,
                                             const BinnedCounts& counts) {
  switch (test) {
    case DriftTest::kChiSquare: {
      if (counts.reference.size() < 2) return monitoring::TestResult{0.0, 1.0};
      const double scale = static_cast<double>(counts.current_total) /
                           static_cast<double>(counts.reference_total);
      std::vector<double> expected(counts.reference.size());
      for (std::size_t i = 0; i < expected.size(); ++i)
        expected[i] = counts.reference[i] * scale;
      return monitoring::ChiSquareTest(counts.current, expected);
    }
    case DriftTest::kProportionZ: {
      // The share of the first category (in sort order) on each side.
      if (counts.reference.size() < 2) return monitoring::TestResult{0.0, 1.0};
      return monitoring::ProportionZTest(
          static_cast<std::size_t>(counts.reference[0]), counts.reference_total,
          static_cast<std::size_t>(counts.current[0]), counts.current_total);
    }
    case DriftTest::kPsi: {
      BinnedShares shares = monitoring::SharesWithoutZeros(counts);
      double psi = monitoring::PopulationStabilityIndex(shares.reference,
                                                        shares.current);
      return monitoring::TestResult{psi, 1.0};
    }
    case DriftTest::kJensenShannon: {
      BinnedShares shares = monitoring::SharesWithoutZeros(counts);
      double js =
          monitoring::JensenShannonDistance(shares.reference, shares.current);
      return monitoring::TestResult{js, 1.0};
    }
    default:
      return InternalError("RunOnCounts: not a count-based test");
  }
}

DriftCheckResult Grade(std::string column, bool numeric, DriftTest test,
                       double statistic, double p_value,
                       std::optional<double> threshold, double revoke_severity,
                       std::size_t reference_values,
                       std::size_t current_values) {
  DriftCheckResult r;
  r.column = std::move(column);
  r.numeric = numeric;
  r.test = test;
  r.statistic = statistic;
  r.threshold = threshold.value_or(DefaultThreshold(test));
  r.reference_values = reference_values;
  r.current_values = current_values;
  if (IsPValueTest(test)) {
    r.p_value = p_value;
    r.score = p_value;
    // Evidently: ks drifts at p <= threshold, chi-square and z at p <
    // threshold.
    r.drifted = test == DriftTest::kKolmogorovSmirnov ? p_value <= r.threshold
                                                      : p_value < r.threshold;
    r.severity = PValueSeverity(p_value, r.threshold);
  } else {
    r.score = statistic;
    r.drifted = statistic >= r.threshold;
    r.severity = DistanceSeverity(statistic, r.threshold);
  }
  r.action = ActionForSeverity(r.severity, revoke_severity);
  return r;
}

}  // namespace

std::string_view DriftTestName(DriftTest test) {
  switch (test) {
    case DriftTest::kAuto:
      return "auto";
    case DriftTest::kKolmogorovSmirnov:
      return "ks";
    case DriftTest::kChiSquare:
      return "chisquare";
    case DriftTest::kProportionZ:
      return "z";
    case DriftTest::kPsi:
      return "psi";
    case DriftTest::kWasserstein:
      return "wasserstein";
    case DriftTest::kJensenShannon:
      return "jensenshannon";
  }
  return "unknown";
}

StatusOr<DriftTest> ParseDriftTest(std::string_view name) {
  for (DriftTest t :
       {DriftTest::kAuto, DriftTest::kKolmogorovSmirnov, DriftTest::kChiSquare,
        DriftTest::kProportionZ, DriftTest::kPsi, DriftTest::kWasserstein,
        DriftTest::kJensenShannon}) {
    if (DriftTestName(t) == name) return t;
  }
  return InvalidArgumentError(
      "unknown drift test '" + std::string(name) +
      "' (expected auto, ks, chisquare, z, psi, wasserstein or "
      "jensenshannon)");
}

bool IsPValueTest(DriftTest test) {
  return test == DriftTest::kKolmogorovSmirnov ||
         test == DriftTest::kChiSquare || test == DriftTest::kProportionZ;
}

double DefaultThreshold(DriftTest test) {
  return IsPValueTest(test) ? 0.05 : 0.1;
}

std::string_view RecommendedActionName(RecommendedAction action) {
  switch (action) {
    case RecommendedAction::kMonitor:
      return "monitor";
    case RecommendedAction::kInvestigate:
      return "investigate";
    case RecommendedAction::kRevoke:
      return "revoke";
  }
  return "unknown";
}

RecommendedAction ActionForSeverity(double severity, double revoke_severity) {
  if (severity >= revoke_severity) return RecommendedAction::kRevoke;
  if (severity >= 0.5) return RecommendedAction::kInvestigate;
  return RecommendedAction::kMonitor;
}

StatusOr<DriftCheckResult> CheckNumericDrift(std::string column,
                                             std::span<const double> reference,
                                             std::span<const double> current,
                                             DriftTest test,
                                             std::optional<double> threshold,
                                             double revoke_severity) {
  GOV_RETURN_IF_ERROR(
      CheckInputs(column, reference.size(), current.size(), test, threshold));
  for (auto sample : {reference, current}) {
    if (std::any_of(sample.begin(), sample.end(),
                    [](double v) { return !std::isfinite(v); })) {
      return InvalidArgumentError("column '" + column +
                                  "': NaN or infinite value");
    }
  }
  if (test == DriftTest::kAuto) {
    std::set<double> distinct(reference.begin(), reference.end());
    distinct.insert(current.begin(), current.end());
    test = AutoTest(true, reference.size(), distinct.size());
    GOV_RETURN_IF_ERROR(
        CheckInputs(column, reference.size(), current.size(), test, threshold));
  }
  double statistic = 0;
  double p_value = 1;
  switch (test) {
    case DriftTest::kKolmogorovSmirnov: {
      GOV_ASSIGN_OR_RETURN(
          monitoring::KsResult ks,
          monitoring::KolmogorovSmirnovTest(reference, current));
      statistic = ks.statistic;
      p_value = ks.p_value;
      break;
    }
    case DriftTest::kWasserstein: {
      const double norm =
          std::max(monitoring::PopulationStandardDeviation(reference), 0.001);
      statistic = monitoring::WassersteinDistance(reference, current) / norm;
      break;
    }
    case DriftTest::kChiSquare:
    case DriftTest::kProportionZ: {
      GOV_ASSIGN_OR_RETURN(
          monitoring::TestResult r,
          RunOnCounts(test, monitoring::CountCategories(reference, current)));
      statistic = r.statistic;
      p_value = r.p_value;
      break;
    }
    case DriftTest::kPsi:
    case DriftTest::kJensenShannon: {
      GOV_ASSIGN_OR_RETURN(
          monitoring::TestResult r,
          RunOnCounts(test, monitoring::BinForDistance(reference, current)));
      statistic = r.statistic;
      break;
    }
    case DriftTest::kAuto:
      return InternalError("drift test not chosen");
  }
  return Grade(std::move(column), true, test, statistic, p_value, threshold,
               revoke_severity, reference.size(), current.size());
}

StatusOr<DriftCheckResult> CheckCategoricalDrift(
    std::string column, std::span<const std::string> reference,
    std::span<const std::string> current, DriftTest test,
    std::optional<double> threshold, double revoke_severity) {
  GOV_RETURN_IF_ERROR(
      CheckInputs(column, reference.size(), current.size(), test, threshold));
  BinnedCounts counts = monitoring::CountCategories(reference, current);
  if (test == DriftTest::kAuto) {
    test = AutoTest(false, reference.size(), counts.reference.size());
    GOV_RETURN_IF_ERROR(
        CheckInputs(column, reference.size(), current.size(), test, threshold));
  }
  if (test == DriftTest::kKolmogorovSmirnov ||
      test == DriftTest::kWasserstein) {
    return InvalidArgumentError("column '" + column + "' is categorical; " +
                                std::string(DriftTestName(test)) +
                                " needs numeric values");
  }
  GOV_ASSIGN_OR_RETURN(monitoring::TestResult r, RunOnCounts(test, counts));
  return Grade(std::move(column), false, test, r.statistic, r.p_value,
               threshold, revoke_severity, reference.size(), current.size());
}

}  // namespace governance
