// mgov init: create (or migrate) the governance store and its ledger key.
#include <filesystem>

#include "cli/command.h"
#include "core/document.h"
#include "governance/coordinator.h"
#include "governance/authority.h"

namespace governance::cli {
namespace {

struct InitOptions {
  std::string config_file;  // environment rules (YAML/JSON); default rules when empty
};

StatusOr<Outcome> RunInit(const InitOptions& opts, Context& ctx) {
  namespace fs = std::filesystem;
  std::optional<GovernanceConfig> config;
  if (!opts.config_file.empty()) {
    GOV_ASSIGN_OR_RETURN(nlohmann::json doc, LoadDocument(opts.config_file));
    GOV_ASSIGN_OR_RETURN(config, GovernanceConfigFromJson(doc, opts.config_file));
  }
  const std::string url = ctx.StoreUrl();
  if (url.rfind("sqlite:", 0) == 0) {
    fs::path parent = fs::path(url.substr(7)).parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) return InvalidArgumentError("cannot create " + parent.string() + ": " + ec.message());
  }
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
  const std::string pub_pem = ledger_key.public_key().ToPem();
  GOV_RETURN_IF_ERROR(store->Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(auto pinned, txn.GetSetting("ledger.public_key"));
    if (pinned && *pinned != pub_pem) {
      return FailedPreconditionError("the store's ledger was started with another key; " +
                                     key_path + " does not match it");
    }
    bool changed = false;
    if (!pinned) {
      GOV_RETURN_IF_ERROR(txn.PutSetting("ledger.public_key", pub_pem));
      changed = true;
    }
    if (config) {
      GOV_RETURN_IF_ERROR(txn.PutSetting("governance.config", ToJson(*config).dump()));
      changed = true;
    }
    if (!changed) return Status();
    GOV_ASSIGN_OR_RETURN(GovernanceConfig effective, LoadGovernanceConfig(txn));
    return txn
        .AppendLedger({"store.initialized", LocalActor(), url,
                       {{"ledger_keyid", ledger_key.keyid()}, {"config", ToJson(effective)}}})
        .status();
  }));
  GOV_ASSIGN_OR_RETURN(int version, store->SchemaVersion());
  if (ctx.global.json) {
    ctx.PrintJson({{"store", url}, {"schema_version", version},
                   {"ledger_key", key_path}, {"ledger_keyid", ledger_key.keyid()}});
  } else {
    *ctx.out << "initialised " << url << " (schema v" << version << ")\n"
             << "ledger key " << key_path << " (" << ledger_key.keyid().substr(0, 16) << ")\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddInitCommand(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<InitOptions>();
  CLI::App* sub = app.add_subcommand(
      "init", "Create or migrate the governance store and its ledger key (idempotent)");
  sub->add_option("--config", opts->config_file,
                  "Environment rules (YAML/JSON): environments[{name, min_approvers, max_ttl, "
                  "requires_prior}], default_ttl, clock_skew");
  sub->callback([opts, &ctx] { ctx.Finish("init", RunInit(*opts, ctx)); });
}

}  // namespace governance::cli
