// mgov init: create (or migrate, or upgrade) the governance store, its
// ledger key and its governance root, and pin the root on this host.
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/document.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

struct InitOptions {
  std::vector<std::string> admin_keys;   // admins present, who sign; generated when missing
  std::string admin_identity;            // of the first; default: the key file's stem
  std::vector<std::string> admins;       // more admins: [NAME=]PUBFILE
  int admin_threshold = 1;
  std::string root_ttl;                  // default 365d
  std::string config_file;               // environment rules (YAML/JSON)
  std::string policy_dir;                // bundle approvals are evaluated against
  bool no_policy = false;                // require no policy bundle
};

// Writes the built-in bundle under `dir` unless a bundle is already there, so
// that a team's copy survives `mgov init` being run again. The store keeps
// its own copy; editing these files changes nothing until an admin requires
// the edited bundle (`mgov admin policy`).
Status InstallDefaultBundle(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgumentError("cannot create " + dir + ": " + ec.message());
  for (const auto& [name, content] : DefaultPolicyBundleFiles()) {
    const std::string path = (fs::path(dir) / name).string();
    if (fs::exists(path)) continue;
    GOV_RETURN_IF_ERROR(WriteFileAtomic(path, content));
  }
  return Status();
}

// "alice=keys/alice.pub" or "keys/alice.pub" (identity "alice").
StatusOr<AdminKey> ParseAdmin(const std::string& spec) {
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

// The admin key of --admin-key, generated (0600) when the file is missing.
StatusOr<PrivateKey> AdminKeyFile(const std::string& path, bool* generated) {
  namespace fs = std::filesystem;
  *generated = false;
  if (fs::exists(path)) return LoadSigningKey(path, "--admin-key");
  if (auto parent = fs::path(path).parent_path(); !parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return InvalidArgumentError("cannot create " + parent.string() + ": " + ec.message());
  }
  GOV_ASSIGN_OR_RETURN(PrivateKey key, GeneratePrivateKey());
  GOV_RETURN_IF_ERROR(SavePrivateKey(key, path));
  GOV_RETURN_IF_ERROR(
      SavePublicKey(key.public_key(), fs::path(path).replace_extension(".pub").string()));
  *generated = true;
  return key;
}

StatusOr<std::optional<PolicyBundle>> ChoosePolicy(const InitOptions& o, const Context& ctx,
                                                   std::optional<std::string> legacy_dir) {
  namespace fs = std::filesystem;
  if (o.no_policy) return std::optional<PolicyBundle>();
  std::string dir = o.policy_dir;
  if (dir.empty() && legacy_dir && !legacy_dir->empty()) dir = *legacy_dir;
  if (dir.empty()) {
    dir = (fs::path(ctx.LedgerKeyPath()).parent_path() / "policies").string();
    GOV_RETURN_IF_ERROR(InstallDefaultBundle(dir));
  }
  auto bundle = LoadPolicyBundle(fs::absolute(dir).lexically_normal().string());
  if (!bundle.ok()) return bundle.status().WithContext("policy bundle " + dir);
  return std::optional<PolicyBundle>(std::move(*bundle));
}

// A store that already has a root: only the admins change its rules.
StatusOr<Outcome> Reconfigure(const InitOptions& o, Context& ctx, Store& store) {
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  if (o.config_file.empty() && o.policy_dir.empty() && !o.no_policy) {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, planes));
    *ctx.out << "already initialised: " << store.url() << ", governance root v"
             << state.root().version << "\n";
    return Outcome::kYes;
  }
  if (o.admin_keys.empty()) {
    return PermissionDeniedError(
        "changing the environment rules or the required policy of an initialised store is a "
        "governance change; it needs the admin threshold (pass --admin-key)");
  }
  GOV_ASSIGN_OR_RETURN(PrivateKey admin, LoadSigningKey(o.admin_keys[0], "--admin-key"));
  Administration administration(store, planes);
  StatusOr<ChangeOutcome> out = Status();
  if (!o.config_file.empty()) {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, planes));
    GOV_ASSIGN_OR_RETURN(GovernanceConfig config,
                         LoadConfigKeepingPolicy(o.config_file, state.config));
    out = administration.SetConfig(config, admin);
  } else if (o.no_policy) {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, ReadTrustedState(store, planes));
    GovernanceConfig config = state.config;
    for (auto& e : config.environments) e.policy_bundle.clear();
    out = administration.SetConfig(config, admin);
  } else {
    GOV_ASSIGN_OR_RETURN(std::optional<PolicyBundle> bundle, ChoosePolicy(o, ctx, std::nullopt));
    out = administration.RequirePolicy(*bundle, {}, admin);
  }
  GOV_RETURN_IF_ERROR(out.status());
  return ReportChange(ctx, *out);
}

StatusOr<Outcome> RunInit(const InitOptions& o, Context& ctx) {
  namespace fs = std::filesystem;
  if (o.no_policy && !o.policy_dir.empty()) {
    return InvalidArgumentError("--policy and --no-policy exclude each other");
  }
  // Input is read and checked before anything is created: a bad --config or
  // --root-ttl must leave no store, key or directory behind.
  std::optional<GovernanceConfig> config;
  if (!o.config_file.empty()) {
    GOV_ASSIGN_OR_RETURN(nlohmann::json doc, LoadDocument(o.config_file));
    GOV_ASSIGN_OR_RETURN(config, GovernanceConfigFromJson(doc, o.config_file));
  }
  std::optional<int64_t> root_ttl;
  if (!o.root_ttl.empty()) {
    auto ttl = ParseDurationSeconds(o.root_ttl);
    if (!ttl.ok()) return ttl.status().WithContext("--root-ttl");
    root_ttl = *ttl;
  }
  const std::string url = ctx.StoreUrl();
  if (url.rfind("sqlite:", 0) == 0) {
    fs::path parent = fs::path(url.substr(7)).parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return InvalidArgumentError("cannot create " + parent.string() + ": " + ec.message());
  }
  // The online key: it signs the ledger and the store's snapshots.
  const std::string key_path = ctx.LedgerKeyPath();
  bool new_key = false;
  if (!fs::exists(key_path)) {
    if (auto parent = fs::path(key_path).parent_path(); !parent.empty()) {
      fs::create_directories(parent);
    }
    GOV_ASSIGN_OR_RETURN(PrivateKey key, GeneratePrivateKey());
    GOV_RETURN_IF_ERROR(SavePrivateKey(key, key_path));
    GOV_RETURN_IF_ERROR(SavePublicKey(key.public_key(),
                                      (fs::path(key_path).replace_extension(".pub")).string()));
    new_key = true;
  }
  auto opened = ctx.OpenStore(/*create=*/true);
  if (!opened.ok() && new_key) fs::remove(key_path);
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, std::move(opened));
  GOV_ASSIGN_OR_RETURN(PrivateKey ledger_key, LoadPrivateKey(key_path));
  GOV_RETURN_IF_ERROR(store->Migrate());
  GOV_ASSIGN_OR_RETURN(int version, store->SchemaVersion());

  bool has_root = false;
  std::optional<std::string> legacy_config, legacy_policy, legacy_ledger_key;
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(auto roots, txn.ListRoots());
    has_root = !roots.empty();
    GOV_ASSIGN_OR_RETURN(legacy_config, txn.GetSetting("governance.config"));
    GOV_ASSIGN_OR_RETURN(legacy_policy, txn.GetSetting("policy.bundle_dir"));
    GOV_ASSIGN_OR_RETURN(legacy_ledger_key, txn.GetSetting("ledger.public_key"));
    return Status();
  }));
  if (has_root) return Reconfigure(o, ctx, *store);

  if (o.admin_keys.empty()) {
    return InvalidArgumentError(
        "mgov init needs --admin-key FILE: the first admin of the governance root, who signs "
        "it and every later governance change (the file is created, 0600, when missing)");
  }
  if (legacy_ledger_key && !legacy_ledger_key->empty() &&
      *legacy_ledger_key != ledger_key.public_key().ToPem()) {
    return FailedPreconditionError("the store's ledger was started with another key; " +
                                   key_path + " does not match it");
  }
  // Every admin present signs; each key's identity is its file name (the
  // first may be named with --admin-identity).
  std::vector<PrivateKey> present;
  bool generated = false;
  InitRequest request;
  request.online_key = ledger_key.public_key();
  for (size_t i = 0; i < o.admin_keys.size(); ++i) {
    bool made = false;
    GOV_ASSIGN_OR_RETURN(PrivateKey key, AdminKeyFile(o.admin_keys[i], &made));
    generated = generated || (i == 0 && made);
    std::string identity = i == 0 && !o.admin_identity.empty()
                               ? o.admin_identity
                               : fs::path(o.admin_keys[i]).stem().string();
    auto canonical = CanonicalIdentity(identity);
    if (!canonical.ok()) {
      return canonical.status().WithContext("admin identity (from --admin-key's file name; "
                                            "set --admin-identity)");
    }
    request.admins.push_back({*canonical, key.public_key()});
    present.push_back(std::move(key));
  }
  const PrivateKey& admin = present[0];
  for (const auto& spec : o.admins) {
    GOV_ASSIGN_OR_RETURN(AdminKey a, ParseAdmin(spec));
    request.admins.push_back(std::move(a));
  }
  for (const auto& key : present) request.signing_admins.push_back(&key);
  request.admin_threshold = o.admin_threshold;
  if (root_ttl) request.root_ttl_seconds = *root_ttl;
  if (config) {
    request.config = std::move(*config);
  } else if (legacy_config && !legacy_config->empty()) {
    GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(*legacy_config, "the store's old rules"));
    GOV_ASSIGN_OR_RETURN(request.config, GovernanceConfigFromJson(doc, "the store's old rules"));
  }
  GOV_ASSIGN_OR_RETURN(request.policy, ChoosePolicy(o, ctx, legacy_policy));
  request.require_no_policy = o.no_policy;

  GOV_ASSIGN_OR_RETURN(std::shared_ptr<TrustStore> trust,
                       OpenTrustDirectory(ctx.TrustDirectory()));
  PlaneOptions planes;
  planes.trust = trust;
  GOV_ASSIGN_OR_RETURN(InitOutcome outcome, InitializeGovernance(*store, request, planes));
  // This host trusts the root it just made; serving hosts pin the export.
  GOV_RETURN_IF_ERROR(trust->AdvanceRoot(outcome.root.envelope));

  if (ctx.global.json) {
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : outcome.changes) {
      changes.push_back({{"change_id", c.change_id}, {"summary", c.summary},
                         {"applied", c.applied}});
    }
    ctx.PrintJson({{"store", url},
                   {"schema_version", version},
                   {"ledger_key", key_path},
                   {"ledger_keyid", ledger_key.keyid()},
                   {"root_digest", outcome.root.digest},
                   {"root_applied", outcome.root_applied},
                   {"admin_keyid", admin.keyid()},
                   {"admin_key_generated", generated},
                   {"trust_directory", ctx.TrustDirectory()},
                   {"upgraded", outcome.upgraded},
                   {"policy_bundle", request.policy ? request.policy->digest() : ""},
                   {"changes", changes}});
  } else {
    *ctx.out << "initialised " << url << " (schema v" << version << ")"
             << (outcome.upgraded ? ", upgraded: its keys and revocations now count under the "
                                    "admins' signature"
                                  : "")
             << "\n"
             << "ledger key " << key_path << " (" << ledger_key.keyid().substr(0, 16) << ")\n"
             << "governance root v1 " << outcome.root.digest.substr(0, 19) << "…: "
             << request.admins.size() << " admin(s), threshold " << request.admin_threshold
             << (outcome.root_applied ? "" : " (waiting for more admin signatures: "
                                             "mgov admin sign root-v1)")
             << "\n"
             << "admin key " << o.admin_keys[0] << " (" << admin.keyid().substr(0, 16) << ")"
             << (generated ? ", generated: keep it offline" : "") << "\n"
             << "pinned for this host in " << ctx.TrustDirectory()
             << "; give serving hosts `mgov root export`\n"
             << "policy bundle "
             << (request.policy ? request.policy->digest() + " required in every environment"
                                : std::string("none required (--no-policy)"))
             << "\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddInitCommand(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<InitOptions>();
  CLI::App* sub = app.add_subcommand(
      "init", "Create the governance store, its ledger key and its governance root (signed by "
              "the admins), or migrate it; with --config/--policy on an initialised store, "
              "propose new rules");
  sub->add_option("--admin-key", opts->admin_keys,
                  "Admin private key that signs the root (created 0600 when missing; repeat it "
                  "for each admin present)");
  sub->add_option("--admin-identity", opts->admin_identity,
                  "Identity of --admin-key's admin (default: its file name without extension)");
  sub->add_option("--admin", opts->admins,
                  "Another admin: [NAME=]PUBFILE (repeatable; NAME defaults to the file name)");
  sub->add_option("--admin-threshold", opts->admin_threshold,
                  "Admin signatures each governance change needs (default 1)");
  sub->add_option("--root-ttl", opts->root_ttl,
                  "Validity of the root before admins must renew it (default 365d)");
  sub->add_option("--config", opts->config_file,
                  "Environment rules (YAML/JSON): environments[{name, min_approvers, max_ttl, "
                  "requires_prior, separation_of_duties, policy_bundle}], default_ttl, "
                  "clock_skew, snapshot_ttl");
  sub->add_option("--policy", opts->policy_dir,
                  "Policy bundle to require (default: the built-in bundle, installed beside the "
                  "store)");
  sub->add_flag("--no-policy", opts->no_policy, "Require no policy bundle");
  sub->callback([opts, &ctx] { ctx.Finish("init", RunInit(*opts, ctx)); });
}

}  // namespace governance::cli
