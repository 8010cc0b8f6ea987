// mgov key generate|add|list|revoke: the keyring.
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/time.h"
#include "governance/authority.h"
#include "governance/coordinator.h"

namespace governance::cli {
namespace {

struct KeyOptions {
  std::string identity;
  std::string roles;
  std::string out_dir;
  std::string pub_file;
  std::string keyid;
  std::string reason;
};

nlohmann::json KeyJson(const KeyRecord& k) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role r : k.roles) roles.push_back(RoleName(r));
  return {{"keyid", k.keyid},     {"identity", k.identity},
          {"roles", roles},       {"enrolled_at", FormatRfc3339(k.enrolled_at)},
          {"revoked", k.revoked}, {"revocation_reason", k.revocation_reason}};
}

StatusOr<Outcome> Enroll(const KeyOptions& o, Context& ctx, const PublicKey& pub) {
  GOV_ASSIGN_OR_RETURN(std::vector<Role> roles, ParseRoles(o.roles));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  Keyring keyring(*store);
  GOV_ASSIGN_OR_RETURN(KeyRecord rec, keyring.Enroll(pub, o.identity, roles, LocalActor()));
  if (ctx.global.json) {
    ctx.PrintJson(KeyJson(rec));
  } else {
    *ctx.out << "enrolled " << rec.keyid << " for " << rec.identity << " (" << o.roles << ")\n";
  }
  return Outcome::kYes;
}

StatusOr<Outcome> RunGenerate(const KeyOptions& o, Context& ctx) {
  namespace fs = std::filesystem;
  GOV_RETURN_IF_ERROR(ParseRoles(o.roles).status());  // fail before writing anything
  const std::string key_path = (fs::path(o.out_dir) / (o.identity + ".key")).string();
  const std::string pub_path = (fs::path(o.out_dir) / (o.identity + ".pub")).string();
  if (fs::exists(key_path)) {
    return AlreadyExistsError(key_path + " exists; refusing to overwrite a private key");
  }
  GOV_RETURN_IF_ERROR(ctx.OpenStore().status());
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return InvalidArgumentError("cannot create " + o.out_dir + ": " + ec.message());
  GOV_ASSIGN_OR_RETURN(PrivateKey key, GeneratePrivateKey());
  std::optional<std::string> passphrase;
  if (const char* p = std::getenv("MGOV_KEY_PASSPHRASE"); p != nullptr && *p != '\0') passphrase = p;
  GOV_RETURN_IF_ERROR(SavePrivateKey(key, key_path, passphrase));
  GOV_RETURN_IF_ERROR(SavePublicKey(key.public_key(), pub_path));
  auto outcome = Enroll(o, ctx, key.public_key());
  if (!outcome.ok()) {
    // An unenrolled key on disk would only confuse; take it back.
    fs::remove(key_path, ec);
    fs::remove(pub_path, ec);
    return outcome;
  }
  if (!ctx.global.json) *ctx.out << "wrote " << key_path << " (0600) and " << pub_path << "\n";
  return outcome;
}

StatusOr<Outcome> RunAdd(const KeyOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(PublicKey pub, LoadPublicKey(o.pub_file));
  return Enroll(o, ctx, pub);
}

StatusOr<Outcome> RunList(Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  std::vector<KeyRecord> keys;
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(keys, txn.ListKeys());
    return Status();
  }));
  if (ctx.global.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& k : keys) arr.push_back(KeyJson(k));
    ctx.PrintJson(arr);
    return Outcome::kYes;
  }
  *ctx.out << fmt::format("{:<16}  {:<20}  {:<26}  {}\n", "KEYID", "IDENTITY", "ROLES", "STATUS");
  for (const auto& k : keys) {
    std::string roles;
    for (Role r : k.roles) roles += (roles.empty() ? "" : ",") + std::string(RoleName(r));
    *ctx.out << fmt::format("{:<16}  {:<20}  {:<26}  {}\n", k.keyid.substr(0, 16), k.identity,
                            roles, k.revoked ? "revoked: " + k.revocation_reason : "active");
  }
  return Outcome::kYes;
}

StatusOr<Outcome> RunRevoke(const KeyOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  std::string keyid = o.keyid;
  // Accept a unique prefix, as `key list` prints them.
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(auto keys, txn.ListKeys());
    std::vector<std::string> matches;
    for (const auto& k : keys) {
      if (k.keyid.rfind(o.keyid, 0) == 0) matches.push_back(k.keyid);
    }
    if (matches.empty()) return NotFoundError("no enrolled key " + o.keyid);
    if (matches.size() > 1) return InvalidArgumentError("key id prefix " + o.keyid + " is ambiguous");
    keyid = matches[0];
    return Status();
  }));
  Keyring keyring(*store);
  GOV_RETURN_IF_ERROR(keyring.Revoke(keyid, o.reason, LocalActor()));
  if (ctx.global.json) {
    ctx.PrintJson({{"keyid", keyid}, {"revoked", true}, {"reason", o.reason}});
  } else {
    *ctx.out << "revoked " << keyid << ": " << o.reason << "\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddKeyCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<KeyOptions>();
  CLI::App* key = app.add_subcommand("key", "Manage signing keys: generate, add, list, revoke");
  key->require_subcommand(1);

  CLI::App* gen = key->add_subcommand(
      "generate", "Create an Ed25519 key pair (DIR/NAME.key 0600, DIR/NAME.pub) and enrol it");
  gen->add_option("--identity", o->identity, "Who holds the key, e.g. alice@example.com")->required();
  gen->add_option("--role", o->roles, "trainer, approver, deployer, auditor (comma-separated)")
      ->required();
  gen->add_option("--out", o->out_dir, "Directory for the key files")->required();
  gen->callback([o, &ctx] { ctx.Finish("key generate", RunGenerate(*o, ctx)); });

  CLI::App* add = key->add_subcommand("add", "Enrol an existing Ed25519 public key (PEM SPKI)");
  add->add_option("--identity", o->identity, "Who holds the key")->required();
  add->add_option("--role", o->roles, "Roles (comma-separated)")->required();
  add->add_option("PUBFILE", o->pub_file, "Public key PEM file")->required();
  add->callback([o, &ctx] { ctx.Finish("key add", RunAdd(*o, ctx)); });

  CLI::App* list = key->add_subcommand("list", "List enrolled keys");
  list->callback([&ctx] { ctx.Finish("key list", RunList(ctx)); });

  CLI::App* revoke = key->add_subcommand("revoke", "Revoke a key; its signatures stop counting");
  revoke->add_option("KEYID", o->keyid, "Key id or a unique prefix of it")->required();
  revoke->add_option("--reason", o->reason, "Why")->required();
  revoke->callback([o, &ctx] { ctx.Finish("key revoke", RunRevoke(*o, ctx)); });
}

}  // namespace governance::cli
