// Drift monitoring: has the data a model serves on moved away from the data
// it was trained and approved on, and have its serving metrics degraded?
//
//   governance::DriftOptions options;            // Evidently's defaults
//   options.tests["income"] = governance::DriftTest::kPsi;
//   governance::StatusOr<governance::DatasetDriftResult> drift =
//       governance::CheckDatasetDrift("reference.csv", "current.csv", options);
//   if (!drift.ok()) return drift.status();      // names file, line, column
//   for (const governance::DriftCheckResult& c : drift->columns) {
//     std::cout << c.column << " " << governance::DriftTestName(c.test) << " "
//               << c.score << (c.drifted ? " drifted\n" : "\n");
//   }
//   if (drift->action == governance::RecommendedAction::kRevoke) { ... }
//
// Column tests are chosen as Evidently chooses them unless set per column:
//   reference <= 1000 values: numeric with > 5 distinct values → ks (p <= 0.05
//     is drift); otherwise 3+ distinct values → chisquare (p < 0.05), and at
//     most 2 distinct values → z (p < 0.05);
//   reference > 1000 values: numeric with > 5 distinct values → wasserstein
//     (normalised by the reference standard deviation), otherwise
//     jensenshannon (natural log); drift when the distance >= 0.1.
// psi (distance, drift when >= 0.1) is used only when asked for. p-values and
// distances reproduce scipy 1.10 (ks_2samp, chisquare, wasserstein_distance,
// jensenshannon).
//
// Severity is a number in [0, 1], 0.5 exactly at the threshold:
//   p-value tests: 0.5·ln(p)/ln(t) while p >= t, then 0.5 + 0.25·log10(t/p),
//     capped at 1 (p = t/100 is 1);
//   distances:     0.5·d/t, capped at 1 (d = 2t is 1).
// The recommended action follows from it: below 0.5 monitor, below the
// revoke severity (default 0.8) investigate, otherwise revoke.
//
// All functions are thread-safe; results are plain values owned by the caller.
#ifndef GOVERNANCE_DRIFT_H_
#define GOVERNANCE_DRIFT_H_

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance {

enum class DriftTest {
  kAuto,               // chosen per column as described above
  kKolmogorovSmirnov,  // "ks": two-sample KS p-value (numeric only)
  kChiSquare,          // "chisquare": chi-square p-value over categories
  kProportionZ,        // "z": two-proportion Z-test p-value
  kPsi,                // "psi": population stability index
  kWasserstein,        // "wasserstein": W1 / reference std (numeric only)
  kJensenShannon,      // "jensenshannon": Jensen–Shannon distance
};

// "auto", "ks", "chisquare", "z", "psi", "wasserstein", "jensenshannon".
std::string_view DriftTestName(DriftTest test);

// The inverse of DriftTestName. InvalidArgument naming the valid names.
StatusOr<DriftTest> ParseDriftTest(std::string_view name);

// True for tests whose score is a p-value (ks, chisquare, z).
bool IsPValueTest(DriftTest test);

// 0.05 for p-value tests, 0.1 for distances.
// REQUIRES: test != DriftTest::kAuto.
double DefaultThreshold(DriftTest test);

enum class RecommendedAction {
  kMonitor,      // severity < 0.5: keep watching
  kInvestigate,  // 0.5 <= severity < revoke severity: a person should look
  kRevoke,       // severity >= revoke severity: withdraw the model's approvals
};

// "monitor", "investigate", "revoke".
std::string_view RecommendedActionName(RecommendedAction action);

// The action for `severity` when revocation starts at `revoke_severity`.
RecommendedAction ActionForSeverity(double severity,
                                    double revoke_severity = 0.8);

// The verdict on one column.
struct DriftCheckResult {
  std::string column;
  // True when both samples were numeric; false when compared as categories.
  bool numeric = true;
  // The test that ran (never kAuto).
  DriftTest test = DriftTest::kKolmogorovSmirnov;
  // The test statistic: D for ks, χ² for chisquare, z for z; for distances
  // the distance itself.
  double statistic = 0;
  // The p-value of p-value tests; empty for distances.
  std::optional<double> p_value;
  // What is compared with the threshold: the p-value or the distance.
  double score = 0;
  double threshold = 0;
  bool drifted = false;
  double severity = 0;
  RecommendedAction action = RecommendedAction::kMonitor;
  // Values compared, and cells left out (empty, NaN or infinite).
  std::size_t reference_values = 0;
  std::size_t current_values = 0;
  std::size_t reference_dropped = 0;
  std::size_t current_dropped = 0;
};

// Compares two numeric samples (NaN and infinities must already be removed).
// `threshold` defaults to DefaultThreshold of the chosen test.
// InvalidArgument when a sample is empty or a threshold is out of range
// (p-value tests: (0, 1); distances: > 0).
StatusOr<DriftCheckResult> CheckNumericDrift(
    std::string column, std::span<const double> reference,
    std::span<const double> current, DriftTest test = DriftTest::kAuto,
    std::optional<double> threshold = std::nullopt,
    double revoke_severity = 0.8);

// Compares two categorical samples. ks and wasserstein need numbers:
// InvalidArgument for them.
StatusOr<DriftCheckResult> CheckCategoricalDrift(
    std::string column, std::span<const std::string> reference,
    std::span<const std::string> current, DriftTest test = DriftTest::kAuto,
    std::optional<double> threshold = std::nullopt,
    double revoke_severity = 0.8);

struct DriftOptions {
  // Columns to compare. Default (empty): every column, and both files must
  // have the same set of columns.
  std::vector<std::string> columns;
  // Test per column. Default: DriftTest::kAuto for every column.
  std::map<std::string, DriftTest, std::less<>> tests;
  // Threshold per column. Default: DefaultThreshold of the column's test.
  std::map<std::string, double, std::less<>> thresholds;
  // The dataset drifts when at least this share of columns drift. Default 0.5.
  double drift_share = 0.5;
  // Severity from which the recommended action is revoke. Default 0.8.
  double revoke_severity = 0.8;
};

struct DatasetDriftResult {
  // Where the samples came from (file paths for CheckDatasetDrift).
  std::string reference_origin;
  std::string current_origin;
  std::size_t reference_rows = 0;
  std::size_t current_rows = 0;
  // One result per compared column, in the reference file's column order.
  std::vector<DriftCheckResult> columns;
  std::size_t drifted_columns = 0;
  // drifted_columns / columns.size().
  double share_drifted = 0;
  double drift_share = 0.5;
  // share_drifted >= drift_share.
  bool drifted = false;
  // The severity reached by at least a drift share of the columns: the
  // ceil(drift_share · n)-th largest column severity.
  double severity = 0;
  RecommendedAction action = RecommendedAction::kMonitor;
};

// Compares two CSV files (header row, RFC 4180) column by column.
// InvalidArgument, naming file, line and column, for malformed CSV, unknown
// or mismatched columns, a column without values on one side, a non-number
// where a numeric test needs one, or invalid options. NotFound /
// PermissionDenied when a file cannot be read.
StatusOr<DatasetDriftResult> CheckDatasetDrift(
    const std::string& reference_path, const std::string& current_path,
    const DriftOptions& options = {});

// As above for CSV text already in memory; the origins name it in errors.
StatusOr<DatasetDriftResult> CheckDatasetDriftText(
    std::string_view reference_csv, std::string_view reference_origin,
    std::string_view current_csv, std::string_view current_origin,
    const DriftOptions& options = {});

// The JSON policies read: {"spec": {"drift": {"score": <severity>, "drifted",
// "severity", "action", "share_of_drifted_columns", "drift_share",
// "drifted_columns", "columns_checked", "reference", "current",
// "columns": {<name>: {"test", "kind", "statistic", "p_value" (p-value tests),
// "score", "threshold", "drifted", "severity", "action", "reference_values",
// "current_values", "reference_dropped", "current_dropped"}}}}}.
nlohmann::json ToJson(const DatasetDriftResult& result);

// ---------------------------------------------------------------------------
// Metric drift: training-time versus serving-time metrics.

enum class MetricBoundKind {
  // Lower is better (loss): drift when (serving - training) / |training| >
  // bound.
  kMaxRelativeIncrease,
  // Higher is better (accuracy): drift when serving / training < bound.
  kMinRatio,
};

struct MetricBound {
  std::string metric;
  MetricBoundKind kind = MetricBoundKind::kMaxRelativeIncrease;
  double bound = 0.2;
};

struct MetricDriftOptions {
  // Bounds to check. A metric named here must be present in both documents.
  std::vector<MetricBound> bounds;
  // Also check "loss" (relative increase <= 0.20) and "accuracy" (ratio >=
  // 0.95) when both documents have them and `bounds` does not name them.
  // Default true.
  bool default_bounds = true;
  // Severity from which the recommended action is revoke. Default 0.8.
  double revoke_severity = 0.8;
};

struct MetricDriftCheck {
  std::string metric;
  MetricBoundKind kind = MetricBoundKind::kMaxRelativeIncrease;
  double training = 0;
  double serving = 0;
  // The relative increase or the ratio, whichever `kind` bounds.
  double value = 0;
  double bound = 0;
  bool drifted = false;
  // 0.5·value/bound for increases, 0.5·(1 - ratio)/(1 - bound) for ratios,
  // clamped to [0, 1].
  double severity = 0;
  RecommendedAction action = RecommendedAction::kMonitor;
};

struct MetricDriftResult {
  std::vector<MetricDriftCheck> metrics;
  // Any metric drifted.
  bool drifted = false;
  // The largest metric severity.
  double severity = 0;
  RecommendedAction action = RecommendedAction::kMonitor;
};

// Compares metric documents: an object of name → number, or a manifest whose
// "spec.metrics" or "metrics" is one. InvalidArgument when a bound is invalid,
// a named metric is missing or not a number, or no metric could be compared.
StatusOr<MetricDriftResult> CheckMetricDrift(
    const nlohmann::json& training, const nlohmann::json& serving,
    const MetricDriftOptions& options = {});

// As above, loading JSON (.json) or YAML files; errors name the file.
StatusOr<MetricDriftResult> CheckMetricDriftFiles(
    const std::string& training_path, const std::string& serving_path,
    const MetricDriftOptions& options = {});

// {"spec": {"drift": {"score": <severity>, "drifted", "severity", "action",
// "metrics": {<name>: {"check", "training", "serving", "value", "bound",
// "drifted", "severity", "action"}}}}}.
nlohmann::json ToJson(const MetricDriftResult& result);

}  // namespace governance

#endif  // GOVERNANCE_DRIFT_H_
