// mgov key generate|add|list|roles|revoke: the keyring. Enrolling, re-roling
// and revoking keys are governance changes, signed by the admins.
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/time.h"
#include "governance/administration.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

struct KeyOptions {
  std::string identity;
  std::string roles;
  std::string out_dir;
  std::string pub_file;
  std::string keyid;
  std::string reason;
  std::string admin_key;
};

nlohmann::json KeyJson(const KeyRecord& k) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role r : k.roles) roles.push_back(RoleName(r));
  return {{"keyid", k.keyid},     {"identity", k.identity},
          {"roles", roles},       {"enrolled_at", FormatRfc3339(k.enrolled_at)},
          {"revoked", k.revoked}, {"revocation_reason", k.revocation_reason},
          {"public_key", k.public_key_pem}};
}

// The admin key a governance change is signed with; PermissionDenied (exit
// 1, nothing changed) without one.
StatusOr<PrivateKey> RequireAdminKey(const KeyOptions& o, const char* what) {
  if (o.admin_key.empty()) {
    return PermissionDeniedError(std::string(what) +
                                 " is a governance change: it needs the admin threshold (pass "
                                 "--admin-key FILE, an admin of the governance root)");
  }
  return LoadSigningKey(o.admin_key, "--admin-key");
}

StatusOr<GovernanceState> VerifiedState(Context& ctx, Store& store) {
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  return ReadTrustedState(store, planes);
}

StatusOr<Outcome> Enroll(const KeyOptions& o, Context& ctx, const PublicKey& pub,
                         const PrivateKey& admin) {
  GOV_ASSIGN_OR_RETURN(std::vector<Role> roles, ParseRoles(o.roles));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out, administration.EnrollKey(pub, o.identity, roles, admin));
  if (!ctx.global.json && out.applied) {
    *ctx.out << "enrolled " << pub.keyid() << " for " << *CanonicalIdentity(o.identity) << " ("
             << o.roles << ")\n";
  }
  return ReportChange(ctx, out);
}

StatusOr<Outcome> RunGenerate(const KeyOptions& o, Context& ctx) {
  namespace fs = std::filesystem;
  GOV_RETURN_IF_ERROR(ParseRoles(o.roles).status());  // fail before writing anything
  GOV_ASSIGN_OR_RETURN(std::string identity, CanonicalIdentity(o.identity));
  GOV_ASSIGN_OR_RETURN(PrivateKey admin, RequireAdminKey(o, "enrolling a key"));
  const std::string key_path = (fs::path(o.out_dir) / (identity + ".key")).string();
  const std::string pub_path = (fs::path(o.out_dir) / (identity + ".pub")).string();
  if (fs::exists(key_path)) {
    return AlreadyExistsError(key_path + " exists; refusing to overwrite a private key");
  }
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_RETURN_IF_ERROR(VerifiedState(ctx, *store).status());
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return InvalidArgumentError("cannot create " + o.out_dir + ": " + ec.message());
  GOV_ASSIGN_OR_RETURN(PrivateKey key, GeneratePrivateKey());
  std::optional<std::string> passphrase;
  if (const char* p = std::getenv("MGOV_KEY_PASSPHRASE"); p != nullptr && *p != '\0') passphrase = p;
  GOV_RETURN_IF_ERROR(SavePrivateKey(key, key_path, passphrase));
  GOV_RETURN_IF_ERROR(SavePublicKey(key.public_key(), pub_path));
  auto outcome = Enroll(o, ctx, key.public_key(), admin);
  if (!outcome.ok()) {
    // A key the admins did not enrol would only confuse; take it back.
    fs::remove(key_path, ec);
    fs::remove(pub_path, ec);
    return outcome;
  }
  if (!ctx.global.json) *ctx.out << "wrote " << key_path << " (0600) and " << pub_path << "\n";
  return outcome;
}

StatusOr<Outcome> RunAdd(const KeyOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PublicKey pub, LoadPublicKey(o.pub_file));
  GOV_RETURN_IF_ERROR(ParseRoles(o.roles).status());
  GOV_RETURN_IF_ERROR(CanonicalIdentity(o.identity).status());
  GOV_ASSIGN_OR_RETURN(PrivateKey admin, RequireAdminKey(o, "enrolling a key"));
  return Enroll(o, ctx, pub, admin);
}

StatusOr<Outcome> RunList(Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(GovernanceState state, VerifiedState(ctx, *store));
  if (ctx.global.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& k : state.keys) arr.push_back(KeyJson(k));
    ctx.PrintJson(arr);
    return Outcome::kYes;
  }
  *ctx.out << fmt::format("{:<16}  {:<20}  {:<26}  {}\n", "KEYID", "IDENTITY", "ROLES", "STATUS");
  for (const auto& k : state.keys) {
    std::string roles;
    for (Role r : k.roles) roles += (roles.empty() ? "" : ",") + std::string(RoleName(r));
    *ctx.out << fmt::format("{:<16}  {:<20}  {:<26}  {}\n", k.keyid.substr(0, 16), k.identity,
                            roles, k.revoked ? "revoked: " + k.revocation_reason : "active");
  }
  return Outcome::kYes;
}

// The enrolled key `prefix` names (a unique prefix, as `key list` prints them).
StatusOr<std::string> ResolveKey(const GovernanceState& state, const std::string& prefix) {
  std::vector<std::string> matches;
  for (const auto& k : state.keys) {
    if (!prefix.empty() && k.keyid.rfind(prefix, 0) == 0) matches.push_back(k.keyid);
  }
  if (matches.empty()) return NotFoundError("no enrolled key " + prefix);
  if (matches.size() > 1) return InvalidArgumentError("key id prefix " + prefix + " is ambiguous");
  return matches[0];
}

StatusOr<Outcome> RunRevoke(const KeyOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PrivateKey admin, RequireAdminKey(o, "revoking a key"));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(GovernanceState state, VerifiedState(ctx, *store));
  GOV_ASSIGN_OR_RETURN(std::string keyid, ResolveKey(state, o.keyid));
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out, administration.RevokeKey(keyid, o.reason, admin));
  return ReportChange(ctx, out);
}

StatusOr<Outcome> RunRoles(const KeyOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(std::vector<Role> roles, ParseRoles(o.roles));
  GOV_ASSIGN_OR_RETURN(PrivateKey admin, RequireAdminKey(o, "changing a key's roles"));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(GovernanceState state, VerifiedState(ctx, *store));
  GOV_ASSIGN_OR_RETURN(std::string keyid, ResolveKey(state, o.keyid));
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  Administration administration(*store, planes);
  GOV_ASSIGN_OR_RETURN(ChangeOutcome out, administration.SetRoles(keyid, roles, admin));
  return ReportChange(ctx, out);
}

}  // namespace

void AddKeyCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<KeyOptions>();
  CLI::App* key =
      app.add_subcommand("key", "Manage signing keys: generate, add, list, roles, revoke");
  key->require_subcommand(1);
  const char* admin_help = "Admin private key that signs the governance change";

  CLI::App* gen = key->add_subcommand(
      "generate", "Create an Ed25519 key pair (DIR/NAME.key 0600, DIR/NAME.pub) and enrol it");
  gen->add_option("--identity", o->identity, "Who holds the key, e.g. alice@example.com")->required();
  gen->add_option("--role", o->roles, "trainer, approver, deployer, auditor (comma-separated)")
      ->required();
  gen->add_option("--out", o->out_dir, "Directory for the key files")->required();
  gen->add_option("--admin-key", o->admin_key, admin_help);
  gen->callback([o, &ctx] { ctx.Finish("key generate", RunGenerate(*o, ctx)); });

  CLI::App* add = key->add_subcommand("add", "Enrol an existing Ed25519 public key (PEM SPKI)");
  add->add_option("--identity", o->identity, "Who holds the key")->required();
  add->add_option("--role", o->roles, "Roles (comma-separated)")->required();
  add->add_option("PUBFILE", o->pub_file, "Public key PEM file")->required();
  add->add_option("--admin-key", o->admin_key, admin_help);
  add->callback([o, &ctx] { ctx.Finish("key add", RunAdd(*o, ctx)); });

  CLI::App* list = key->add_subcommand("list", "List the effective keyring (verified)");
  list->callback([&ctx] { ctx.Finish("key list", RunList(ctx)); });

  CLI::App* roles = key->add_subcommand("roles", "Replace an enrolled key's roles");
  roles->add_option("KEYID", o->keyid, "Key id or a unique prefix of it")->required();
  roles->add_option("--role", o->roles, "The new roles (comma-separated)")->required();
  roles->add_option("--admin-key", o->admin_key, admin_help);
  roles->callback([o, &ctx] { ctx.Finish("key roles", RunRoles(*o, ctx)); });

  CLI::App* revoke = key->add_subcommand("revoke", "Revoke a key; its signatures stop counting");
  revoke->add_option("KEYID", o->keyid, "Key id or a unique prefix of it")->required();
  revoke->add_option("--reason", o->reason, "Why")->required();
  revoke->add_option("--admin-key", o->admin_key, admin_help);
  revoke->callback([o, &ctx] { ctx.Finish("key revoke", RunRevoke(*o, ctx)); });
}

}  // namespace governance::cli
