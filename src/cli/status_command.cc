// mgov status: what is deployed where, and whether it would still pass.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/time.h"
#include "governance/coordinator.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

StatusOr<Outcome> RunStatus(Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  nlohmann::json deployments = nlohmann::json::array();
  int64_t approvals = 0, keys = 0, ledger = 0, revocations = 0;
  bool all_ok = true;
  GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(*store, planes));
  keys = static_cast<int64_t>(state.keys.size());
  revocations = static_cast<int64_t>(state.revocations.size());
  std::vector<Deployment> current;
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(current, txn.CurrentDeployments());
    GOV_ASSIGN_OR_RETURN(auto all, txn.ListApprovals());
    approvals = static_cast<int64_t>(all.size());
    GOV_ASSIGN_OR_RETURN(ledger, txn.LedgerSize());
    return Status();
  }));
  ServingPlane serving(*store, planes);
  for (const auto& d : current) {
    GateRequest req;
    req.approval_id = d.approval_id;
    req.environment = d.environment;
    req.artifact_digest = d.artifact_digest;
    GOV_ASSIGN_OR_RETURN(PromotionResult r, serving.Assess(req));
    const GateCheck* bad = r.FirstFailure();
    all_ok = all_ok && bad == nullptr;
    deployments.push_back({{"model_id", d.model_id},
                           {"model_version", d.model_version},
                           {"environment", d.environment},
                           {"approval_id", d.approval_id},
                           {"deployed_at", FormatRfc3339(d.deployed_at)},
                           {"deployed_by", d.deployed_by},
                           {"compliant", bad == nullptr},
                           {"problem", bad ? bad->name + ": " + bad->reason : ""}});
  }
  if (ctx.global.json) {
    ctx.PrintJson({{"store", store->url()},
                   {"keys", keys},
                   {"approvals", approvals},
                   {"revocations", revocations},
                   {"ledger_entries", ledger},
                   {"deployments", deployments}});
  } else {
    *ctx.out << fmt::format("store {}: {} keys, {} approvals, {} revocations, {} ledger entries\n",
                            store->url(), keys, approvals, revocations, ledger);
    if (deployments.empty()) *ctx.out << "nothing deployed\n";
    for (const auto& d : deployments) {
      *ctx.out << fmt::format("  {:<12} {:<16} {:<8} {:<28} {}\n",
                              d["environment"].get<std::string>(), d["model_id"].get<std::string>(),
                              d["model_version"].get<std::string>(),
                              d["approval_id"].get<std::string>(),
                              d["compliant"].get<bool>() ? "ok" : "NOT COMPLIANT: " +
                                                                      d["problem"].get<std::string>());
    }
  }
  return all_ok ? Outcome::kYes : Outcome::kNo;
}

}  // namespace

void AddStatusCommand(CLI::App& app, Context& ctx) {
  CLI::App* sub = app.add_subcommand(
      "status", "Show what is deployed where and whether each still passes the gate "
                "(exit 1 when one does not)");
  sub->callback([&ctx] { ctx.Finish("status", RunStatus(ctx)); });
}

}  // namespace governance::cli
