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
#include "governance/authority.h"
#include "governance/coordinator.h"
#include "governance/drift.h"
#include "governance/store.h"

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
  std::string model;
  bool auto_revoke = false;
  std::string key;
  double revoke_severity = 0.8;
};

Status ValidateEvidenceFlags(const DriftCommandOptions& o) {
  if (o.auto_revoke && o.model.empty())
    return InvalidArgumentError("--auto-revoke needs --model");
  if (o.auto_revoke && o.key.empty())
    return InvalidArgumentError("--auto-revoke needs --key");
  if (!o.key.empty() && !o.auto_revoke)
    return InvalidArgumentError("--key is only used with --auto-revoke");
  if (!(o.revoke_severity > 0 && o.revoke_severity <= 1)) {
    return InvalidArgumentError("--revoke-severity must be in (0, 1]");
  }
  return Status::Ok();
}

StatusOr<DriftOptions> DatasetOptions(const DriftCommandOptions& o) {
  DriftOptions options;
  options.columns = o.columns;
  options.drift_share = o.drift_share;
  options.revoke_severity = o.revoke_severity;
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
  options.revoke_severity = o.revoke_severity;
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

// What --model / --auto-revoke left behind.
struct Evidence {
  std::string model;
  int64_t ledger_sequence = 0;
  std::optional<int64_t> revocation_sequence;
  std::string note;  // why nothing was revoked, when revocation was asked for
};

// Appends a "drift.checked" ledger entry holding `result` for the model and,
// with --auto-revoke, revokes the model's approvals when `severity` reaches
// the revoke severity.
StatusOr<Evidence> RecordEvidence(const DriftCommandOptions& o, Context& ctx,
                                  const nlohmann::json& result, double severity,
                                  const std::optional<PrivateKey>& key) {
  Evidence evidence;
  evidence.model = o.model;
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_RETURN_IF_ERROR(store->Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(
        LedgerEntry e,
        txn.AppendLedger({"drift.checked", LocalActor(), o.model, result}));
    evidence.ledger_sequence = e.sequence;
    return Status();
  }));
  if (!o.auto_revoke) return evidence;
  if (severity < o.revoke_severity) {
    evidence.note =
        fmt::format("severity {:.2f} is below the revoke severity {:.2f}",
                    severity, o.revoke_severity);
    return evidence;
  }
  GovernancePlane plane(*store);
  StatusOr<int64_t> revoked = plane.RevokeModel(
      o.model,
      fmt::format("drift severity {:.2f} >= {:.2f} (mgov drift --auto-revoke)",
                  severity, o.revoke_severity),
      *key);
  if (revoked.status().code() == StatusCode::kNotFound) {
    evidence.note =
        revoked.status().message();  // no approvals: nothing to revoke
    return evidence;
  }
  if (!revoked.ok()) return revoked.status();
  evidence.revocation_sequence = *revoked;
  return evidence;
}

nlohmann::json EvidenceJson(const Evidence& e) {
  nlohmann::json j = {{"model", e.model},
                      {"ledger_sequence", e.ledger_sequence},
                      {"revoked", e.revocation_sequence.has_value()}};
  if (e.revocation_sequence)
    j["revocation_ledger_sequence"] = *e.revocation_sequence;
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

void PrintEvidence(std::ostream& out, const Evidence& e) {
  out << "recorded in the ledger for model " << e.model << " (entry "
      << e.ledger_sequence << ")\n";
  if (e.revocation_sequence) {
    out << "revoked every approval of model " << e.model << " (entry "
        << *e.revocation_sequence << ")\n";
  } else if (!e.note.empty()) {
    out << "not revoked: " << e.note << "\n";
  }
}

// Prints `result` (JSON or table) with the evidence recorded for it.
template <typename Result>
void Report(Context& ctx, const Result& result,
            const std::optional<Evidence>& evidence,
            void (*print)(std::ostream&, const Result&)) {
  if (ctx.global.json) {
    nlohmann::json j = ToJson(result);
    if (evidence) j["evidence"] = EvidenceJson(*evidence);
    *ctx.out << j.dump(2) << "\n";
  } else {
    print(*ctx.out, result);
    if (evidence) PrintEvidence(*ctx.out, *evidence);
  }
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
  GOV_RETURN_IF_ERROR(ValidateEvidenceFlags(o));
  // Load the revocation key first: a bad key should fail before any work.
  std::optional<PrivateKey> key;
  if (o.auto_revoke) {
    GOV_ASSIGN_OR_RETURN(PrivateKey loaded, LoadSigningKey(o.key));
    key = std::move(loaded);
  }
  std::optional<Evidence> evidence;
  if (data) {
    if (!o.max_increase.empty() || !o.min_ratio.empty()) {
      return InvalidArgumentError(
          "--max-increase and --min-ratio apply to metric drift only");
    }
    GOV_ASSIGN_OR_RETURN(DriftOptions options, DatasetOptions(o));
    GOV_ASSIGN_OR_RETURN(DatasetDriftResult result,
                         CheckDatasetDrift(o.reference, o.current, options));
    if (!o.model.empty()) {
      GOV_ASSIGN_OR_RETURN(evidence, RecordEvidence(o, ctx, ToJson(result),
                                                    result.severity, key));
    }
    Report(ctx, result, evidence, &PrintDataset);
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
  if (!o.model.empty()) {
    GOV_ASSIGN_OR_RETURN(
        evidence, RecordEvidence(o, ctx, ToJson(result), result.severity, key));
  }
  Report(ctx, result, evidence, &PrintMetrics);
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
  cmd->add_option("--model", options->model,
                  "Model id: record the result in the evidence ledger");
  cmd->add_flag(
      "--auto-revoke", options->auto_revoke,
      "Revoke the model's approvals when severity >= --revoke-severity");
  cmd->add_option("--key", options->key,
                  "Private key file that signs the revocation");
  cmd->add_option("--revoke-severity", options->revoke_severity,
                  "Severity from which to revoke (default 0.8)");
  cmd->callback(
      [options, &ctx] { ctx.Finish("drift", RunDrift(*options, ctx)); });
}

}  // namespace governance::cli
