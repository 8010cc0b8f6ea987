// mgov revoke: revoke one approval or every approval of a model.
#include "cli/command.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct RevokeOptions {
  std::string approval_id, model, reason, key;
};

StatusOr<Outcome> RunRevoke(const RevokeOptions& o, Context& ctx) {
  if (o.approval_id.empty() == o.model.empty()) {
    return InvalidArgumentError("give exactly one of --approval ID or --model ID");
  }
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GovernancePlane governance(*store, planes);
  const bool model = !o.model.empty();
  GOV_ASSIGN_OR_RETURN(int64_t seq, model ? governance.RevokeModel(o.model, o.reason, key)
                                          : governance.RevokeApproval(o.approval_id, o.reason, key));
  const std::string target = model ? "model " + o.model : "approval " + o.approval_id;
  if (ctx.global.json) {
    ctx.PrintJson({{"revoked", model ? o.model : o.approval_id},
                   {"kind", model ? "model" : "approval"},
                   {"reason", o.reason},
                   {"ledger_sequence", seq}});
  } else {
    *ctx.out << "revoked " << target << ": " << o.reason << " (ledger entry " << seq << ")\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddRevokeCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RevokeOptions>();
  CLI::App* sub = app.add_subcommand("revoke", "Revoke an approval, or every approval of a model");
  sub->add_option("--approval", o->approval_id, "Approval id");
  sub->add_option("--model", o->model, "Model id (revokes all its approvals)");
  sub->add_option("--reason", o->reason, "Why")->required();
  sub->add_option("--key", o->key, "Approver or deployer private key (PEM)")->required();
  sub->callback([o, &ctx] { ctx.Finish("revoke", RunRevoke(*o, ctx)); });
}

}  // namespace governance::cli
