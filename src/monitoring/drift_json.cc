// JSON forms of drift results, shaped as the manifest section policies read.
#include <cmath>

#include "governance/drift.h"

namespace governance {
namespace {

// JSON has no infinity or NaN: they become null.
nlohmann::json Number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

}  // namespace

nlohmann::json ToJson(const DatasetDriftResult& result) {
  nlohmann::json columns = nlohmann::json::object();
  for (const DriftCheckResult& c : result.columns) {
    nlohmann::json j = {
        {"test", DriftTestName(c.test)},
        {"kind", c.numeric ? "numeric" : "categorical"},
        {"statistic", Number(c.statistic)},
        {"score", Number(c.score)},
        {"threshold", c.threshold},
        {"drifted", c.drifted},
        {"severity", c.severity},
        {"action", RecommendedActionName(c.action)},
        {"reference_values", c.reference_values},
        {"current_values", c.current_values},
        {"reference_dropped", c.reference_dropped},
        {"current_dropped", c.current_dropped},
    };
    if (c.p_value.has_value()) j["p_value"] = Number(*c.p_value);
    columns[c.column] = std::move(j);
  }
  nlohmann::json drift = {
      {"score", result.severity},
      {"drifted", result.drifted},
      {"severity", result.severity},
      {"action", RecommendedActionName(result.action)},
      {"share_of_drifted_columns", result.share_drifted},
      {"drift_share", result.drift_share},
      {"drifted_columns", result.drifted_columns},
      {"columns_checked", result.columns.size()},
      {"reference", result.reference_origin},
      {"current", result.current_origin},
      {"columns", std::move(columns)},
  };
  return {{"spec", {{"drift", std::move(drift)}}}};
}

nlohmann::json ToJson(const MetricDriftResult& result) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const MetricDriftCheck& m : result.metrics) {
    metrics[m.metric] = {
        {"check", m.kind == MetricBoundKind::kMaxRelativeIncrease
                      ? "max_relative_increase"
                      : "min_ratio"},
        {"training", m.training},
        {"serving", m.serving},
        {"value", Number(m.value)},
        {"bound", m.bound},
        {"drifted", m.drifted},
        {"severity", m.severity},
        {"action", RecommendedActionName(m.action)},
    };
  }
  nlohmann::json drift = {
      {"score", result.severity},
      {"drifted", result.drifted},
      {"severity", result.severity},
      {"action", RecommendedActionName(result.action)},
      {"metrics", std::move(metrics)},
  };
  return {{"spec", {{"drift", std::move(drift)}}}};
}

}  // namespace governance
