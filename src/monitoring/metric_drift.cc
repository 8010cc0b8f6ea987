// Metric drift: serving metrics against the metrics a model was approved with.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/document.h"
#include "governance/drift.h"

namespace governance {
namespace {

// The object of metrics inside a metrics document or a manifest.
const nlohmann::json& MetricsOf(const nlohmann::json& doc) {
  if (doc.is_object()) {
    auto spec = doc.find("spec");
    if (spec != doc.end() && spec->is_object()) {
      auto metrics = spec->find("metrics");
      if (metrics != spec->end() && metrics->is_object()) return *metrics;
    }
    auto metrics = doc.find("metrics");
    if (metrics != doc.end() && metrics->is_object()) return *metrics;
  }
  return doc;
}

std::optional<double> NumberAt(const nlohmann::json& metrics,
                               const std::string& name) {
  if (!metrics.is_object()) return std::nullopt;
  auto it = metrics.find(name);
  if (it == metrics.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

Status ValidateBound(const MetricBound& b) {
  if (b.metric.empty())
    return InvalidArgumentError("metric bound without a metric name");
  if (b.kind == MetricBoundKind::kMaxRelativeIncrease &&
      !(b.bound >= 0 && std::isfinite(b.bound))) {
    return InvalidArgumentError("metric '" + b.metric +
                                "': maximum relative increase " +
                                std::to_string(b.bound) + " must be >= 0");
  }
  if (b.kind == MetricBoundKind::kMinRatio && !(b.bound > 0 && b.bound < 1)) {
    return InvalidArgumentError("metric '" + b.metric + "': minimum ratio " +
                                std::to_string(b.bound) + " must be in (0, 1)");
  }
  return Status::Ok();
}

MetricDriftCheck Evaluate(const MetricBound& b, double training, double serving,
                          double revoke_severity) {
  MetricDriftCheck c;
  c.metric = b.metric;
  c.kind = b.kind;
  c.training = training;
  c.serving = serving;
  c.bound = b.bound;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (b.kind == MetricBoundKind::kMaxRelativeIncrease) {
    if (training == 0) {
      c.value = serving > 0 ? kInf : 0.0;
    } else {
      c.value = (serving - training) / std::fabs(training);
    }
    c.drifted = c.value > b.bound;
    if (b.bound == 0) {
      c.severity = c.value > 0 ? 1.0 : 0.0;
    } else {
      c.severity = std::clamp(0.5 * c.value / b.bound, 0.0, 1.0);
    }
  } else {
    c.value = training == 0 ? (serving == 0 ? 1.0 : kInf) : serving / training;
    c.drifted = c.value < b.bound;
    c.severity = std::clamp(0.5 * (1 - c.value) / (1 - b.bound), 0.0, 1.0);
  }
  c.action = ActionForSeverity(c.severity, revoke_severity);
  return c;
}

}  // namespace

StatusOr<MetricDriftResult> CheckMetricDrift(
    const nlohmann::json& training, const nlohmann::json& serving,
    const MetricDriftOptions& options) {
  if (!(options.revoke_severity > 0 && options.revoke_severity <= 1)) {
    return InvalidArgumentError("revoke severity " +
                                std::to_string(options.revoke_severity) +
                                " must be in (0, 1]");
  }
  const nlohmann::json& train_metrics = MetricsOf(training);
  const nlohmann::json& serve_metrics = MetricsOf(serving);
  std::vector<MetricBound> bounds = options.bounds;
  for (const MetricBound& b : bounds) GOV_RETURN_IF_ERROR(ValidateBound(b));
  auto named = [&](const std::string& metric) {
    return std::any_of(
        options.bounds.begin(), options.bounds.end(),
        [&](const MetricBound& b) { return b.metric == metric; });
  };
  if (options.default_bounds) {
    for (const MetricBound& d :
         {MetricBound{"loss", MetricBoundKind::kMaxRelativeIncrease, 0.20},
          MetricBound{"accuracy", MetricBoundKind::kMinRatio, 0.95}}) {
      if (!named(d.metric) && NumberAt(train_metrics, d.metric) &&
          NumberAt(serve_metrics, d.metric)) {
        bounds.push_back(d);
      }
    }
  }
  MetricDriftResult result;
  for (const MetricBound& b : bounds) {
    std::optional<double> t = NumberAt(train_metrics, b.metric);
    std::optional<double> s = NumberAt(serve_metrics, b.metric);
    if (!t || !s) {
      return InvalidArgumentError("metric '" + b.metric +
                                  "' is missing or not a number in the " +
                                  (!t ? "training" : "serving") + " metrics");
    }
    if (!std::isfinite(*t) || !std::isfinite(*s)) {
      return InvalidArgumentError("metric '" + b.metric + "' is not finite");
    }
    MetricDriftCheck c = Evaluate(b, *t, *s, options.revoke_severity);
    result.drifted = result.drifted || c.drifted;
    result.severity = std::max(result.severity, c.severity);
    result.metrics.push_back(std::move(c));
  }
  if (result.metrics.empty()) {
    return InvalidArgumentError(
        "no metric to compare: neither 'loss' nor 'accuracy' is in both "
        "documents and no bound "
        "names another");
  }
  result.action = ActionForSeverity(result.severity, options.revoke_severity);
  return result;
}

StatusOr<MetricDriftResult> CheckMetricDriftFiles(
    const std::string& training_path, const std::string& serving_path,
    const MetricDriftOptions& options) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json training, LoadDocument(training_path));
  GOV_ASSIGN_OR_RETURN(nlohmann::json serving, LoadDocument(serving_path));
  StatusOr<MetricDriftResult> result =
      CheckMetricDrift(training, serving, options);
  if (!result.ok()) {
    return result.status().WithContext(training_path + " vs " + serving_path);
  }
  return result;
}

}  // namespace governance
