// mgov ledger list|verify|checkpoint|prove: the evidence ledger.
#include <filesystem>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/document.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/time.h"
#include "governance/integrity.h"
#include "governance/ledger.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

struct LedgerOptions {
  int64_t from = 1;
  int64_t limit = 0;  // 0: all
  std::string checkpoint;
  std::string out;
  int64_t sequence = 0;
};

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
  // Details that do not parse are shown as null; `ledger verify` names them.
  const nlohmann::json details = ParseJson(e.details, "ledger details").value_or(nullptr);
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
  GOV_ASSIGN_OR_RETURN(std::optional<LedgerCheckpoint> checkpoint, LoadCheckpoint(o.checkpoint));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  IntegrityReport r;
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(r, AuditStoreIntegrity(txn, *planes.trust, NowSeconds(), checkpoint));
    return Status();
  }));
  if (ctx.global.json) {
    ctx.PrintJson(ToJson(r));
    return r.ok() ? Outcome::kYes : Outcome::kNo;
  }
  if (r.ledger.ok) {
    *ctx.out << fmt::format("ledger OK: {} entries, Merkle root {}, each signed by an online key "
                            "of the governance root\n",
                            r.ledger.entries, r.ledger.root_hash);
    if (checkpoint) *ctx.out << "consistent with checkpoint of " << checkpoint->size << " entries\n";
  } else {
    *ctx.out << fmt::format("ledger FAILED at entry {}: {}\n({} entries verified before it)\n",
                            r.ledger.first_bad_sequence, r.ledger.reason, r.ledger.entries);
  }
  if (!r.trust_problem.empty()) *ctx.out << "governance state FAILED: " << r.trust_problem << "\n";
  if (!r.snapshot_problem.empty()) *ctx.out << "snapshot FAILED: " << r.snapshot_problem << "\n";
  for (const auto& p : r.problems) *ctx.out << "table " << p.table << " FAILED: " << p.what << "\n";
  if (r.ok()) {
    *ctx.out << "store OK: " << r.rows_checked
             << " rows match the ledger, the signed changes and the snapshot\n";
  }
  if (r.snapshot_stale) {
    *ctx.out << "note: the snapshot is older than the freshness window; gates refuse until "
                "`mgov snapshot` re-signs it\n";
  }
  return r.ok() ? Outcome::kYes : Outcome::kNo;
}

StatusOr<Outcome> RunCheckpoint(const LedgerOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(PrivateKey key, LoadPrivateKey(ctx.LedgerKeyPath()));
  std::vector<LedgerEntry> entries;
  LedgerVerification v;
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(StateVerdict verdict,
                         VerifyStoreState(txn, *planes.trust, NowSeconds(),
                                          {.allow_stale_snapshot = true, .allow_expired_root = true}));
    if (!verdict.trusted()) return verdict.ToStatus();
    GOV_ASSIGN_OR_RETURN(entries, txn.ReadLedger());
    v = VerifyLedger(entries, LedgerKeys(verdict.state.roots));
    return Status();
  }));
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
    if (ctx.global.json) {
      ctx.PrintJson({{"size", entries.size()}, {"root_hash", v.root_hash}, {"out", o.out}});
    } else {
      *ctx.err << "wrote checkpoint of " << entries.size() << " entries to " << o.out << "\n";
    }
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
      "verify", "Check the hash chain, signatures and Merkle root, the governance state, and "
                "every table against the ledger; name the first bad entry and each bad table");
  verify->add_option("--checkpoint", o->checkpoint,
                     "A checkpoint saved earlier (mgov ledger checkpoint): catches truncation");
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
