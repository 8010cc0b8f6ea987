// mgov drift: compare reference and current data, or training and serving
// metrics. Exit 0 no drift, 1 drift, 2 error.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "cli/command.h"
#include "cli/monitoring_evidence.h"
#include "governance/drift.h"

namespace governance::cli {
namespace {

StatusOr<std::pair<std::string, std::string>> SplitAssignment(
    const std::string& flag, const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return InvalidArgumentError(flag + " expects NAME=VALUE, got '" + text +
                                "'");
  }
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

StatusOr<double> ParseFlagNumber(const std::string& flag,
                                 const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() ||
      !std::isfinite(value)) {
    return InvalidArgumentError(flag + " expects a number, got '" + text + "'");
  }
  return value;
}

struct DriftCommandOptions {
  std::string reference;
  std::string current;
  std::vector<std::string> columns;
  std::vector<std::string> tests;       // column=test
  std::vector<std::string> thresholds;  // column=value
  double drift_share = 0.5;
  std::string training_metrics;
  std::string serving_metrics;
  std::vector<std::string> max_increase;  // metric=bound
  std::vector<std::string> min_ratio;     // metric=bound
  EvidenceOptions evidence;
};

StatusOr<DriftOptions> DatasetOptions(const DriftCommandOptions& o) {
  DriftOptions options;
  options.columns = o.columns;
  options.drift_share = o.drift_share;
  options.revoke_severity = o.evidence.revoke_severity;
  for (const std::string& t : o.tests) {
    GOV_ASSIGN_OR_RETURN(auto kv, SplitAssignment("--test", t));
    GOV_ASSIGN_OR_RETURN(DriftTest test, ParseDriftTest(kv.second));
    options.tests[kv.first] = test;
  }
  for (const std::string& t : o.thresholds) {
    GOV_ASSIGN_OR_RETURN(auto kv, SplitAssignment("--threshold", t));
    GOV_ASSIGN_OR_RETURN(double value,
                         ParseFlagNumber("--threshold", kv.second));
    options.thresholds[kv.first] = value;
  }
  return options;
}

StatusOr<MetricDriftOptions> MetricOptions(const DriftCommandOptions& o) {
  MetricDriftOptions options;
  options.revoke_severity = o.evidence.revoke_severity;
  for (auto [flag, list, kind] :
       {std::tuple{"--max-increase", &o.max_increase,
                   MetricBoundKind::kMaxRelativeIncrease},
        std::tuple{"--min-ratio", &o.min_ratio, MetricBoundKind::kMinRatio}}) {
    for (const std::string& item : *list) {
      GOV_ASSIGN_OR_RETURN(auto kv, SplitAssignment(flag, item));
      GOV_ASSIGN_OR_RETURN(double bound, ParseFlagNumber(flag, kv.second));
      options.bounds.push_back({kv.first, kind, bound});
    }
  }
  return options;
}

void PrintDataset(std::ostream& out, const DatasetDriftResult& r) {
  std::vector<std::vector<std::string>> rows = {
      {"column", "test", "statistic", "score", "threshold", "drifted",
       "severity", "action"}};
  for (const DriftCheckResult& c : r.columns) {
    rows.push_back({c.column, std::string(DriftTestName(c.test)),
                    ShortNumber(c.statistic), ShortNumber(c.score),
                    ShortNumber(c.threshold), c.drifted ? "yes" : "no",
                    fmt::format("{:.2f}", c.severity),
                    std::string(RecommendedActionName(c.action))});
  }
  PrintTable(out, rows);
  out << fmt::format(
      "{}: {} of {} columns drifted (share {:.2f}, drift share {:.2f}), "
      "severity {:.2f}, action {}\n",
      r.drifted ? "DRIFT" : "no drift", r.drifted_columns, r.columns.size(),
      r.share_drifted, r.drift_share, r.severity,
      RecommendedActionName(r.action));
}

void PrintMetrics(std::ostream& out, const MetricDriftResult& r) {
  std::vector<std::vector<std::string>> rows = {
      {"metric", "check", "training", "serving", "value", "bound", "drifted",
       "severity", "action"}};
  for (const MetricDriftCheck& m : r.metrics) {
    rows.push_back(
        {m.metric,
         m.kind == MetricBoundKind::kMaxRelativeIncrease ? "increase" : "ratio",
         ShortNumber(m.training), ShortNumber(m.serving), ShortNumber(m.value),
         ShortNumber(m.bound), m.drifted ? "yes" : "no",
         fmt::format("{:.2f}", m.severity),
         std::string(RecommendedActionName(m.action))});
  }
  PrintTable(out, rows);
  out << fmt::format("{}: severity {:.2f}, action {}\n",
                     r.drifted ? "DRIFT" : "no drift", r.severity,
                     RecommendedActionName(r.action));
}

StatusOr<Outcome> RunDrift(const DriftCommandOptions& o, Context& ctx) {
  const bool data = !o.reference.empty() || !o.current.empty();
  const bool metrics =
      !o.training_metrics.empty() || !o.serving_metrics.empty();
  if (data == metrics || (data && (o.reference.empty() || o.current.empty())) ||
      (metrics && (o.training_metrics.empty() || o.serving_metrics.empty()))) {
    return InvalidArgumentError(
        "give --reference and --current, or --training-metrics and "
        "--serving-metrics");
  }
  GOV_ASSIGN_OR_RETURN(std::optional<PrivateKey> key, PrepareEvidence(o.evidence));
  if (data) {
    if (!o.max_increase.empty() || !o.min_ratio.empty()) {
      return InvalidArgumentError(
          "--max-increase and --min-ratio apply to metric drift only");
    }
    GOV_ASSIGN_OR_RETURN(DriftOptions options, DatasetOptions(o));
    GOV_ASSIGN_OR_RETURN(DatasetDriftResult result,
                         CheckDatasetDrift(o.reference, o.current, options));
    GOV_RETURN_IF_ERROR(RecordAndReport(o.evidence, ctx, "drift", ToJson(result), result.severity,
                                        key,
                                        [&](std::ostream& out) { PrintDataset(out, result); }));
    return result.drifted ? Outcome::kNo : Outcome::kYes;
  }
  if (!o.columns.empty() || !o.tests.empty() || !o.thresholds.empty()) {
    return InvalidArgumentError(
        "--columns, --test and --threshold apply to data drift only");
  }
  GOV_ASSIGN_OR_RETURN(MetricDriftOptions options, MetricOptions(o));
  GOV_ASSIGN_OR_RETURN(
      MetricDriftResult result,
      CheckMetricDriftFiles(o.training_metrics, o.serving_metrics, options));
  GOV_RETURN_IF_ERROR(RecordAndReport(o.evidence, ctx, "drift", ToJson(result), result.severity,
                                      key, [&](std::ostream& out) { PrintMetrics(out, result); }));
  return result.drifted ? Outcome::kNo : Outcome::kYes;
}

}  // namespace

void AddDriftCommand(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<DriftCommandOptions>();
  CLI::App* cmd =
      app.add_subcommand("drift",
                         "Check data drift (reference vs current CSV) or "
                         "metric drift (training vs serving "
                         "metrics). Exit 0 no drift, 1 drift, 2 error");
  cmd->add_option("--reference", options->reference,
                  "Reference CSV (the data the model was approved on)");
  cmd->add_option("--current", options->current,
                  "Current CSV (the data the model serves on)");
  cmd->add_option("--columns", options->columns,
                  "Columns to compare (default: all)")
      ->delimiter(',');
  cmd->add_option(
      "--test", options->tests,
      "Per-column test COL=ks|chisquare|z|psi|wasserstein|jensenshannon|auto");
  cmd->add_option("--threshold", options->thresholds,
                  "Per-column threshold COL=X");
  cmd->add_option(
      "--drift-share", options->drift_share,
      "Share of drifted columns that makes the dataset drift (default 0.5)");
  cmd->add_option("--training-metrics", options->training_metrics,
                  "Training metrics (JSON or YAML)");
  cmd->add_option("--serving-metrics", options->serving_metrics,
                  "Serving metrics (JSON or YAML)");
  cmd->add_option(
      "--max-increase", options->max_increase,
      "Bound METRIC=X on the relative increase (default loss=0.20)");
  cmd->add_option("--min-ratio", options->min_ratio,
                  "Bound METRIC=X on serving/training (default accuracy=0.95)");
  AddEvidenceOptions(cmd, &options->evidence);
  cmd->callback(
      [options, &ctx] { ctx.Finish("drift", RunDrift(*options, ctx)); });
}

}  // namespace governance::cli
