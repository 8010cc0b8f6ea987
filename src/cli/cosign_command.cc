// mgov cosign: add an approver's signature to an approval.
#include <fmt/format.h>

#include "cli/command.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct CosignOptions {
  std::string approval_id, key;
};

StatusOr<Outcome> RunCosign(const CosignOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GovernancePlane governance(*store, planes);
  GOV_ASSIGN_OR_RETURN(CosignOutcome c, governance.Cosign(o.approval_id, key));
  if (ctx.global.json) {
    ctx.PrintJson({{"approval_id", o.approval_id},
                   {"distinct_approvers", c.distinct_approvers},
                   {"required_approvers", c.required_approvers},
                   {"quorum_met", c.quorum_met},
                   {"ledger_sequence", c.ledger_sequence}});
  } else {
    *ctx.out << fmt::format("co-signed {}: {} of {} distinct approvers{}\n", o.approval_id,
                            c.distinct_approvers, c.required_approvers,
                            c.quorum_met ? " (quorum met)" : "");
  }
  return Outcome::kYes;
}

}  // namespace

void AddCosignCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CosignOptions>();
  CLI::App* sub = app.add_subcommand("cosign", "Add your approver signature to an approval");
  sub->add_option("APPROVAL_ID", o->approval_id, "Approval id")->required();
  sub->add_option("--key", o->key, "Approver private key (PEM)")->required();
  sub->callback([o, &ctx] { ctx.Finish("cosign", RunCosign(*o, ctx)); });
}

}  // namespace governance::cli
