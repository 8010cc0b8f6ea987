#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "governance/drift.h"

namespace governance {
namespace {

const std::string kData = GOV_SOURCE_DIR "/tests/monitoring/data/";

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

TEST_CASE("default bounds: loss +20%, accuracy ratio 0.95") {
  auto ok = CheckMetricDriftFiles(kData + "training_metrics.json",
                                  kData + "serving_ok.yaml");
  REQUIRE(ok.ok());
  REQUIRE(ok->metrics.size() == 2);
  CHECK(ok->metrics[0].metric == "loss");
  CHECK(Near(ok->metrics[0].value, (0.33 - 0.30) / 0.30));
  CHECK_FALSE(ok->drifted);
  CHECK(ok->action == RecommendedAction::kMonitor);

  auto bad = CheckMetricDriftFiles(kData + "training_metrics.json",
                                   kData + "serving_degraded.json");
  REQUIRE(bad.ok());
  CHECK(bad->drifted);
  CHECK(Near(bad->metrics[0].value, 0.5));  // loss 0.30 → 0.45
  CHECK(bad->metrics[0].severity == 1.0);   // 0.5 · 0.5 / 0.2, clamped
  CHECK(Near(bad->metrics[1].value, 0.80 / 0.91));
  CHECK(bad->action == RecommendedAction::kRevoke);
  nlohmann::json j = ToJson(*bad);
  CHECK(j["spec"]["drift"]["score"] == 1.0);
  CHECK(j["spec"]["drift"]["metrics"]["loss"]["check"] ==
        "max_relative_increase");
  CHECK(j["spec"]["drift"]["metrics"]["accuracy"]["check"] == "min_ratio");
}

TEST_CASE("named metrics with their own bounds") {
  MetricDriftOptions options;
  options.bounds.push_back({"auc", MetricBoundKind::kMinRatio, 0.99});
  options.default_bounds = false;
  auto r = CheckMetricDrift({{"auc", 0.88}}, {{"auc", 0.87}}, options);
  REQUIRE(r.ok());
  REQUIRE(r->metrics.size() == 1);
  CHECK(r->drifted);  // 0.87 / 0.88 = 0.9886 < 0.99
  CHECK(Near(r->metrics[0].severity, 0.5 * (1 - 0.87 / 0.88) / (1 - 0.99)));
  CHECK(r->action == RecommendedAction::kInvestigate);
}

TEST_CASE("errors") {
  MetricDriftOptions options;
  options.bounds.push_back({"f1", MetricBoundKind::kMinRatio, 0.9});
  CHECK(CheckMetricDrift({{"f1", 0.5}}, {{"auc", 1}}, options).status() ==
        InvalidArgumentError(
            "metric 'f1' is missing or not a number in the serving metrics"));
  options.bounds = {{"f1", MetricBoundKind::kMinRatio, 1.5}};
  CHECK(CheckMetricDrift({{"f1", 0.5}}, {{"f1", 0.5}}, options).status() ==
        InvalidArgumentError(
            "metric 'f1': minimum ratio 1.500000 must be in (0, 1)"));
  CHECK(CheckMetricDrift({{"f1", 0.5}}, {{"f1", 0.5}}).status() ==
        InvalidArgumentError(
            "no metric to compare: neither 'loss' nor 'accuracy' is in both "
            "documents and no bound names another"));
  auto missing =
      CheckMetricDriftFiles(kData + "nope.json", kData + "serving_ok.yaml");
  CHECK(missing.status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace governance
