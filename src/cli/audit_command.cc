// mgov audit MODEL --env E --at TIME: what was deployed there then, the
// approval and policy that let it there, what changed from the version
// before it, who approved and deployed it, and how it was monitored, each
// answer citing ledger entries with inclusion proofs.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/decision_stack.h"
#include "core/document.h"
#include "core/time.h"
#include "governance/audit.h"

namespace governance::cli {
namespace {

struct AuditOptions {
  std::string model, environment, at, checkpoint;
};

nlohmann::json EventJson(const HistoryEvent& e) {
  if (e.sequence == 0) return nullptr;
  return {{"sequence", e.sequence},  {"time", FormatRfc3339(e.timestamp)},
          {"type", e.type},          {"actor", e.actor},
          {"summary", e.summary},    {"details", e.details}};
}

nlohmann::json AuditJson(const DeploymentAudit& a) {
  nlohmann::json j = {{"model_id", a.model_id},
                      {"environment", a.environment},
                      {"at", FormatRfc3339(a.at)},
                      {"deployed", a.deployed}};
  nlohmann::json citations = nlohmann::json::array();
  for (const AuditCitation& c : a.citations) {
    citations.push_back({{"sequence", c.sequence},
                         {"type", c.type},
                         {"leaf_hash", c.leaf_hash},
                         {"audit_path", c.audit_path},
                         {"verified", c.verified},
                         {"note", c.note}});
  }
  j["proofs"] = {{"tree_size", a.tree_size}, {"root_hash", a.root_hash}, {"citations", citations}};
  if (!a.deployed) return j;
  const ModelApproval& ap = a.approval.approval;
  j["deployment"] = {{"model_version", a.model_version},
                     {"artifact_digest", a.artifact_digest},
                     {"approval_id", a.approval_id},
                     {"kind", a.deployment.type},
                     {"deployed_by", a.deployed_by},
                     {"deployed_at", FormatRfc3339(a.deployed_at)},
                     {"entry", a.deployment.sequence}};
  j["approval"] = {{"approval_id", ap.approval_id},
                   {"state_at", ApprovalStateName(a.approval.state)},
                   {"state_reason", a.approval.state_reason},
                   {"approvers", CountedApprovers(a.approval)},
                   {"issued_at", FormatRfc3339(ap.issued_at)},
                   {"expires_at", FormatRfc3339(ap.expires_at)}};
  j["policy"] = {{"evaluated", ap.policy.evaluated},
                 {"bundle_digest", ap.policy.bundle_digest},
                 {"data", a.policy_data},
                 {"input_digest", ap.policy.input_digest},
                 {"evaluation_report_digest", ap.decision_stack.evaluation_report_digest},
                 {"warnings", ap.policy.warnings},
                 {"exceptions", ToJson(ap.policy.exceptions)}};
  j["training"] = EventJson(a.training);
  j["decision_stack"] = ToJson(a.decision_stack);
  j["release_notes"] = a.release_notes ? ToJson(*a.release_notes) : nlohmann::json();
  nlohmann::json changes = nullptr;
  if (a.changes) {
    nlohmann::json list = nlohmann::json::array();
    for (const ReleaseChange& c : a.changes->changes) {
      list.push_back(
          {{"section", c.section}, {"path", c.path}, {"before", c.before}, {"after", c.after}});
    }
    changes = {{"previous_approval_id", a.changes->from.approval.approval_id},
               {"previous_version", a.changes->from.approval.model_version},
               {"changes", list}};
  }
  j["changes"] = changes;
  nlohmann::json monitoring = nlohmann::json::array();
  for (const HistoryEvent& e : a.monitoring) monitoring.push_back(EventJson(e));
  j["monitoring"] = monitoring;
  return j;
}

void PrintAudit(const DeploymentAudit& a, const nlohmann::json& j, std::ostream& out) {
  out << fmt::format("{} in {} at {}\n", a.model_id, a.environment, FormatRfc3339(a.at));
  if (!a.deployed) {
    out << "nothing of this model was deployed there then\n";
    return;
  }
  const ModelApproval& ap = a.approval.approval;
  out << fmt::format("deployed      version {}, artifact {}\n", a.model_version, a.artifact_digest);
  out << fmt::format("              {} by {} at {} (entry {})\n", a.deployment.type, a.deployed_by,
                     FormatRfc3339(a.deployed_at), a.deployment.sequence);
  out << fmt::format("approval      {} ({} then: {})\n", ap.approval_id,
                     ApprovalStateName(a.approval.state), a.approval.state_reason);
  std::string approvers;
  for (const auto& id : j["approval"]["approvers"]) {
    approvers += (approvers.empty() ? "" : ", ") + id.get<std::string>();
  }
  out << fmt::format("approved by   {}\n", approvers);
  if (ap.policy.evaluated) {
    out << fmt::format("policy        bundle {}, input {}\n", ap.policy.bundle_digest,
                       ap.policy.input_digest);
    if (!a.policy_data.is_null()) out << "thresholds    " << a.policy_data.dump() << "\n";
    for (const auto& w : ap.policy.warnings) out << "warning       " << w << "\n";
    for (const PolicyException& e : ap.policy.exceptions) {
      out << fmt::format("exception     {} by {} until {}: {}\n", e.rule, e.approver,
                         FormatRfc3339(e.expires_at), e.reason);
    }
  } else {
    out << "policy        approved without a policy bundle\n";
  }
  PrintDecisionStack(a.decision_stack, out);
  PrintReleaseNotes(a.release_notes, out);
  if (a.changes) {
    out << fmt::format("changed from  version {} ({})\n", a.changes->from.approval.model_version,
                       a.changes->from.approval.approval_id);
    for (const ReleaseChange& c : a.changes->changes) {
      out << fmt::format("              {}{}: {} -> {}\n", c.section, c.path,
                         c.before.is_null() ? "-" : c.before.dump(),
                         c.after.is_null() ? "-" : c.after.dump());
    }
  } else {
    out << "changed from  (first deployment there)\n";
  }
  if (a.monitoring.empty()) out << "monitoring    no checks after launch\n";
  for (const HistoryEvent& e : a.monitoring) {
    out << fmt::format("monitoring    {} entry {}: {}\n", FormatRfc3339(e.timestamp), e.sequence,
                       e.summary);
  }
  int verified = 0;
  for (const AuditCitation& c : a.citations) verified += c.verified ? 1 : 0;
  out << fmt::format("proofs        {} of {} cited entries included in the tree of {} (root {})\n",
                     verified, a.citations.size(), a.tree_size, a.root_hash);
  for (const AuditCitation& c : a.citations) {
    if (!c.verified) out << fmt::format("              entry {}: {}\n", c.sequence, c.note);
  }
}

StatusOr<Outcome> RunAudit(const AuditOptions& o, Context& ctx) {
  auto at = ParseRfc3339(o.at);
  if (!at.ok()) return InvalidArgumentError("--at: " + at.status().message());
  GOV_ASSIGN_OR_RETURN(std::optional<LedgerCheckpoint> checkpoint, LoadCheckpoint(o.checkpoint));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(DeploymentAudit audit,
                       AuditDeployment(*store, planes, o.model, o.environment, *at, checkpoint));
  nlohmann::json j = AuditJson(audit);
  if (ctx.global.json) {
    ctx.PrintJson(j);
  } else {
    PrintAudit(audit, j, *ctx.out);
  }
  // A cited entry that the checkpoint does not include is not proven.
  for (const AuditCitation& c : audit.citations) {
    if (!c.verified) return Outcome::kNo;
  }
  return Outcome::kYes;
}

}  // namespace

void AddAuditCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* sub = app.add_subcommand(
      "audit", "What was deployed in an environment at an instant: version and artifact, the "
               "approval and policy (with its thresholds), what changed from the version "
               "before, who approved and deployed it, how it was monitored, each answer citing "
               "ledger entries with inclusion proofs (exit 1 when a proof does not verify)");
  sub->add_option("MODEL", o->model, "Model id")->required();
  sub->add_option("--env", o->environment, "Environment")->required();
  sub->add_option("--at", o->at, "The instant, RFC 3339")->required();
  sub->add_option("--checkpoint", o->checkpoint,
                  "A checkpoint saved earlier (mgov ledger checkpoint): the proofs verify "
                  "against its root");
  sub->callback([o, &ctx] { ctx.Finish("audit", RunAudit(*o, ctx)); });
}

}  // namespace governance::cli
