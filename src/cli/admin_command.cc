// mgov admin list|sign|config|policy: governance changes and their admin
// signatures.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/document.h"
#include "core/time.h"
#include "governance/administration.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

struct AdminOptions {
  std::string id;
  std::string key;
  std::string config_file;
  std::string policy_dir;
  std::vector<std::string> environments;
  bool all = false;
};

StatusOr<Outcome> RunList(const AdminOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(auto changes, administration.PendingChanges());
  GOV_ASSIGN_OR_RETURN(auto roots, administration.PendingRoots());
  std::vector<GovernanceChange> applied;
  if (o.all) {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(*store, planes));
    applied = std::move(state.changes);
  }
  if (ctx.global.json) {
    nlohmann::json out = {{"pending", nlohmann::json::array()},
                          {"roots", nlohmann::json::array()}};
    for (const auto& c : changes) {
      out["pending"].push_back({{"change_id", c.change.change_id},
                                {"state", c.state},
                                {"summary", c.change.Summary()},
                                {"proposed_by", c.change.proposed_by},
                                {"proposed_at", FormatRfc3339(c.change.proposed_at)},
                                {"signers", c.signatures.signers},
                                {"threshold", c.signatures.threshold}});
    }
    for (const auto& r : roots) {
      out["roots"].push_back({{"id", "root-v" + std::to_string(r.proposal.root.version)},
                              {"digest", r.proposal.digest},
                              {"new_admins_signed", r.new_admins.signers},
                              {"new_threshold", r.new_admins.threshold},
                              {"old_admins_signed", r.old_admins.signers},
                              {"old_threshold", r.old_admins.threshold}});
    }
    if (o.all) {
      out["applied"] = nlohmann::json::array();
      for (const auto& c : applied) {
        out["applied"].push_back({{"sequence", c.sequence},
                                  {"change_id", c.change_id},
                                  {"summary", c.Summary()},
                                  {"proposed_by", c.proposed_by},
                                  {"proposed_at", FormatRfc3339(c.proposed_at)}});
      }
    }
    ctx.PrintJson(out);
    return Outcome::kYes;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "STATE", "SIGNATURES", "CHANGE"}};
  for (const auto& c : applied) {
    rows.push_back({c.change_id, "applied #" + std::to_string(c.sequence), "", c.Summary()});
  }
  for (const auto& r : roots) {
    const bool first = r.proposal.root.version == 1;  // no old admins to sign it
    rows.push_back({"root-v" + std::to_string(r.proposal.root.version), "pending",
                    first ? fmt::format("{} of {}", r.new_admins.signers.size(),
                                        r.new_admins.threshold)
                          : fmt::format("{} of {} new, {} of {} old", r.new_admins.signers.size(),
                                        r.new_admins.threshold, r.old_admins.signers.size(),
                                        r.old_admins.threshold),
                    "governance root v" + std::to_string(r.proposal.root.version)});
  }
  for (const auto& c : changes) {
    rows.push_back({c.change.change_id, c.state,
                    fmt::format("{} of {}", c.signatures.signers.size(), c.signatures.threshold),
                    c.change.Summary()});
  }
  if (rows.size() == 1) {
    *ctx.out << "no pending governance changes\n";
  } else {
    PrintTable(*ctx.out, rows);
  }
  return Outcome::kYes;
}

StatusOr<Outcome> RunSign(const AdminOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out, administration.Sign(o.id, key));
  return ReportChange(ctx, out);
}

StatusOr<Outcome> RunConfig(const AdminOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key, "--admin-key"));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(*store, planes));
  GOV_ASSIGN_OR_RETURN(GovernanceConfig config, LoadConfigKeepingPolicy(o.config_file, state.config));
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out, administration.SetConfig(config, key));
  return ReportChange(ctx, out);
}

StatusOr<Outcome> RunPolicy(const AdminOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle, LoadPolicyBundle(o.policy_dir));
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadSigningKey(o.key, "--admin-key"));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out,
                       administration.RequirePolicy(bundle, o.environments, key));
  return ReportChange(ctx, out);
}

}  // namespace

StatusOr<GovernanceConfig> LoadConfigKeepingPolicy(const std::string& path,
                                                   const GovernanceConfig& current) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json doc, LoadDocument(path));
  if (doc.is_object() && doc.contains("environments") && doc["environments"].is_array()) {
    for (auto& env : doc["environments"]) {
      if (!env.is_object() || env.contains("policy_bundle") || !env.contains("name") ||
          !env["name"].is_string()) {
        continue;
      }
      if (const EnvironmentRule* now = current.Find(env["name"].get<std::string>())) {
        env["policy_bundle"] = now->policy_bundle;
      }
    }
  }
  return GovernanceConfigFromJson(doc, path);
}

void AddAdminCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AdminOptions>();
  CLI::App* admin = app.add_subcommand(
      "admin", "Governance changes: list them, sign them, change the rules or the policy");
  admin->require_subcommand(1);

  CLI::App* list = admin->add_subcommand(
      "list", "Pending governance changes and root versions, with their signatures");
  list->add_flag("--all", o->all, "Also list the applied changes, in chain order");
  list->callback([o, &ctx] { ctx.Finish("admin list", RunList(*o, ctx)); });

  CLI::App* sign = admin->add_subcommand(
      "sign", "Sign a pending change (chg-…) or root version (root-vN); it takes effect at the "
              "threshold");
  sign->add_option("CHANGE_ID", o->id, "Change id, or root-vN")->required();
  sign->add_option("--key", o->key, "Admin private key (PEM)")->required();
  sign->callback([o, &ctx] { ctx.Finish("admin sign", RunSign(*o, ctx)); });

  CLI::App* config = admin->add_subcommand(
      "config", "Propose new environment rules (replacing the current ones; an environment "
                "that names no policy_bundle keeps the one it requires)");
  config->add_option("CONFIG_FILE", o->config_file, "Rules (YAML/JSON), as mgov init --config")
      ->required();
  config->add_option("--admin-key", o->key, "Admin private key (PEM)")->required();
  config->callback([o, &ctx] { ctx.Finish("admin config", RunConfig(*o, ctx)); });

  CLI::App* policy = admin->add_subcommand(
      "policy", "Store a policy bundle and propose requiring it (every environment by default)");
  policy->add_option("POLICY_DIR", o->policy_dir, "Policy bundle directory")->required();
  policy->add_option("--env", o->environments, "Environments (comma-separated)")->delimiter(',');
  policy->add_option("--admin-key", o->key, "Admin private key (PEM)")->required();
  policy->callback([o, &ctx] { ctx.Finish("admin policy", RunPolicy(*o, ctx)); });
}

}  // namespace governance::cli
