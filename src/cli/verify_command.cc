// mgov verify: run the serving gate without deploying.
#include "cli/command.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/coordinator.h"
#include "governance/verification_bundle.h"

namespace governance::cli {
namespace {

struct VerifyOptions {
  std::string approval_id, environment, scope, artifact, envelope, bundle, max_age;
};

// --max-age: 0 (the admins' window) when not given.
StatusOr<int64_t> MaxAge(const VerifyOptions& o) {
  if (o.max_age.empty()) return int64_t{0};
  StatusOr<int64_t> seconds = ParseDurationSeconds(o.max_age);
  if (!seconds.ok()) return seconds.status().WithContext("--max-age");
  if (*seconds <= 0) return InvalidArgumentError("--max-age must be at least 1s");
  return *seconds;
}

// No store and no private key: the bundle and the pinned root are all.
StatusOr<Outcome> RunVerifyBundle(const VerifyOptions& o, Context& ctx) {
  if (ctx.global.trust.empty()) {
    return InvalidArgumentError("verify --bundle needs the governance root to trust: "
                                "--trust root.json (or $MGOV_TRUST)");
  }
  if (!o.envelope.empty()) return InvalidArgumentError("--bundle and --envelope exclude each other");
  GOV_ASSIGN_OR_RETURN(std::string root_text, ReadFile(ctx.global.trust));
  GOV_ASSIGN_OR_RETURN(Envelope root, ParseEnvelope(root_text, ctx.global.trust));
  GOV_ASSIGN_OR_RETURN(std::string bundle, ReadFile(o.bundle));
  BundleGateRequest req;
  GOV_ASSIGN_OR_RETURN(req.max_snapshot_age_seconds, MaxAge(o));
  req.environment = o.environment;
  req.scope = o.scope;
  if (!o.artifact.empty()) req.artifact_path = o.artifact;
  auto r = VerifyVerificationBundle(bundle, root, req);
  if (!r.ok()) return r.status().WithContext(o.bundle);
  if (!o.approval_id.empty() && o.approval_id != r->approval_id) {
    return InvalidArgumentError(o.bundle + " is the bundle of " + r->approval_id + ", not " +
                                o.approval_id);
  }
  return PrintPromotion(ctx, "verify (offline)", *r, /*offline=*/true);
}

StatusOr<Outcome> RunVerify(const VerifyOptions& o, Context& ctx) {
  if (!o.bundle.empty()) return RunVerifyBundle(o, ctx);
  if (o.approval_id.empty()) return InvalidArgumentError("give an APPROVAL_ID or --bundle FILE");
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
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(planes.max_snapshot_age_seconds, MaxAge(o));
  ServingPlane serving(*store, planes);
  GOV_ASSIGN_OR_RETURN(PromotionResult r, serving.Verify(req));
  return PrintPromotion(ctx, "verify", r);
}

}  // namespace

void AddVerifyCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Run every serving gate for an approval and print each with its reason");
  sub->add_option("APPROVAL_ID", o->approval_id, "Approval id (optional with --bundle)");
  sub->add_option("--env", o->environment, "Target environment")->required();
  sub->add_option("--scope", o->scope, "Target scope");
  sub->add_option("--artifact", o->artifact, "Model file or directory to hash against the approval");
  sub->add_option("--envelope", o->envelope,
                  "Verify this DSSE envelope file (e.g. from mgov export) instead of the stored one");
  sub->add_option("--bundle", o->bundle,
                  "Verify an exported bundle offline (no store, no key) against --trust root.json");
  sub->add_option("--max-age", o->max_age,
                  "Refuse a store snapshot older than this (e.g. 1h), when this host needs "
                  "fresher state than the admins' snapshot_ttl; a bundle keeps no mark, so this "
                  "bounds how long an old one keeps passing");
  sub->callback([o, &ctx] { ctx.Finish("verify", RunVerify(*o, ctx)); });
}

}  // namespace governance::cli
