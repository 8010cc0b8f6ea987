// mgov data check: data-quality expectations on a CSV file. Exit 0 every
// expectation met, 1 some failed, 2 error (bad rules, unreadable data, a rule
// naming a column the data lacks), in which case nothing is recorded.
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/monitoring_evidence.h"
#include "governance/data_quality.h"

namespace governance::cli {
namespace {

struct DataCheckOptions {
  std::string rules;
  std::string data;
  EvidenceOptions evidence;
};

std::string Details(const DataQualityResult& r, const ExpectationResult& e) {
  std::string out;
  auto add = [&](const std::string& s) {
    out += (out.empty() ? "" : ", ") + s;
  };
  switch (e.rule.expectation) {
    case Expectation::kRequiredColumns:
      for (const std::string& c : e.missing_columns) add("missing " + c);
      return out;
    case Expectation::kRowCount:
      return fmt::format("{} rows", r.rows);
    default:
      for (const DataQualityExample& x : e.examples) {
        add(fmt::format("row {} \"{}\"", x.row, x.value));
      }
      if (e.failing > e.examples.size()) add("...");
      return out;
  }
}

void Print(std::ostream& out, const DataQualityResult& r) {
  std::vector<std::vector<std::string>> rows = {
      {"result", "expectation", "column", "checked", "failing", "examples"}};
  for (const ExpectationResult& e : r.expectations) {
    rows.push_back({e.passed ? "PASS" : "FAIL",
                    std::string(ExpectationName(e.rule.expectation)),
                    e.rule.column.empty() ? "-" : e.rule.column,
                    std::to_string(e.checked), std::to_string(e.failing),
                    Details(r, e)});
  }
  PrintTable(out, rows);
  if (r.passed) {
    out << fmt::format("PASS: {} expectations met ({} rows)\n",
                       r.expectations.size(), r.rows);
  } else {
    out << fmt::format("FAIL: {} of {} expectations failed ({} rows)\n",
                       r.failed_expectations, r.expectations.size(), r.rows);
  }
}

StatusOr<Outcome> RunDataCheck(const DataCheckOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(DataQualityRules rules, LoadDataQualityRules(o.rules));
  GOV_ASSIGN_OR_RETURN(std::optional<PrivateKey> key,
                       PrepareEvidence(o.evidence));
  GOV_ASSIGN_OR_RETURN(DataQualityResult result,
                       CheckDataQuality(rules, o.data));
  GOV_RETURN_IF_ERROR(RecordAndReport(
      o.evidence, ctx, "data-quality", ToJson(result), result.severity, key,
      [&](std::ostream& out) { Print(out, result); }));
  return result.passed ? Outcome::kYes : Outcome::kNo;
}

}  // namespace

void AddDataCommand(CLI::App& app, Context& ctx) {
  CLI::App* data = app.add_subcommand("data", "Data-quality gates on datasets");
  data->require_subcommand(1);
  auto options = std::make_shared<DataCheckOptions>();
  CLI::App* cmd =
      data->add_subcommand("check",
                           "Check a CSV file against data-quality "
                           "expectations. Exit 0 all met, 1 some failed, "
                           "2 error");
  cmd->add_option("--rules", options->rules,
                  "Rules file (YAML or JSON) with data_quality")
      ->required();
  cmd->add_option("--data", options->data, "CSV file with a header row")
      ->required();
  AddEvidenceOptions(cmd, &options->evidence);
  cmd->callback([options, &ctx] {
    ctx.Finish("data check", RunDataCheck(*options, ctx));
  });
}

}  // namespace governance::cli
