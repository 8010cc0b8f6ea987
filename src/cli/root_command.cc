// mgov root export|pin|show|rotate: the governance root that serving hosts
// and auditors pin.
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/administration.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

struct RootOptions {
  std::string out;
  std::string file;
  bool replace = false;
  std::vector<std::string> admins;
  std::vector<std::string> admin_keys;
  std::vector<std::string> online_keys;
  int threshold = 0;
  std::string ttl;
};

StatusOr<GovernanceState> VerifiedState(Context& ctx, StateCheck check = {}) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  return ReadTrustedState(*store, planes, check);
}

nlohmann::json RootJson(const SignedRoot& r) {
  nlohmann::json admins = nlohmann::json::array();
  for (const auto& a : r.root.admins) {
    admins.push_back({{"identity", a.identity}, {"keyid", a.key.keyid()}});
  }
  nlohmann::json online = nlohmann::json::array();
  for (const auto& k : r.root.online_keys) online.push_back(k.keyid());
  return {{"version", r.root.version},
          {"digest", r.digest},
          {"domain", r.root.version == 1 ? r.digest : r.root.domain},
          {"issued_at", FormatRfc3339(r.root.issued_at)},
          {"expires_at", FormatRfc3339(r.root.expires_at)},
          {"admin_threshold", r.root.admin_threshold},
          {"admins", admins},
          {"online_keys", online}};
}

StatusOr<Outcome> RunExport(const RootOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(GovernanceState state, VerifiedState(ctx));
  const std::string json = EnvelopeToJson(state.roots.current().envelope) + "\n";
  if (o.out.empty()) {
    *ctx.out << json;
  } else {
    GOV_RETURN_IF_ERROR(WriteFileAtomic(o.out, json));
    *ctx.err << "wrote governance root v" << state.root().version << " ("
             << state.roots.current().digest.substr(0, 19) << "…) to " << o.out << "\n";
  }
  return Outcome::kYes;
}

StatusOr<Outcome> RunPin(const RootOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(o.file));
  GOV_ASSIGN_OR_RETURN(Envelope env, ParseEnvelope(text, o.file));
  GOV_ASSIGN_OR_RETURN(SignedRoot root, ParseSignedRoot(env, o.file));
  GOV_ASSIGN_OR_RETURN(std::shared_ptr<TrustStore> trust,
                       OpenTrustDirectory(ctx.TrustDirectory()));
  auto existing = trust->Root();
  if (existing.ok() && existing->payload != env.payload && !o.replace) {
    return FailedPreconditionError(
        "this host already pins another root for " + ctx.StoreUrl() +
        " (in " + ctx.TrustDirectory() + "); pass --replace to trust " + o.file + " instead");
  }
  GOV_RETURN_IF_ERROR(trust->AdvanceRoot(env));
  *ctx.out << "pinned governance root v" << root.root.version << " (" << root.digest.substr(0, 19)
           << "…) for " << ctx.StoreUrl() << "\n";
  return Outcome::kYes;
}

StatusOr<Outcome> RunShow(Context& ctx) {
  GOV_ASSIGN_OR_RETURN(GovernanceState state, VerifiedState(ctx));
  const SignedRoot& r = state.roots.current();
  if (ctx.global.json) {
    ctx.PrintJson(RootJson(r));
    return Outcome::kYes;
  }
  *ctx.out << fmt::format("governance root v{} {}\n  domain   {}\n  valid    {} to {}\n",
                          r.root.version, r.digest, state.domain(),
                          FormatRfc3339(r.root.issued_at), FormatRfc3339(r.root.expires_at));
  *ctx.out << "  admins   " << r.root.admin_threshold << " of " << r.root.admins.size()
           << " must sign each governance change\n";
  for (const auto& a : r.root.admins) {
    *ctx.out << "           " << a.key.keyid().substr(0, 16) << "  " << a.identity << "\n";
  }
  for (const auto& k : r.root.online_keys) {
    *ctx.out << "  online   " << k.keyid().substr(0, 16) << "  signs the ledger and snapshots\n";
  }
  return Outcome::kYes;
}

StatusOr<AdminKey> ParseAdminSpec(const std::string& spec) {
  std::string name, file = spec;
  if (size_t eq = spec.find('='); eq != std::string::npos) {
    name = spec.substr(0, eq);
    file = spec.substr(eq + 1);
  } else {
    name = std::filesystem::path(file).stem().string();
  }
  GOV_ASSIGN_OR_RETURN(PublicKey key, LoadPublicKey(file));
  auto identity = CanonicalIdentity(name);
  if (!identity.ok()) return identity.status().WithContext("--admin " + spec);
  return AdminKey{*identity, key};
}

StatusOr<Outcome> RunRotate(const RootOptions& o, Context& ctx) {
  if (o.admin_keys.empty()) {
    return PermissionDeniedError("a new root version needs the signatures of a threshold of the "
                                 "current admins and of the new ones (pass --admin-key FILE)");
  }
  std::vector<PrivateKey> keys;
  for (const auto& path : o.admin_keys) {
    GOV_ASSIGN_OR_RETURN(PrivateKey k, LoadSigningKey(path, "--admin-key"));
    keys.push_back(std::move(k));
  }
  GOV_ASSIGN_OR_RETURN(GovernanceState state,
                       VerifiedState(ctx, {.allow_stale_snapshot = true, .allow_expired_root = true}));
  GovernanceRoot next = state.root();
  if (!o.admins.empty()) {
    next.admins.clear();
    for (const auto& spec : o.admins) {
      GOV_ASSIGN_OR_RETURN(AdminKey a, ParseAdminSpec(spec));
      next.admins.push_back(std::move(a));
    }
  }
  if (o.threshold > 0) next.admin_threshold = o.threshold;
  if (!o.online_keys.empty()) {
    next.online_keys.clear();
    for (const auto& path : o.online_keys) {
      GOV_ASSIGN_OR_RETURN(PublicKey k, LoadPublicKey(path));
      next.online_keys.push_back(k);
    }
  }
  const int64_t now = NowSeconds();
  int64_t ttl = kDefaultRootTtlSeconds;
  if (!o.ttl.empty()) {
    auto parsed = ParseDurationSeconds(o.ttl);
    if (!parsed.ok()) return parsed.status().WithContext("--ttl");
    ttl = *parsed;
  }
  next.issued_at = now;
  next.expires_at = now + ttl;
  std::vector<const PrivateKey*> signers;
  for (const auto& k : keys) signers.push_back(&k);
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out, administration.RotateRoot(next, signers));
  if (out.applied) {
    // Verifying again advances this host's pin to the new version.
    GOV_RETURN_IF_ERROR(VerifiedState(ctx).status());
  }
  return ReportChange(ctx, out);
}

}  // namespace

void AddRootCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RootOptions>();
  CLI::App* root = app.add_subcommand(
      "root", "The governance root: export it for serving hosts, pin it, show it, rotate it");
  root->require_subcommand(1);

  CLI::App* exp = root->add_subcommand("export", "Write the current root (verified) to pin elsewhere");
  exp->add_option("--out", o->out, "Write to this file instead of stdout");
  exp->callback([o, &ctx] { ctx.Finish("root export", RunExport(*o, ctx)); });

  CLI::App* pin = root->add_subcommand(
      "pin", "Trust this root file for the store on this host (TOFU for later commands)");
  pin->add_option("ROOT_FILE", o->file, "A root exported by `mgov root export`")->required();
  pin->add_flag("--replace", o->replace, "Replace a different root pinned before");
  pin->callback([o, &ctx] { ctx.Finish("root pin", RunPin(*o, ctx)); });

  CLI::App* show = root->add_subcommand("show", "Show the current root: admins, threshold, keys");
  show->callback([&ctx] { ctx.Finish("root show", RunShow(ctx)); });

  CLI::App* rotate = root->add_subcommand(
      "rotate", "Propose the next root version (new admins, threshold, online keys, or a "
                "renewal); it takes effect once old and new admin thresholds signed");
  rotate->add_option("--admin", o->admins,
                     "An admin of the new version: [NAME=]PUBFILE (repeatable; default: keep)");
  rotate->add_option("--admin-threshold", o->threshold, "The new threshold (default: keep)");
  rotate->add_option("--online-key", o->online_keys,
                     "An online key of the new version: PUBFILE (repeatable; default: keep)");
  rotate->add_option("--ttl", o->ttl, "Validity of the new version (default 365d)");
  rotate->add_option("--admin-key", o->admin_keys,
                     "An old or new admin's private key that signs (repeatable)");
  rotate->callback([o, &ctx] { ctx.Finish("root rotate", RunRotate(*o, ctx)); });
}

}  // namespace governance::cli
