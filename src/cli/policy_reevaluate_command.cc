// mgov policy reevaluate: judge every deployed model again by the current policy.
#include <fmt/format.h>

#include "cli/command.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct ReevaluateOptions {
  bool revoke = false;
  std::string key;
};

StatusOr<Outcome> RunReevaluate(const ReevaluateOptions& o, Context& ctx) {
  if (o.revoke && o.key.empty()) return InvalidArgumentError("--revoke needs --key");
  std::optional<PrivateKey> key;
  if (!o.key.empty()) {
    GOV_ASSIGN_OR_RETURN(key, LoadSigningKey(o.key));
  }
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GovernancePlane governance(*store, planes);
  GOV_ASSIGN_OR_RETURN(auto results, governance.ReevaluateDeployed(o.revoke ? &*key : nullptr));
  bool all_ok = true;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : results) {
    all_ok = all_ok && r.compliant;
    arr.push_back({{"model_id", r.deployment.model_id},
                   {"model_version", r.deployment.model_version},
                   {"environment", r.deployment.environment},
                   {"approval_id", r.deployment.approval_id},
                   {"policy_bundle", r.bundle_digest},
                   {"compliant", r.compliant},
                   {"denials", r.denials},
                   {"revoked", r.revoked}});
  }
  if (ctx.global.json) {
    ctx.PrintJson({{"deployments", arr}});
  } else {
    *ctx.out << fmt::format("re-evaluated {} deployment(s) against the bundles their "
                            "environments require\n", results.size());
    for (const auto& r : results) {
      *ctx.out << fmt::format("  {:<12} {:<16} {:<8} {:<20} {}{}\n", r.deployment.environment,
                              r.deployment.model_id, r.deployment.model_version,
                              r.bundle_digest.empty() ? "no policy required"
                                                      : r.bundle_digest.substr(0, 19) + "…",
                              r.compliant ? "complies" : "NO LONGER COMPLIES",
                              r.revoked ? " (approval revoked)" : "");
      for (const auto& d : r.denials) *ctx.out << "      - " << d << "\n";
    }
  }
  return all_ok ? Outcome::kYes : Outcome::kNo;
}

}  // namespace

void AddPolicyReevaluateCommand(CLI::App& policy, Context& ctx) {
  auto o = std::make_shared<ReevaluateOptions>();
  CLI::App* sub = policy.add_subcommand(
      "reevaluate",
      "Re-evaluate every deployed model against the policy (exit 1 when one no longer complies)");
  sub->add_flag("--revoke", o->revoke, "Revoke the approvals of models that no longer comply");
  sub->add_option("--key", o->key, "Approver or deployer key that signs the revocations");
  sub->callback([o, &ctx] { ctx.Finish("policy reevaluate", RunReevaluate(*o, ctx)); });
}

}  // namespace governance::cli
