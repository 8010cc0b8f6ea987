// mgov deploy: the serving gate, then record the deployment.
#include "cli/command.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct DeployOptions {
  std::string approval_id, environment, scope, artifact, key;
};

StatusOr<Outcome> RunDeploy(const DeployOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  ServingPlane serving(*store, planes);
  GateRequest req;
  req.approval_id = o.approval_id;
  req.environment = o.environment;
  req.scope = o.scope;
  req.artifact_path = o.artifact;
  GOV_ASSIGN_OR_RETURN(PromotionResult r, serving.Deploy(req, key));
  return PrintPromotion(ctx, "deploy", r);
}

}  // namespace

void AddDeployCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DeployOptions>();
  CLI::App* sub = app.add_subcommand(
      "deploy", "Run every serving gate and, when all pass, record the deployment");
  sub->add_option("APPROVAL_ID", o->approval_id, "Approval id")->required();
  sub->add_option("--env", o->environment, "Target environment")->required();
  sub->add_option("--scope", o->scope, "Target scope");
  sub->add_option("--artifact", o->artifact, "Model file or directory being deployed")->required();
  sub->add_option("--key", o->key, "Deployer private key (PEM)")->required();
  sub->callback([o, &ctx] { ctx.Finish("deploy", RunDeploy(*o, ctx)); });
}

}  // namespace governance::cli
