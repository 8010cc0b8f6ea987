// mgov ledger list|verify|checkpoint|prove: the evidence ledger.
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/document.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/ledger.h"

namespace governance::cli {
namespace {

struct LedgerOptions {
  int64_t from = 1;
  int64_t limit = 0;  // 0: all
  std::string checkpoint;
  std::string public_key;
  std::string out;
  int64_t sequence = 0;
};

struct TrustedKey {
  PublicKey key;
  std::string source;
};

// The ledger's public key: a pinned file (--ledger-pub, else ledger.pub
// beside the ledger key) is trusted over the copy inside the store.
StatusOr<TrustedKey> LedgerPublicKey(const LedgerOptions& o, Context& ctx, Store& store) {
  std::optional<std::string> stored;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(stored, txn.GetSetting("ledger.public_key"));
    return Status();
  }));
  std::string pinned = o.public_key;
  if (pinned.empty()) {
    pinned = std::filesystem::path(ctx.LedgerKeyPath()).replace_extension(".pub").string();
    if (!std::filesystem::exists(pinned)) pinned.clear();
  }
  if (!pinned.empty()) {
    GOV_ASSIGN_OR_RETURN(PublicKey key, LoadPublicKey(pinned));
    return TrustedKey{key, pinned};
  }
  if (!stored) return FailedPreconditionError("the store has no ledger key; run `mgov init`");
  GOV_ASSIGN_OR_RETURN(PublicKey key, PublicKey::FromPem(*stored, "stored ledger key"));
  return TrustedKey{key, "the store (pin a ledger.pub file for stronger assurance)"};
}

StatusOr<std::vector<LedgerEntry>> ReadAll(Store& store, int64_t from = 1,
                                           int64_t limit = INT64_MAX) {
  std::vector<LedgerEntry> entries;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(entries, txn.ReadLedger(from, limit));
    return Status();
  }));
  return entries;
}

nlohmann::json EntryJson(const LedgerEntry& e) {
  auto details = nlohmann::json::parse(e.details, nullptr, false);
  return {{"sequence", e.sequence}, {"timestamp", FormatRfc3339(e.timestamp)},
          {"type", e.type},         {"actor", e.actor},
          {"subject", e.subject},   {"details", details},
          {"prev_hash", e.prev_hash}, {"hash", e.hash}};
}

StatusOr<Outcome> RunList(const LedgerOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(auto entries, ReadAll(*store, o.from, o.limit > 0 ? o.limit : INT64_MAX));
  if (ctx.global.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : entries) arr.push_back(EntryJson(e));
    ctx.PrintJson(arr);
    return Outcome::kYes;
  }
  *ctx.out << fmt::format("{:>5}  {:<20}  {:<24}  {:<16}  {}\n", "SEQ", "TIME", "TYPE", "ACTOR",
                          "SUBJECT");
  for (const auto& e : entries) {
    *ctx.out << fmt::format("{:>5}  {:<20}  {:<24}  {:<16}  {}\n", e.sequence,
                            FormatRfc3339(e.timestamp), e.type, e.actor, e.subject);
  }
  return Outcome::kYes;
}

StatusOr<Outcome> RunVerify(const LedgerOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(TrustedKey trusted, LedgerPublicKey(o, ctx, *store));
  std::optional<LedgerCheckpoint> checkpoint;
  if (!o.checkpoint.empty()) {
    GOV_ASSIGN_OR_RETURN(nlohmann::json j, LoadDocument(o.checkpoint));
    GOV_ASSIGN_OR_RETURN(checkpoint, LedgerCheckpointFromJson(j, o.checkpoint));
  }
  GOV_ASSIGN_OR_RETURN(auto entries, ReadAll(*store));
  LedgerVerification v = VerifyLedger(entries, trusted.key, checkpoint);
  if (ctx.global.json) {
    ctx.PrintJson({{"ok", v.ok},
                   {"entries", entries.size()},
                   {"verified", v.entries},
                   {"first_bad_sequence", v.first_bad_sequence},
                   {"reason", v.reason},
                   {"root_hash", v.root_hash},
                   {"ledger_keyid", trusted.key.keyid()},
                   {"key_source", trusted.source}});
  } else if (v.ok) {
    *ctx.out << fmt::format("ledger OK: {} entries, Merkle root {}\nsigned by ledger key {} from {}\n",
                            v.entries, v.root_hash, trusted.key.keyid().substr(0, 16),
                            trusted.source);
    if (checkpoint) *ctx.out << "consistent with checkpoint of " << checkpoint->size << " entries\n";
  } else {
    *ctx.out << fmt::format("ledger FAILED at entry {}: {}\n({} entries verified before it)\n",
                            v.first_bad_sequence, v.reason, v.entries);
  }
  return v.ok ? Outcome::kYes : Outcome::kNo;
}

StatusOr<Outcome> RunCheckpoint(const LedgerOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadPrivateKey(ctx.LedgerKeyPath()));
  GOV_ASSIGN_OR_RETURN(auto entries, ReadAll(*store));
  LedgerVerification v = VerifyLedger(entries, key.public_key());
  if (!v.ok) {
    return DataLossError(fmt::format("refusing to checkpoint a ledger that fails at entry {}: {}",
                                     v.first_bad_sequence, v.reason));
  }
  std::string json =
      ToJson(SignCheckpoint(static_cast<int64_t>(entries.size()), v.root_hash, key)).dump(2) + "\n";
  if (o.out.empty()) {
    *ctx.out << json;
  } else {
    GOV_RETURN_IF_ERROR(WriteFileAtomic(o.out, json));
    *ctx.err << "wrote checkpoint of " << entries.size() << " entries to " << o.out << "\n";
  }
  return Outcome::kYes;
}

StatusOr<Outcome> RunProve(const LedgerOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(auto entries, ReadAll(*store));
  if (o.sequence < 1 || o.sequence > static_cast<int64_t>(entries.size())) {
    return OutOfRangeError(fmt::format("no ledger entry {} (the ledger has {})", o.sequence,
                                       entries.size()));
  }
  std::vector<std::string> leaves;
  for (const auto& e : entries) leaves.push_back(MerkleLeafHash(e.EntryBody()));
  size_t index = static_cast<size_t>(o.sequence - 1);
  GOV_ASSIGN_OR_RETURN(auto proof, MerkleInclusionProof(leaves, index));
  nlohmann::json path = nlohmann::json::array();
  for (const auto& p : proof) path.push_back(HexEncode(p));
  ctx.PrintJson({{"sequence", o.sequence},
                 {"tree_size", leaves.size()},
                 {"leaf_hash", HexEncode(leaves[index])},
                 {"root_hash", HexEncode(MerkleRoot(leaves))},
                 {"audit_path", path},
                 {"entry", EntryJson(entries[index])}});
  return Outcome::kYes;
}

}  // namespace

void AddLedgerCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LedgerOptions>();
  CLI::App* ledger = app.add_subcommand("ledger", "Read and verify the evidence ledger");
  ledger->require_subcommand(1);

  CLI::App* list = ledger->add_subcommand("list", "List ledger entries");
  list->add_option("--from", o->from, "First sequence number (default 1)");
  list->add_option("--limit", o->limit, "At most this many entries");
  list->callback([o, &ctx] { ctx.Finish("ledger list", RunList(*o, ctx)); });

  CLI::App* verify = ledger->add_subcommand(
      "verify", "Check the hash chain, signatures and Merkle root; name the first bad entry");
  verify->add_option("--checkpoint", o->checkpoint,
                     "A checkpoint saved earlier (mgov ledger checkpoint): catches truncation");
  verify->add_option("--ledger-pub", o->public_key,
                     "The ledger public key to trust (default: ledger.pub beside the ledger key)");
  verify->callback([o, &ctx] { ctx.Finish("ledger verify", RunVerify(*o, ctx)); });

  CLI::App* checkpoint = ledger->add_subcommand(
      "checkpoint", "Sign the current tree head (size + Merkle root) to keep outside the store");
  checkpoint->add_option("--out", o->out, "Write to this file instead of stdout");
  checkpoint->callback([o, &ctx] { ctx.Finish("ledger checkpoint", RunCheckpoint(*o, ctx)); });

  CLI::App* prove = ledger->add_subcommand("prove", "RFC 6962 inclusion proof for one entry");
  prove->add_option("SEQUENCE", o->sequence, "Entry sequence number")->required();
  prove->callback([o, &ctx] { ctx.Finish("ledger prove", RunProve(*o, ctx)); });
}

}  // namespace governance::cli
