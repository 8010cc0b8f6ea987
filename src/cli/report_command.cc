// mgov report: the compliance report, as one self-contained HTML file or as
// JSON on stdout. Reads only; exit 0 written, 2 bad input or unreadable store.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/time_option.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/compliance_report.h"

namespace governance::cli {
namespace {

struct ReportOptions {
  std::string html;    // --html FILE
  std::string model;
  std::string since;
  std::string format = "html";
  std::string expiring_within = "14d";
  std::string checkpoint;
};

StatusOr<ComplianceReportOptions> ParseReportOptions(const ReportOptions& o, bool json) {
  if (o.format != "html" && o.format != "json") {
    return InvalidArgumentError("--format: expected html or json, got \"" + o.format + "\"");
  }
  if (!json && o.html.empty()) {
    return InvalidArgumentError("--html FILE is required (or --format json for stdout)");
  }
  ComplianceReportOptions r;
  r.model_id = o.model;
  GOV_ASSIGN_OR_RETURN(r.since, ParseTimeOption("--since", o.since));
  auto window = ParseDurationSeconds(o.expiring_within);
  if (!window.ok()) return InvalidArgumentError("--expiring-within: " + window.status().message());
  r.expiring_within_seconds = *window;
  GOV_ASSIGN_OR_RETURN(r.checkpoint, LoadCheckpoint(o.checkpoint));
  return r;
}

StatusOr<Outcome> RunReport(const ReportOptions& o, Context& ctx) {
  const bool json = ctx.global.json || o.format == "json";
  GOV_ASSIGN_OR_RETURN(ComplianceReportOptions options, ParseReportOptions(o, json));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(ComplianceReport report,
                       BuildComplianceReport(*store, planes, options, NowSeconds()));
  if (!o.html.empty()) {
    // An unwritable file is the user's input at fault, whatever errno said.
    Status written = WriteFileAtomic(o.html, ToHtml(report));
    if (!written.ok()) return InvalidArgumentError("--html: " + written.message());
  }
  if (json) {
    ctx.PrintJson(ToJson(report));
    return Outcome::kYes;
  }
  int not_compliant = 0;
  for (const FleetEntry& f : report.fleet) not_compliant += f.compliant ? 0 : 1;
  *ctx.out << fmt::format("wrote {}: {} models, {} deployments ({} not compliant), {} expiring "
                          "approvals, {} open exceptions, ledger {}\n",
                          o.html, report.models.size(), report.fleet.size(), not_compliant,
                          report.expiring.size(), report.exceptions.size(),
                          report.ledger.audit.ok() ? "verified" : "FAILED");
  return Outcome::kYes;
}

}  // namespace

void AddReportCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "The compliance report: what is deployed where and whether it complies, then per model "
      "its releases, approvals and signers, policy decisions, deployments, drift and fairness "
      "history, revocations and rollbacks; expiring approvals, open exceptions and ledger "
      "integrity. One self-contained HTML file (inline CSS and SVG, prints a page per model), "
      "or JSON on stdout. Reads only; records nothing");
  sub->add_option("--html", o->html, "Write the HTML report to this file");
  sub->add_option("--model", o->model, "Only this model (an unknown one is an error)");
  sub->add_option("--since", o->since,
                  "History (timelines, drift, fairness, revocations) from this RFC 3339 time");
  sub->add_option("--format", o->format,
                  "html (default: --html FILE) or json (stdout; --html FILE is still written "
                  "when given); the global --json is --format json");
  sub->add_option("--expiring-within", o->expiring_within,
                  "Window for expiring approvals, e.g. 14d (default), 36h");
  sub->add_option("--checkpoint", o->checkpoint,
                  "A checkpoint saved earlier (mgov ledger checkpoint): the ledger must extend it");
  sub->callback([o, &ctx] { ctx.Finish("report", RunReport(*o, ctx)); });
}

}  // namespace governance::cli
