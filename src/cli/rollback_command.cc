// mgov rollback: return an environment to the previous approved deployment.
#include "cli/command.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct RollbackOptions {
  std::string model, environment, key, reason;
};

StatusOr<Outcome> RunRollback(const RollbackOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  ServingPlane serving(*store, planes);
  GOV_ASSIGN_OR_RETURN(PromotionResult r,
                       serving.Rollback(o.model, o.environment, o.reason, key));
  return PrintPromotion(ctx, "rollback to", r);
}

}  // namespace

void AddRollbackCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RollbackOptions>();
  CLI::App* sub = app.add_subcommand(
      "rollback", "Redeploy the newest earlier deployment whose approval still passes the gate");
  sub->add_option("--model", o->model, "Model id")->required();
  sub->add_option("--env", o->environment, "Environment")->required();
  sub->add_option("--reason", o->reason, "Why (recorded with the rollback)")->required();
  sub->add_option("--key", o->key, "Deployer private key (PEM)")->required();
  sub->callback([o, &ctx] { ctx.Finish("rollback", RunRollback(*o, ctx)); });
}

}  // namespace governance::cli
