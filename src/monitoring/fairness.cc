// Fairlearn's group fairness metrics over a predictions CSV.
#include "governance/fairness.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "monitoring/csv.h"

namespace governance {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsPositive(const std::string& value, const std::string& positive) {
  std::optional<double> number = monitoring::ParseNumber(value);
  if (positive.empty()) {
    const std::string lower = Lower(value);
    return lower == "1" || lower == "true" ||
           (number.has_value() && *number == 1.0);
  }
  if (value == positive) return true;
  std::optional<double> wanted = monitoring::ParseNumber(positive);
  return number.has_value() && wanted.has_value() && *number == *wanted;
}

Status CheckBinary(const std::vector<std::string>& values,
                   const std::string& what) {
  std::set<std::string> distinct(values.begin(), values.end());
  if (distinct.size() <= 2) return Status::Ok();
  std::string listed;
  int shown = 0;
  for (const std::string& v : distinct) {
    if (shown++ == 3) {
      listed += ", ...";
      break;
    }
    listed += (listed.empty() ? "" : ", ") + v;
  }
  return InvalidArgumentError(
      what + " take " + std::to_string(distinct.size()) + " distinct values (" +
      listed + "); fairness metrics need binary ones");
}

void FinishRates(GroupRates& g) {
  const std::size_t negatives = g.count - g.actual_positives;
  g.selection_rate =
      static_cast<double>(g.predicted_positives) / static_cast<double>(g.count);
  g.true_positive_rate = g.actual_positives == 0
                             ? 0.0
                             : static_cast<double>(g.true_positives) /
                                   static_cast<double>(g.actual_positives);
  g.false_positive_rate = negatives == 0
                              ? 0.0
                              : static_cast<double>(g.false_positives) /
                                    static_cast<double>(negatives);
}

// Fairlearn's MetricFrame.difference / .ratio for one metric.
double Difference(const std::vector<double>& by_group, double overall,
                  FairnessMethod method) {
  if (method == FairnessMethod::kBetweenGroups) {
    auto [lo, hi] = std::minmax_element(by_group.begin(), by_group.end());
    return *hi - *lo;
  }
  double worst = 0;
  for (double v : by_group) worst = std::max(worst, std::fabs(v - overall));
  return worst;
}

double Ratio(const std::vector<double>& by_group, double overall,
             FairnessMethod method) {
  if (method == FairnessMethod::kBetweenGroups) {
    auto [lo, hi] = std::minmax_element(by_group.begin(), by_group.end());
    return *lo / *hi;  // 0 / 0 is NaN, as in Fairlearn
  }
  // min over groups of min(r, 1/r) with r = group / overall; NaNs are skipped
  // as pandas' min skips them, and all-NaN is NaN.
  double result = kNaN;
  for (double v : by_group) {
    double r = v / overall;
    if (r > 1) r = 1 / r;
    if (std::isnan(r)) continue;
    if (std::isnan(result) || r < result) result = r;
  }
  return result;
}

// "column 'y'" when the caller named the column, else `fallback`.
std::string ColumnName(const std::string& fallback, const std::string& column) {
  return column.empty() ? fallback : "column '" + column + "' values";
}

// Python's min(a, b): b only when b < a, so a NaN first argument wins.
double PythonMin(double a, double b) { return b < a ? b : a; }

}  // namespace

StatusOr<FairnessResult> FairnessOfTable(const monitoring::CsvTable& table,
                                         const FairnessOptions& options);

std::string_view FairnessMethodName(FairnessMethod method) {
  return method == FairnessMethod::kBetweenGroups ? "between_groups"
                                                  : "to_overall";
}

StatusOr<FairnessMethod> ParseFairnessMethod(std::string_view name) {
  if (name == "between_groups") return FairnessMethod::kBetweenGroups;
  if (name == "to_overall") return FairnessMethod::kToOverall;
  return InvalidArgumentError("unknown fairness method '" + std::string(name) +
                              "' (expected between_groups or to_overall)");
}

StatusOr<FairnessResult> ComputeFairness(
    const std::vector<std::string>& labels,
    const std::vector<std::string>& predictions,
    const std::vector<std::string>& groups, const FairnessOptions& options) {
  if (labels.size() != predictions.size() || labels.size() != groups.size()) {
    return InvalidArgumentError(
        "labels, predictions and groups differ in length");
  }
  if (labels.empty()) return InvalidArgumentError("no predictions to assess");
  if (!(options.max_demographic_parity_difference >= 0 &&
        options.max_demographic_parity_difference <= 1)) {
    return InvalidArgumentError("demographic parity bound must be in [0, 1]");
  }
  if (!(options.four_fifths_ratio > 0 && options.four_fifths_ratio <= 1)) {
    return InvalidArgumentError("four-fifths ratio must be in (0, 1]");
  }
  if (options.max_equalized_odds_difference.has_value() &&
      !(*options.max_equalized_odds_difference >= 0 &&
        *options.max_equalized_odds_difference <= 1)) {
    return InvalidArgumentError("equalized odds bound must be in [0, 1]");
  }
  if (!(options.revoke_severity > 0 && options.revoke_severity <= 1)) {
    return InvalidArgumentError("revoke severity must be in (0, 1]");
  }
  GOV_RETURN_IF_ERROR(
      CheckBinary(labels, ColumnName("labels", options.label_column)));
  GOV_RETURN_IF_ERROR(CheckBinary(
      predictions, ColumnName("predictions", options.prediction_column)));

  std::map<std::string, GroupRates> by_group;
  FairnessResult result;
  result.method = options.method;
  result.overall.group = "overall";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool actual = IsPositive(labels[i], options.positive);
    const bool predicted = IsPositive(predictions[i], options.positive);
    GroupRates& g = by_group[groups[i]];
    g.group = groups[i];
    for (GroupRates* r : {&g, &result.overall}) {
      ++r->count;
      if (actual) ++r->actual_positives;
      if (predicted) ++r->predicted_positives;
      if (actual && predicted) ++r->true_positives;
      if (!actual && predicted) ++r->false_positives;
    }
  }
  FinishRates(result.overall);
  std::vector<double> selection, tpr, fpr;
  for (auto& [name, g] : by_group) {
    FinishRates(g);
    selection.push_back(g.selection_rate);
    tpr.push_back(g.true_positive_rate);
    fpr.push_back(g.false_positive_rate);
    result.groups.push_back(g);
  }
  const GroupRates& all = result.overall;
  const FairnessMethod m = options.method;
  result.demographic_parity_difference =
      Difference(selection, all.selection_rate, m);
  result.demographic_parity_ratio = Ratio(selection, all.selection_rate, m);
  result.equalized_odds_difference =
      std::max(Difference(tpr, all.true_positive_rate, m),
               Difference(fpr, all.false_positive_rate, m));
  result.equalized_odds_ratio =
      PythonMin(Ratio(tpr, all.true_positive_rate, m),
                Ratio(fpr, all.false_positive_rate, m));

  const double highest = *std::max_element(selection.begin(), selection.end());
  double lowest_ratio = 1.0;
  for (const GroupRates& g : result.groups) {
    if (highest > 0)
      lowest_ratio = std::min(lowest_ratio, g.selection_rate / highest);
    if (g.selection_rate < options.four_fifths_ratio * highest) {
      result.four_fifths_violations.push_back(g.group);
    }
  }
  result.four_fifths_passed = result.four_fifths_violations.empty();
  result.max_demographic_parity_difference =
      options.max_demographic_parity_difference;
  result.four_fifths_ratio = options.four_fifths_ratio;
  result.max_equalized_odds_difference = options.max_equalized_odds_difference;

  result.fair = result.demographic_parity_difference <=
                    options.max_demographic_parity_difference &&
                result.four_fifths_passed;
  double severity =
      options.max_demographic_parity_difference > 0
          ? 0.5 * result.demographic_parity_difference /
                options.max_demographic_parity_difference
          : (result.demographic_parity_difference > 0 ? 1.0 : 0.0);
  if (!result.four_fifths_passed) {
    severity = std::max(
        severity, 0.5 + 0.5 * (1 - lowest_ratio / options.four_fifths_ratio));
  }
  if (options.max_equalized_odds_difference.has_value()) {
    const double bound = *options.max_equalized_odds_difference;
    result.fair = result.fair && result.equalized_odds_difference <= bound;
    severity = std::max(
        severity, bound > 0
                      ? 0.5 * result.equalized_odds_difference / bound
                      : (result.equalized_odds_difference > 0 ? 1.0 : 0.0));
  }
  result.severity = std::clamp(severity, 0.0, 1.0);
  result.action = ActionForSeverity(result.severity, options.revoke_severity);
  return result;
}

StatusOr<FairnessResult> FairnessOfTable(const monitoring::CsvTable& table,
                                         const FairnessOptions& options) {
  if (options.label_column.empty() || options.prediction_column.empty() ||
      options.sensitive_column.empty()) {
    return InvalidArgumentError(
        "label, prediction and sensitive columns are required");
  }
  GOV_ASSIGN_OR_RETURN(std::size_t label,
                       table.ColumnIndex(options.label_column));
  GOV_ASSIGN_OR_RETURN(std::size_t prediction,
                       table.ColumnIndex(options.prediction_column));
  GOV_ASSIGN_OR_RETURN(std::size_t sensitive,
                       table.ColumnIndex(options.sensitive_column));
  if (table.rows.empty())
    return InvalidArgumentError(table.origin + ": no data rows");
  std::vector<std::string> labels, predictions, groups;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    for (std::size_t column : {label, prediction, sensitive}) {
      if (table.rows[r][column].empty()) {
        return InvalidArgumentError(
            table.origin + ":" + std::to_string(table.lines[r]) + ": column '" +
            table.header[column] + "' is empty");
      }
    }
    labels.push_back(table.rows[r][label]);
    predictions.push_back(table.rows[r][prediction]);
    groups.push_back(table.rows[r][sensitive]);
  }
  StatusOr<FairnessResult> result =
      ComputeFairness(labels, predictions, groups, options);
  if (!result.ok()) return result.status().WithContext(table.origin);
  return result;
}

StatusOr<FairnessResult> CheckFairnessText(std::string_view predictions_csv,
                                           std::string_view origin,
                                           const FairnessOptions& options) {
  GOV_ASSIGN_OR_RETURN(monitoring::CsvTable table,
                       monitoring::ParseCsv(predictions_csv, origin));
  return FairnessOfTable(table, options);
}

StatusOr<FairnessResult> CheckFairness(const std::string& predictions_path,
                                       const FairnessOptions& options) {
  GOV_ASSIGN_OR_RETURN(monitoring::CsvTable table,
                       monitoring::ReadCsvFile(predictions_path));
  return FairnessOfTable(table, options);
}

namespace {

nlohmann::json Number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

nlohmann::json GroupJson(const GroupRates& g) {
  return {{"count", g.count},
          {"actual_positives", g.actual_positives},
          {"predicted_positives", g.predicted_positives},
          {"true_positives", g.true_positives},
          {"false_positives", g.false_positives},
          {"selection_rate", g.selection_rate},
          {"true_positive_rate", g.true_positive_rate},
          {"false_positive_rate", g.false_positive_rate}};
}

}  // namespace

nlohmann::json ToJson(const FairnessResult& result) {
  nlohmann::json groups = nlohmann::json::object();
  for (const GroupRates& g : result.groups) groups[g.group] = GroupJson(g);
  nlohmann::json bounds = {
      {"demographic_parity", result.max_demographic_parity_difference},
      {"four_fifths_ratio", result.four_fifths_ratio}};
  if (result.max_equalized_odds_difference.has_value()) {
    bounds["equalized_odds"] = *result.max_equalized_odds_difference;
  }
  nlohmann::json fairness = {
      {"demographic_parity", Number(result.demographic_parity_difference)},
      {"demographic_parity_ratio", Number(result.demographic_parity_ratio)},
      {"equalized_odds", Number(result.equalized_odds_difference)},
      {"equalized_odds_ratio", Number(result.equalized_odds_ratio)},
      {"four_fifths",
       {{"passed", result.four_fifths_passed},
        {"ratio", result.four_fifths_ratio},
        {"violations", result.four_fifths_violations}}},
      {"method", FairnessMethodName(result.method)},
      {"fair", result.fair},
      {"severity", result.severity},
      {"action", RecommendedActionName(result.action)},
      {"bounds", std::move(bounds)},
      {"groups", std::move(groups)},
      {"overall", GroupJson(result.overall)},
  };
  return {{"spec", {{"fairness", std::move(fairness)}}}};
}

}  // namespace governance
