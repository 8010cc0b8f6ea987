// mgov approval list / show: where each approval stands, who signed it,
// what policy said, and whether each environment's gate would pass now.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/decision_stack.h"
#include "core/time.h"
#include "governance/audit.h"
#include "governance/authority.h"

namespace governance::cli {
namespace {

struct ApprovalOptions {
  std::string model, environment, state, expiring_within = "14d", id;
};

StatusOr<int64_t> ExpiringWindow(const ApprovalOptions& o) {
  auto window = ParseDurationSeconds(o.expiring_within);
  if (!window.ok()) return InvalidArgumentError("--expiring-within: " + window.status().message());
  return *window;
}

StatusOr<Outcome> RunList(const ApprovalOptions& o, Context& ctx) {
  ApprovalFilter filter;
  if (!o.model.empty()) filter.model_id = o.model;
  if (!o.environment.empty()) filter.environment = o.environment;
  if (!o.state.empty()) {
    GOV_ASSIGN_OR_RETURN(ApprovalState s, ParseApprovalState(o.state));
    filter.state = s;
  }
  GOV_ASSIGN_OR_RETURN(filter.expiring_within_seconds, ExpiringWindow(o));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(std::vector<ApprovalView> views,
                       ListApprovalViews(*store, planes, filter, NowUnder(planes.clock)));
  if (ctx.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const ApprovalView& v : views) list.push_back(ToJson(v));
    ctx.PrintJson({{"approvals", list}});
    return Outcome::kYes;
  }
  if (views.empty()) {
    *ctx.out << "no approvals match\n";
    return Outcome::kYes;
  }
  std::vector<std::vector<std::string>> rows = {
      {"APPROVAL", "MODEL", "VERSION", "ENVIRONMENTS", "STATE", "APPROVERS", "EXPIRES", "WHY"}};
  for (const ApprovalView& v : views) {
    std::string envs, need;
    for (const auto& e : v.approval.environments) envs += (envs.empty() ? "" : ",") + e;
    int required = 0;
    for (const auto& [env, n] : v.required_approvers) required = std::max(required, n);
    rows.push_back({v.approval.approval_id, v.approval.model_id, v.approval.model_version, envs,
                    std::string(ApprovalStateName(v.state)),
                    fmt::format("{}/{}", v.distinct_approvers, required),
                    v.approval.expires_at > 0 ? FormatRfc3339(v.approval.expires_at) : "-",
                    v.state_reason});
  }
  PrintTable(*ctx.out, rows);
  return Outcome::kYes;
}

StatusOr<Outcome> RunShow(const ApprovalOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(int64_t window, ExpiringWindow(o));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(ApprovalView v,
                       GetApprovalView(*store, planes, o.id, NowUnder(planes.clock), window));
  // Whether each environment's gate would pass now (nothing is recorded).
  ServingPlane serving(*store, planes);
  nlohmann::json gates = nlohmann::json::object();
  for (const std::string& env : v.approval.environments) {
    GateRequest req;
    req.approval_id = v.approval.approval_id;
    req.environment = env;
    req.artifact_digest = v.approval.artifact_digest;
    GOV_ASSIGN_OR_RETURN(PromotionResult r, serving.Assess(req));
    nlohmann::json failed = nlohmann::json::array();
    for (const GateCheck& g : r.gates) {
      if (!g.passed && !g.skipped) failed.push_back({{"gate", g.name}, {"reason", g.reason}});
    }
    gates[env] = {{"passes", r.promoted}, {"failed", failed}};
  }
  // The release record the approved training output signed.
  GOV_ASSIGN_OR_RETURN(TrainingOutput trained, ApprovedTrainingOutput(*store, v.approval));
  nlohmann::json j = ToJson(v);
  j["release_notes"] = trained.release_notes ? ToJson(*trained.release_notes) : nlohmann::json();
  j["gates"] = gates;
  if (ctx.global.json) {
    ctx.PrintJson(j);
    return Outcome::kYes;
  }
  const ModelApproval& a = v.approval;
  std::ostream& out = *ctx.out;
  out << fmt::format("approval {}\n", a.approval_id);
  out << fmt::format("  model        {} version {}\n", a.model_id, a.model_version);
  out << fmt::format("  artifact     {}\n", a.artifact_digest);
  out << fmt::format("  state        {}: {}\n", ApprovalStateName(v.state), v.state_reason);
  out << fmt::format("  valid        {} to {} (issued {})\n", FormatRfc3339(a.not_before),
                     FormatRfc3339(a.expires_at), FormatRfc3339(a.issued_at));
  out << fmt::format("  trainer      {} (training output {})\n", a.trainer,
                     a.training_output_digest);
  PrintDecisionStack(a.decision_stack, out);
  PrintReleaseNotes(trained.release_notes, out);
  out << "signers\n";
  for (const ApprovalSigner& s : v.signers) {
    out << fmt::format("  {:<16} key {}  {}\n", s.identity.empty() ? "(unknown)" : s.identity,
                       s.keyid.substr(0, 16), s.counts ? "counts" : "does not count: " + s.note);
  }
  out << "quorum\n";
  for (const auto& [env, n] : v.required_approvers) {
    out << fmt::format("  {:<16} {} of {} distinct approvers\n", env, v.distinct_approvers, n);
  }
  out << "policy\n";
  if (!a.policy.evaluated) {
    out << "  approved without a policy bundle\n";
  } else {
    out << fmt::format("  bundle       {}\n  input        {}\n", a.policy.bundle_digest,
                       a.policy.input_digest);
    for (const auto& w : a.policy.warnings) out << "  warning      " << w << "\n";
    for (const PolicyException& e : a.policy.exceptions) {
      out << fmt::format("  exception    {} approved by {} until {}: {}\n", e.rule, e.approver,
                         FormatRfc3339(e.expires_at), e.reason);
    }
  }
  out << "gate now\n";
  for (const auto& [env, g] : gates.items()) {
    std::string why;
    for (const auto& f : g["failed"]) {
      why += (why.empty() ? "" : "; ") + f["gate"].get<std::string>() + ": " +
             f["reason"].get<std::string>();
    }
    out << fmt::format("  {:<16} {}\n", env, g["passes"].get<bool>() ? "passes" : "FAILS: " + why);
  }
  return Outcome::kYes;
}

}  // namespace

void AddApprovalCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ApprovalOptions>();
  CLI::App* approval = app.add_subcommand(
      "approval", "List approvals and where each stands; show one with its signers, quorum, "
                  "policy record and whether each environment's gate passes now");
  approval->require_subcommand(1);

  CLI::App* list = approval->add_subcommand("list", "List approvals, oldest first");
  list->add_option("--model", o->model, "Only this model's approvals");
  list->add_option("--env", o->environment, "Only approvals for this environment");
  list->add_option("--state", o->state,
                   "Only approvals in this state: pending, active, expiring, expired, revoked, "
                   "superseded or invalid");
  list->add_option("--expiring-within", o->expiring_within,
                   "An active approval expiring within this long is 'expiring' (default 14d)");
  list->callback([o, &ctx] { ctx.Finish("approval list", RunList(*o, ctx)); });

  CLI::App* show = approval->add_subcommand("show", "Show one approval in full");
  show->add_option("ID", o->id, "Approval id (apv-...)")->required();
  show->add_option("--expiring-within", o->expiring_within,
                   "Call it 'expiring' when it expires within this long (default 14d)");
  show->callback([o, &ctx] { ctx.Finish("approval show", RunShow(*o, ctx)); });
}

}  // namespace governance::cli
