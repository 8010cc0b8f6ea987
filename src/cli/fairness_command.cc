// mgov fairness: group fairness of a model's predictions. Exit 0 fair,
// 1 unfair, 2 error.
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
#include "governance/fairness.h"

namespace governance::cli {
namespace {

struct FairnessCommandOptions {
  std::string predictions;
  FairnessOptions fairness;
  std::string method = "between_groups";
  std::optional<double> max_equalized_odds_difference;
  EvidenceOptions evidence;
};

void Print(std::ostream& out, const FairnessResult& r) {
  std::vector<std::vector<std::string>> rows = {
      {"group", "count", "selection", "TPR", "FPR"}};
  auto add = [&](const GroupRates& g) {
    rows.push_back({g.group, std::to_string(g.count),
                    fmt::format("{:.3f}", g.selection_rate),
                    fmt::format("{:.3f}", g.true_positive_rate),
                    fmt::format("{:.3f}", g.false_positive_rate)});
  };
  for (const GroupRates& g : r.groups) add(g);
  add(r.overall);
  PrintTable(out, rows);
  out << fmt::format(
      "demographic parity difference {:.3f} (bound {:.3f}), ratio {}\n",
      r.demographic_parity_difference, r.max_demographic_parity_difference,
      ShortNumber(r.demographic_parity_ratio));
  out << fmt::format(
      "equalized odds difference {:.3f}{}, ratio {}\n",
      r.equalized_odds_difference,
      r.max_equalized_odds_difference
          ? fmt::format(" (bound {:.3f})", *r.max_equalized_odds_difference)
          : "",
      ShortNumber(r.equalized_odds_ratio));
  std::string violations;
  for (const std::string& v : r.four_fifths_violations)
    violations += (violations.empty() ? "" : ", ") + v;
  out << "four-fifths rule: "
      << (r.four_fifths_passed ? "passed" : "failed for " + violations) << "\n";
  out << fmt::format("{} ({}): severity {:.2f}, action {}\n",
                     r.fair ? "FAIR" : "UNFAIR", FairnessMethodName(r.method),
                     r.severity, RecommendedActionName(r.action));
}

StatusOr<Outcome> RunFairness(FairnessCommandOptions o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(o.fairness.method, ParseFairnessMethod(o.method));
  o.fairness.max_equalized_odds_difference = o.max_equalized_odds_difference;
  o.fairness.revoke_severity = o.evidence.revoke_severity;
  GOV_ASSIGN_OR_RETURN(std::optional<PrivateKey> key, PrepareEvidence(o.evidence));
  GOV_ASSIGN_OR_RETURN(FairnessResult result, CheckFairness(o.predictions, o.fairness));
  GOV_RETURN_IF_ERROR(RecordAndReport(o.evidence, ctx, "fairness", ToJson(result), result.severity,
                                      key, [&](std::ostream& out) { Print(out, result); }));
  return result.fair ? Outcome::kYes : Outcome::kNo;
}

}  // namespace

void AddFairnessCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<FairnessCommandOptions>();
  CLI::App* cmd =
      app.add_subcommand("fairness",
                         "Group fairness of predictions (Fairlearn "
                         "definitions). Exit 0 fair, 1 unfair, 2 error");
  cmd->add_option("--predictions", o->predictions, "Predictions CSV")
      ->required();
  cmd->add_option("--label", o->fairness.label_column, "Column of true labels")
      ->required();
  cmd->add_option("--prediction", o->fairness.prediction_column,
                  "Column of predicted labels")
      ->required();
  cmd->add_option("--sensitive", o->fairness.sensitive_column,
                  "Column of the sensitive feature")
      ->required();
  cmd->add_option("--positive", o->fairness.positive,
                  "The positive label (default 1 or true)");
  cmd->add_option("--method", o->method,
                  "between_groups (default) or to_overall");
  cmd->add_option(
      "--max-dp-difference", o->fairness.max_demographic_parity_difference,
      "Largest acceptable demographic parity difference (default 0.10)");
  cmd->add_option("--four-fifths", o->fairness.four_fifths_ratio,
                  "Selection-rate ratio of the four-fifths rule (default 0.8)");
  cmd->add_option(
      "--max-eo-difference", o->max_equalized_odds_difference,
      "Largest acceptable equalized odds difference (default: not checked)");
  AddEvidenceOptions(cmd, &o->evidence);
  cmd->callback([o, &ctx] { ctx.Finish("fairness", RunFairness(*o, ctx)); });
}

}  // namespace governance::cli
