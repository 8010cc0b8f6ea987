// mgov verify: run the serving gate without deploying.
#include "cli/command.h"
#include "core/file.h"
#include "governance/authority.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct VerifyOptions {
  std::string approval_id, environment, scope, artifact, envelope;
};

StatusOr<Outcome> RunVerify(const VerifyOptions& o, Context& ctx) {
  GateRequest req;
  req.approval_id = o.approval_id;
  req.environment = o.environment;
  req.scope = o.scope;
  if (!o.artifact.empty()) req.artifact_path = o.artifact;
  if (!o.envelope.empty()) {
    GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(o.envelope));
    GOV_ASSIGN_OR_RETURN(req.envelope, ParseEnvelope(text, o.envelope));
  }
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  ServingPlane serving(*store);
  GOV_ASSIGN_OR_RETURN(PromotionResult r, serving.Verify(req, LocalActor()));
  return PrintPromotion(ctx, "verify", r);
}

}  // namespace

void AddVerifyCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Run every serving gate for an approval and print each with its reason");
  sub->add_option("APPROVAL_ID", o->approval_id, "Approval id")->required();
  sub->add_option("--env", o->environment, "Target environment")->required();
  sub->add_option("--scope", o->scope, "Target scope");
  sub->add_option("--artifact", o->artifact, "Model file or directory to hash against the approval");
  sub->add_option("--envelope", o->envelope,
                  "Verify this DSSE envelope file (e.g. from mgov export) instead of the stored one");
  sub->callback([o, &ctx] { ctx.Finish("verify", RunVerify(*o, ctx)); });
}

}  // namespace governance::cli
