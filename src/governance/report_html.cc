// The compliance report as one self-contained HTML page (compliance_report.h).
// Inline CSS and SVG only; every text that came from the store goes through
// Text() or Attr(), both EscapeMarkup.
#include <map>

#include <fmt/format.h>

#include "core/markup.h"
#include "core/time.h"
#include "governance/compliance_report.h"
#include "governance/report_chart.h"

namespace governance {
namespace {

constexpr char kStyle[] = R"css(
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 13px;
       color: #1d2330; margin: 24px 32px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; border-bottom: 2px solid #2c4a7a; padding-bottom: 3px; margin-top: 28px; }
h3 { font-size: 14px; margin: 18px 0 6px; color: #2c4a7a; }
p.meta { color: #555; margin: 2px 0; }
table { border-collapse: collapse; margin: 6px 0 10px; width: 100%; }
th, td { border: 1px solid #c9ced8; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eef1f6; font-weight: 600; }
td.mono, span.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 11px;
                     word-break: break-all; }
tr.non-compliant td { background: #fdecec; }
tr.expired td { color: #8a1c1c; text-decoration: line-through; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px;
         background: #e3e7ee; }
.badge.ok, .badge.active { background: #d6f0dc; color: #17692f; }
.badge.bad, .badge.revoked, .badge.expired, .badge.invalid { background: #f8d5d5;
                                                              color: #8a1c1c; }
.badge.expiring, .badge.pending, .badge.superseded { background: #fbeccb; color: #7a5100; }
ul.reasons { margin: 0; padding-left: 16px; }
p.empty { color: #777; font-style: italic; }
dl.json { margin: 0; display: grid; grid-template-columns: max-content auto; gap: 1px 10px; }
dl.json dt { font-weight: 600; }
dl.json dd { margin: 0; word-break: break-word; }
svg.drift-chart { max-width: 100%; height: auto; border: 1px solid #c9ced8; background: #fbfcfe; }
svg .axis { stroke: #5b6577; stroke-width: 1; }
svg .threshold { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .threshold-label { fill: #c62828; font-size: 11px; text-anchor: end; }
svg .drift-line { fill: none; stroke: #2c4a7a; stroke-width: 2; }
svg circle.drift-point { fill: #2c4a7a; stroke: #fff; stroke-width: 1.5; }
svg circle.drift-point.drifted { fill: #c62828; }
svg .tick { fill: #5b6577; font-size: 10px; text-anchor: end; }
svg .tick.end { text-anchor: end; }
section.model { margin-top: 36px; }
@media print {
  body { margin: 0; font-size: 11px; }
  section.model { break-before: page; page-break-before: always; }
  tr, svg { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
)css";

std::string Text(std::string_view s) { return EscapeMarkup(s); }
std::string Attr(std::string_view s) { return EscapeMarkup(s); }
std::string Time(int64_t t) { return Text(FormatRfc3339(t)); }

std::string Badge(std::string_view text, std::string_view kind) {
  return fmt::format("<span class=\"badge {}\">{}</span>", Attr(kind), Text(text));
}

// Any JSON value: objects as definition lists, arrays as lists, scalars as
// escaped text, so that fields a training output gains later show up.
std::string RenderJsonValue(const nlohmann::json& j) {
  if (j.is_string()) return Text(j.get<std::string>());
  if (j.is_null()) return "<span class=\"empty\">(none)</span>";
  if (j.is_object()) {
    if (j.empty()) return "<span class=\"empty\">(none)</span>";
    std::string out = "<dl class=\"json\">";
    for (const auto& [key, value] : j.items()) {
      out += "<dt>" + Text(key) + "</dt><dd>" + RenderJsonValue(value) + "</dd>";
    }
    return out + "</dl>";
  }
  if (j.is_array()) {
    if (j.empty()) return "<span class=\"empty\">(none)</span>";
    std::string out = "<ul>";
    for (const auto& item : j) out += "<li>" + RenderJsonValue(item) + "</li>";
    return out + "</ul>";
  }
  return Text(j.dump());
}

std::string Row(std::initializer_list<std::string> cells, std::string_view attrs = "") {
  std::string out = attrs.empty() ? "<tr>" : fmt::format("<tr {}>", attrs);
  for (const std::string& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>\n";
}

std::string Head(std::initializer_list<const char*> cells) {
  std::string out = "<tr>";
  for (const char* c : cells) out += std::string("<th>") + c + "</th>";
  return out + "</tr>\n";
}

std::string Mono(std::string_view s) { return "<span class=\"mono\">" + Text(s) + "</span>"; }

std::string ReasonList(const std::vector<std::string>& reasons) {
  std::string out = "<ul class=\"reasons\">";
  for (const std::string& r : reasons) out += "<li>" + Text(r) + "</li>";
  return out + "</ul>";
}

std::string RenderFleet(const ComplianceReport& r) {
  std::string out = "<section id=\"fleet\"><h2>Fleet overview</h2>\n";
  if (r.fleet.empty()) return out + "<p class=\"empty\">Nothing is deployed.</p></section>\n";
  out += "<table class=\"fleet\">\n" +
         Head({"Environment", "Model", "Version", "Approval", "Approval state", "Deployed",
               "Compliant", "Why not"});
  for (const FleetEntry& f : r.fleet) {
    const Deployment& d = f.deployment;
    const std::string state(ApprovalStateName(f.approval_state));
    out += Row({Text(d.environment), Text(d.model_id), Text(d.model_version), Mono(d.approval_id),
                Badge(state, state),
                Time(d.deployed_at) + " by " + Text(d.deployed_by) +
                    (d.kind == "rollback" ? " (rollback)" : ""),
                f.compliant ? "yes" : "NO", f.compliant ? "" : ReasonList(f.reasons)},
               fmt::format("class=\"{}\" data-model=\"{}\" data-environment=\"{}\" "
                           "data-compliant=\"{}\"",
                           f.compliant ? "compliant" : "non-compliant", Attr(d.model_id),
                           Attr(d.environment), f.compliant ? "true" : "false"));
  }
  return out + "</table></section>\n";
}

std::string RenderExpiring(const ComplianceReport& r) {
  std::string out = fmt::format(
      "<section id=\"expiring\"><h2>Approvals expiring within {} days</h2>\n",
      r.expiring_within_seconds / 86400);
  if (r.expiring.empty()) return out + "<p class=\"empty\">None.</p></section>\n";
  out += "<table class=\"expiring\">\n" +
         Head({"Approval", "Model", "Version", "Environments", "Expires", "State"});
  for (const ApprovalView& v : r.expiring) {
    const ModelApproval& a = v.approval;
    std::string envs;
    for (const std::string& e : a.environments) envs += (envs.empty() ? "" : ", ") + Text(e);
    out += Row({Mono(a.approval_id), Text(a.model_id), Text(a.model_version), envs,
                Time(a.expires_at), Text(v.state_reason)},
               "data-approval=\"" + Attr(a.approval_id) + "\"");
  }
  return out + "</table></section>\n";
}

std::string RenderExceptions(const ComplianceReport& r) {
  std::string out = "<section id=\"exceptions\"><h2>Open policy exceptions</h2>\n";
  if (r.exceptions.empty()) return out + "<p class=\"empty\">None.</p></section>\n";
  out += "<table class=\"exceptions\">\n" +
         Head({"Model", "Approval", "Rule", "Reason", "Approver", "Expires"});
  for (const OpenException& x : r.exceptions) {
    out += Row({Text(x.model_id), Mono(x.approval_id), Text(x.exception.rule),
                Text(x.exception.reason), Text(x.exception.approver),
                Time(x.exception.expires_at) + (x.expired ? " " + Badge("expired", "expired") : "")},
               x.expired ? "class=\"expired\" data-expired=\"true\"" : "data-expired=\"false\"");
  }
  return out + "</table></section>\n";
}

std::string RenderLedger(const ComplianceReport& r) {
  const IntegrityReport& a = r.ledger.audit;
  std::string out = "<section id=\"ledger\"><h2>Ledger integrity</h2>\n<table class=\"ledger\">\n";
  out += Row({"<b>Verification</b>", a.ok() ? Badge("verified", "ok") : Badge("FAILED", "bad")},
             fmt::format("data-ok=\"{}\"", a.ok() ? "true" : "false"));
  out += Row({"<b>Entries</b>", fmt::format("{}", a.ledger.entries)},
             fmt::format("data-entries=\"{}\"", a.ledger.entries));
  out += Row({"<b>Merkle root</b>", Mono(a.ledger.root_hash)});
  out += Row({"<b>Rows checked</b>", fmt::format("{}", a.rows_checked)});
  if (!a.ledger.ok) {
    out += Row({"<b>First bad entry</b>",
                fmt::format("{}: ", a.ledger.first_bad_sequence) + Text(a.ledger.reason)});
  }
  if (!a.trust_problem.empty()) out += Row({"<b>Governance state</b>", Text(a.trust_problem)});
  if (!a.snapshot_problem.empty()) out += Row({"<b>Snapshot</b>", Text(a.snapshot_problem)});
  if (a.snapshot_stale) out += Row({"<b>Snapshot</b>", "older than the freshness window"});
  for (const IntegrityProblem& p : a.problems) {
    out += Row({"<b>Table " + Text(p.table) + "</b>", Text(p.what)});
  }
  if (r.ledger.checkpoint) {
    out += Row({"<b>Checkpoint</b>",
                fmt::format("{} entries, root ", r.ledger.checkpoint->size) +
                    Mono(r.ledger.checkpoint->root_hash)});
  } else {
    out += Row({"<b>Checkpoint</b>", "none given (mgov report --checkpoint FILE)"});
  }
  if (r.ledger.last_seen) {
    out += Row({"<b>Last seen by this host</b>",
                fmt::format("{} entries, ", r.ledger.last_seen->size) +
                    Time(r.ledger.last_seen->seen_at)});
  }
  return out + "</table></section>\n";
}

std::string RenderApproval(const ApprovalView& v) {
  const ModelApproval& a = v.approval;
  const std::string state(ApprovalStateName(v.state));
  std::string envs;
  for (const std::string& e : a.environments) envs += (envs.empty() ? "" : ", ") + Text(e);
  std::string out = "<table class=\"approval\" data-approval=\"" + Attr(a.approval_id) + "\">\n";
  out += Row({"<b>Approval</b>", Mono(a.approval_id)});
  out += Row({"<b>State</b>", Badge(state, state) + " " + Text(v.state_reason)});
  out += Row({"<b>Environments</b>", envs});
  out += Row({"<b>Valid</b>", Time(a.not_before) + " to " + Time(a.expires_at)});
  std::string signers;
  for (const ApprovalSigner& s : v.signers) {
    signers += "<li class=\"signer\">" + Text(s.identity.empty() ? "(unknown key)" : s.identity) +
               " " + Mono(s.keyid.substr(0, 16)) +
               (s.counts ? " " + Badge("counts", "ok")
                         : " " + Badge("does not count", "bad") + " " + Text(s.note)) +
               "</li>";
  }
  std::string quorum;
  for (const auto& [env, n] : v.required_approvers) {
    quorum += (quorum.empty() ? "" : "; ") + Text(env) + fmt::format(": {} of {}", v.distinct_approvers, n);
  }
  out += Row({"<b>Signers</b>", "<ul class=\"reasons\">" + signers + "</ul>" + quorum});
  const PolicyRecord& p = a.policy;
  std::string policy = p.evaluated ? "bundle " + Mono(p.bundle_digest) + "<br>input " +
                                         Mono(p.input_digest)
                                   : std::string("approved without a policy bundle");
  if (!p.warnings.empty()) policy += "<br>warnings:" + ReasonList(p.warnings);
  for (const PolicyException& e : p.exceptions) {
    policy += "<br>exception " + Text(e.rule) + ": " + Text(e.reason) + " (approver " +
              Text(e.approver) + ", expires " + Time(e.expires_at) + ")";
  }
  out += Row({"<b>Policy decision</b>", policy});
  if (v.revocation) {
    out += Row({"<b>Revoked</b>", Time(v.revocation->revoked_at) + " by " +
                                      Text(v.revocation->revoked_by) + ": " +
                                      Text(v.revocation->reason)});
  }
  return out + "</table>\n";
}

std::string RenderEvents(const std::vector<HistoryEvent>& events, const char* css_class,
                         const char* empty) {
  if (events.empty()) return fmt::format("<p class=\"empty\">{}</p>\n", empty);
  std::string out = fmt::format("<table class=\"{}\">\n", css_class) +
                    Head({"Entry", "Time", "Event", "Environment", "Actor", "What"});
  for (const HistoryEvent& e : events) {
    out += Row({fmt::format("{}", e.sequence), Time(e.timestamp), Text(e.type),
                Text(e.environment), Text(e.actor), Text(e.summary)},
               "data-type=\"" + Attr(e.type) + "\" data-environment=\"" + Attr(e.environment) +
                   "\"");
  }
  return out + "</table>\n";
}

// The deployment timeline, one table per environment.
std::string RenderTimeline(const ModelReport& m) {
  std::map<std::string, std::vector<HistoryEvent>> by_env;
  for (const HistoryEvent& e : m.deployments) by_env[e.environment].push_back(e);
  if (by_env.empty()) return "<p class=\"empty\">Never deployed.</p>\n";
  std::string out;
  for (const auto& [env, events] : by_env) {
    out += "<h4>" + Text(env.empty() ? "(no environment)" : env) + "</h4>\n" +
           RenderEvents(events, "timeline", "");
  }
  return out;
}

std::string RenderFairness(const std::vector<FairnessPoint>& points) {
  if (points.empty()) return "<p class=\"empty\">No fairness checks recorded.</p>\n";
  std::string out = "<table class=\"fairness\">\n" +
                    Head({"Entry", "Time", "Fair", "Severity", "Metrics"});
  for (const FairnessPoint& p : points) {
    out += Row({fmt::format("{}", p.sequence), Time(p.timestamp),
                p.fair ? Badge("fair", "ok") : Badge("unfair", "bad"),
                fmt::format("{:.3f}", p.severity), RenderJsonValue(p.metrics)});
  }
  return out + "</table>\n";
}

// The release record of one approved training output, from its JSON
// (ToJson(TrainingOutput)): what was released, by whom, its metrics, its
// release notes, its manifest and its decision stack (named components
// included), each rendered as the JSON it is.
std::string RenderReleaseRecord(const nlohmann::json& training_output) {
  const nlohmann::json& t = training_output;
  auto field = [&](const char* key) {
    auto it = t.find(key);
    return it == t.end() ? std::string() : RenderJsonValue(*it);
  };
  std::string out = "<table class=\"release\">\n";
  if (auto m = t.find("model"); m != t.end() && m->is_object()) {
    out += Row({"<b>Model</b>",
                Text(m->value("id", "")) + " version " + Text(m->value("version", ""))});
  }
  if (auto a = t.find("artifact"); a != t.end() && a->is_object()) {
    out += Row({"<b>Artifact</b>", Mono(a->value("digest", ""))});
  }
  out += Row({"<b>Trainer</b>", field("trainer")});
  out += Row({"<b>Trained</b>", field("created_at")});
  out += Row({"<b>Correlation id</b>", field("correlation_id")});
  out += Row({"<b>Release notes</b>", t.contains("release_notes")
                                         ? field("release_notes")
                                         : "<span class=\"empty\">none recorded</span>"});
  out += Row({"<b>Metrics</b>", field("metrics")});
  out += Row({"<b>Decision stack</b>", field("decision_stack")});
  out += Row({"<b>Manifest</b>", field("manifest")});
  return out + "</table>\n";
}

std::string RenderModel(const ModelReport& m, size_t index) {
  std::string out = fmt::format("<section class=\"model\" id=\"model-{}\" data-model=\"{}\">\n",
                                index, Attr(m.model_id));
  out += "<h2>Model " + Text(m.model_id) + "</h2>\n";
  out += "<h3>Releases, approvals and policy decisions</h3>\n";
  if (m.releases.empty()) out += "<p class=\"empty\">No approval issued.</p>\n";
  for (const ReleaseRecord& rel : m.releases) {
    out += "<div class=\"release-record\">\n";
    out += rel.training_output.is_null()
               ? "<p class=\"empty\">Release record unavailable: " +
                     Text(rel.training_output_problem) + "</p>\n"
               : RenderReleaseRecord(rel.training_output);
    out += RenderApproval(rel.approval) + "</div>\n";
  }
  out += "<h3>Deployment timeline</h3>\n" + RenderTimeline(m);
  out += "<h3>Drift</h3>\n" +
         DriftChartSvg(m.drift, m.drift_threshold, "drift scores of model " + m.model_id);
  out += "<h3>Fairness</h3>\n" + RenderFairness(m.fairness);
  out += "<h3>Revocations</h3>\n" + RenderEvents(m.revocations, "revocations", "None.");
  std::vector<HistoryEvent> rollbacks;
  for (const HistoryEvent& e : m.deployments) {
    if (e.type.starts_with("rollback.")) rollbacks.push_back(e);
  }
  out += "<h3>Rollbacks</h3>\n" + RenderEvents(rollbacks, "rollbacks", "None.");
  return out + "</section>\n";
}

}  // namespace

std::string ToHtml(const ComplianceReport& r) {
  int compliant = 0;
  for (const FleetEntry& f : r.fleet) compliant += f.compliant ? 1 : 0;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>mgov compliance report</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n<header>\n<h1>Compliance report</h1>\n";
  out += "<p class=\"meta\">Generated " + Time(r.generated_at) + " from store " +
         Mono(r.store_url) + "</p>\n";
  if (!r.model_filter.empty()) out += "<p class=\"meta\">Model " + Text(r.model_filter) + "</p>\n";
  if (r.since > 0) out += "<p class=\"meta\">History since " + Time(r.since) + "</p>\n";
  out += fmt::format(
      "<p class=\"meta summary\">{} models, {} deployments: {} compliant, {} not; {} approvals "
      "expiring; {} open exceptions; ledger {}</p>\n</header>\n",
      r.models.size(), r.fleet.size(), compliant, r.fleet.size() - compliant, r.expiring.size(),
      r.exceptions.size(), r.ledger.audit.ok() ? "verified" : "FAILED");
  out += RenderFleet(r) + RenderExpiring(r) + RenderExceptions(r) + RenderLedger(r);
  for (size_t i = 0; i < r.models.size(); ++i) out += RenderModel(r.models[i], i + 1);
  return out + "</body>\n</html>\n";
}

}  // namespace governance
