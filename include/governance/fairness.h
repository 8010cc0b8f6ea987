// Group fairness of a binary classifier's predictions, with the metric
// definitions of Fairlearn (fairlearn.metrics).
//
//   governance::FairnessOptions options;
//   options.label_column = "approved";
//   options.prediction_column = "predicted";
//   options.sensitive_column = "gender";
//   governance::StatusOr<governance::FairnessResult> fairness =
//       governance::CheckFairness("predictions.csv", options);
//   if (!fairness.ok()) return fairness.status();
//   std::cout << fairness->demographic_parity_difference << " "
//             << (fairness->fair ? "fair" : "unfair") << "\n";
//
// Per group of the sensitive column: selection rate (share predicted
// positive), true positive rate TP/(TP+FN) and false positive rate
// FP/(FP+TN); a rate whose denominator is 0 is 0, as Fairlearn's rates
// (sklearn's confusion matrix normalised by row) report it. Then:
//   demographic parity difference  between_groups: max - min selection rate;
//                                  to_overall: max |group - overall|
//   demographic parity ratio       between_groups: min / max;
//                                  to_overall: min of min(group/overall,
//                                  overall/group)
//   equalized odds difference      max(TPR difference, FPR difference)
//   equalized odds ratio           min(TPR ratio, FPR ratio)
// A ratio of 0 / 0 is NaN (reported as null in JSON), as in Fairlearn.
// The four-fifths rule (EEOC) fails when a group's selection rate is below
// 0.8 × the highest group's.
//
// The predictions are fair when the demographic parity difference is at most
// its bound (default 0.10), the four-fifths rule holds, and, if bounded, the
// equalized odds difference is at most its bound.
//
// Thread-safe; results are plain values owned by the caller.
#ifndef GOVERNANCE_FAIRNESS_H_
#define GOVERNANCE_FAIRNESS_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "governance/drift.h"  // RecommendedAction
#include "governance/status.h"

namespace governance {

enum class FairnessMethod {
  kBetweenGroups,  // "between_groups": compare groups with each other
                   // (Fairlearn's default)
  kToOverall,      // "to_overall": compare each group with the whole population
};

// "between_groups" or "to_overall".
std::string_view FairnessMethodName(FairnessMethod method);
// The inverse of FairnessMethodName. InvalidArgument naming the valid names.
StatusOr<FairnessMethod> ParseFairnessMethod(std::string_view name);

struct FairnessOptions {
  // Column names in the predictions CSV. Required.
  std::string label_column;
  std::string prediction_column;
  std::string sensitive_column;
  // The positive label. Default (empty): "1" or "true" (case-insensitive),
  // or any number equal to 1. Labels and predictions must each take at most
  // two distinct values.
  std::string positive;
  // Default kBetweenGroups.
  FairnessMethod method = FairnessMethod::kBetweenGroups;
  // Largest acceptable demographic parity difference. Default 0.10.
  double max_demographic_parity_difference = 0.10;
  // Selection-rate ratio below which a group fails the four-fifths rule.
  // Default 0.8.
  double four_fifths_ratio = 0.8;
  // Largest acceptable equalized odds difference. Default: not checked.
  std::optional<double> max_equalized_odds_difference;
  // Severity from which the recommended action is revoke. Default 0.8.
  double revoke_severity = 0.8;
};

struct GroupRates {
  // The sensitive-feature value ("overall" for the whole population).
  std::string group;
  std::size_t count = 0;
  std::size_t actual_positives = 0;     // label positive
  std::size_t predicted_positives = 0;  // prediction positive
  std::size_t true_positives = 0;
  std::size_t false_positives = 0;
  double selection_rate = 0;
  double true_positive_rate = 0;
  double false_positive_rate = 0;
};

struct FairnessResult {
  FairnessMethod method = FairnessMethod::kBetweenGroups;
  // Per group, ordered by group value.
  std::vector<GroupRates> groups;
  GroupRates overall;
  double demographic_parity_difference = 0;
  double demographic_parity_ratio = 1;
  double equalized_odds_difference = 0;
  double equalized_odds_ratio = 1;
  // Groups whose selection rate is below four_fifths_ratio × the highest.
  std::vector<std::string> four_fifths_violations;
  bool four_fifths_passed = true;
  // The bounds applied.
  double max_demographic_parity_difference = 0.10;
  double four_fifths_ratio = 0.8;
  std::optional<double> max_equalized_odds_difference;
  // Every configured check passed.
  bool fair = true;
  // 0.5 · demographic parity difference / its bound, raised to 0.5 +
  // 0.5 · (1 - lowest ratio / four_fifths_ratio) when the four-fifths rule
  // fails and to 0.5 · equalized odds difference / its bound when bounded;
  // clamped to [0, 1].
  double severity = 0;
  RecommendedAction action = RecommendedAction::kMonitor;
};

// Computes the fairness metrics of parallel label / prediction / group
// vectors. InvalidArgument when they differ in length, are empty, or labels
// or predictions take more than two distinct values, or an option is out of
// range.
StatusOr<FairnessResult> ComputeFairness(
    const std::vector<std::string>& labels,
    const std::vector<std::string>& predictions,
    const std::vector<std::string>& groups, const FairnessOptions& options);

// Reads a predictions CSV and computes its fairness metrics. Errors name the
// file, line and column: unknown columns, empty cells, malformed CSV.
StatusOr<FairnessResult> CheckFairness(const std::string& predictions_path,
                                       const FairnessOptions& options);

// As above for CSV text in memory; `origin` names it in errors.
StatusOr<FairnessResult> CheckFairnessText(std::string_view predictions_csv,
                                           std::string_view origin,
                                           const FairnessOptions& options);

// The JSON policies read: {"spec": {"fairness": {"demographic_parity":
// <difference>, "demographic_parity_ratio", "equalized_odds",
// "equalized_odds_ratio", "four_fifths": {"passed", "ratio", "violations"},
// "method", "fair", "severity", "action", "bounds": {...},
// "groups": {<value>: {"count", "selection_rate", "true_positive_rate",
// "false_positive_rate", ...}}, "overall": {...}}}}.
nlohmann::json ToJson(const FairnessResult& result);

}  // namespace governance

#endif  // GOVERNANCE_FAIRNESS_H_
