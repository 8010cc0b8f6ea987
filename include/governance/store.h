// The governance store: keys, training outputs, approvals and their
// signatures, revocations, deployments, settings, and the evidence ledger,
// behind one interface with three backends.
//
//   StatusOr<std::unique_ptr<Store>> store = OpenStore("sqlite:.mgov/governance.db", options);
//   Status s = (*store)->Transact([&](StoreTransaction& txn) -> Status {
//     GOV_ASSIGN_OR_RETURN(ApprovalRecord a, txn.GetApproval(id));
//     GOV_RETURN_IF_ERROR(txn.AddApprovalSignature(id, sig));
//     return txn.AppendLedger({"approval.cosigned", identity, id, {}}).status();
//   });
//
// Every change happens inside Transact: all of it is stored, or none of it
// (a failed check, bad input or a crash changes nothing). Ledger appends are
// part of the same transaction, so an action and its evidence land together.
//
// Backends (chosen by URL):
//   NewMemoryStore()                      in-process maps, for tests
//   OpenStore("PATH" | "sqlite:PATH")     SQLite, one file, WAL, busy timeout
//   OpenStore("postgresql://…")           PostgreSQL through libpq
//
// Thread-safety: a Store may be shared by threads; each Transact call runs
// on its own. Several processes may open the same SQLite file or PostgreSQL
// database: transactions are serialisable and the ledger stays one chain.
#ifndef GOVERNANCE_STORE_H_
#define GOVERNANCE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "governance/dsse.h"
#include "governance/keys.h"
#include "governance/ledger.h"
#include "governance/snapshot.h"
#include "governance/status.h"

namespace governance {

struct TrainingOutputRecord {
  std::string digest;  // "sha256:<hex>" of envelope.payload
  std::string model_id;
  std::string model_version;
  Envelope envelope;   // signed by the trainer
};

struct ApprovalRecord {
  std::string approval_id;
  std::string model_id;
  std::string model_version;
  std::string artifact_digest;
  Envelope envelope;   // in-toto statement + every approver signature
  int64_t created_at = 0;
};

struct Revocation {
  enum class Kind { kApproval, kModel };
  Kind kind = Kind::kApproval;
  std::string target;  // approval id or model id
  std::string reason;
  std::string revoked_by;  // identity
  int64_t revoked_at = 0;
  // Artifacts blocked with it under any model id (a model's revocation
  // lists the artifacts of its approvals).
  std::vector<std::string> artifact_digests;
  // The statement signed by the revoker (types.h, kRevocationPayloadType).
  // Empty payload: a revocation made before governance roots, which counts
  // only when the admins' upgrade change lists it.
  Envelope envelope;
};

struct Deployment {
  int64_t id = 0;  // assigned by the store, increasing
  std::string environment;
  std::string model_id;
  std::string model_version;
  std::string approval_id;
  std::string artifact_digest;
  std::string deployed_by;  // identity
  int64_t deployed_at = 0;
  std::string kind;  // "deploy" or "rollback"
  // The record signed by the deployer (types.h, kDeploymentPayloadType).
  // Empty payload: a deployment made before governance roots; it stays in
  // the history but satisfies no gate.
  Envelope envelope;
};

// "sha256:<hex>" of a deployment's signed payload, or, for one made before
// governance roots, of the canonical JSON of its row.
std::string DeploymentDigest(const Deployment& deployment);

// A version of the governance root (trust.h), as stored.
struct RootRecord {
  int64_t version = 0;
  std::string state;  // "applied", or "pending" until both thresholds signed
  Envelope envelope;
};

// A governance change (administration.h), as stored.
struct ChangeRecord {
  std::string change_id;
  int64_t sequence = 0;  // its place in the chain (also inside the payload)
  std::string state;     // "pending" or "applied"
  Envelope envelope;
};

// The operations available inside one transaction. Reads see the
// transaction's own writes.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

  // The governance root's versions, oldest first. PutRoot: AlreadyExists for
  // a stored version; UpdateRoot replaces a version's state and envelope.
  virtual Status PutRoot(const RootRecord& root) = 0;
  virtual Status UpdateRoot(const RootRecord& root) = 0;
  virtual StatusOr<std::vector<RootRecord>> ListRoots() = 0;

  // Governance changes: applied ones by sequence, then pending ones in the
  // order proposed. PutChange: AlreadyExists for a known id, or for a second
  // applied change at one sequence. UpdateChange replaces state and envelope.
  virtual Status PutChange(const ChangeRecord& change) = 0;
  virtual Status UpdateChange(const ChangeRecord& change) = 0;
  virtual StatusOr<std::vector<ChangeRecord>> ListChanges() = 0;

  // Policy bundles by digest ("sha256:<hex>", see PolicyBundle::digest()):
  // `files` is the JSON the bundle serialises to. Putting a known digest again
  // is a no-op.
  virtual Status PutPolicyBundle(std::string_view digest, std::string_view files) = 0;
  virtual StatusOr<std::optional<std::string>> GetPolicyBundle(std::string_view digest) = 0;
  virtual StatusOr<std::vector<std::string>> ListPolicyBundles() = 0;  // digests, sorted

  // The keyring cache: the effective keys the signed changes establish. Gates
  // compare it with the changes and fail closed when they disagree.
  // PutKey: AlreadyExists when the key id is enrolled; UpdateKey: NotFound.
  virtual Status PutKey(const KeyRecord& key) = 0;
  virtual Status UpdateKey(const KeyRecord& key) = 0;
  virtual StatusOr<KeyRecord> GetKey(std::string_view keyid) = 0;  // NotFound
  virtual StatusOr<std::vector<KeyRecord>> ListKeys() = 0;         // by enrolment

  // Training outputs, keyed by digest; putting the same digest again is a no-op.
  virtual Status PutTrainingOutput(const TrainingOutputRecord& record) = 0;
  virtual StatusOr<TrainingOutputRecord> GetTrainingOutput(std::string_view digest) = 0;

  // Approvals. PutApproval: AlreadyExists for a known id.
  virtual Status PutApproval(const ApprovalRecord& record) = 0;
  virtual StatusOr<ApprovalRecord> GetApproval(std::string_view approval_id) = 0;
  // Every approval, or those of one model; oldest first.
  virtual StatusOr<std::vector<ApprovalRecord>> ListApprovals(
      std::optional<std::string_view> model_id = {}) = 0;
  // Appends a signature to an approval's envelope. AlreadyExists when the
  // envelope already holds a signature by that key id.
  virtual Status AddApprovalSignature(std::string_view approval_id,
                                      const EnvelopeSignature& signature) = 0;

  // Revocations. A second revocation of the same target is AlreadyExists.
  virtual Status PutRevocation(const Revocation& revocation) = 0;
  virtual StatusOr<std::optional<Revocation>> FindRevocation(Revocation::Kind kind,
                                                             std::string_view target) = 0;
  virtual StatusOr<std::vector<Revocation>> ListRevocations() = 0;

  // Deployments. AddDeployment returns the new id.
  virtual StatusOr<int64_t> AddDeployment(const Deployment& deployment) = 0;
  // The deployments of a model to an environment, newest first.
  virtual StatusOr<std::vector<Deployment>> DeploymentHistory(std::string_view model_id,
                                                              std::string_view environment) = 0;
  // The newest deployment of every (model, environment).
  virtual StatusOr<std::vector<Deployment>> CurrentDeployments() = 0;

  // Settings: small named documents the store keeps for itself (the
  // ledger's Merkle frontier). Nothing a gate believes lives here.
  virtual StatusOr<std::optional<std::string>> GetSetting(std::string_view name) = 0;
  virtual Status PutSetting(std::string_view name, std::string_view value) = 0;
  virtual StatusOr<std::vector<std::pair<std::string, std::string>>> ListSettings() = 0;

  // Ledger. Appends a sealed entry after the current last one; FailedPrecondition
  // when the store was opened without a ledger key.
  virtual StatusOr<LedgerEntry> AppendLedger(const LedgerEvent& event) = 0;
  // Entries with sequence in [from, from + limit), in order.
  virtual StatusOr<std::vector<LedgerEntry>> ReadLedger(int64_t from = 1,
                                                        int64_t limit = INT64_MAX) = 0;
  virtual StatusOr<int64_t> LedgerSize() = 0;
  // The entry with the highest sequence; nullopt for an empty ledger.
  virtual StatusOr<std::optional<LedgerEntry>> LastLedgerEntry() = 0;

  // The snapshot sealed with the last committed change (snapshot.h); nullopt
  // in a store that never committed one. Written by the store itself, which
  // keeps one: DataLoss when there are more, or when it cannot be read.
  virtual StatusOr<std::optional<Envelope>> GetSnapshot() = 0;
  // The schema migrations the store records having run, ascending, one entry
  // each (a memory store reports this build's).
  virtual StatusOr<std::vector<int64_t>> SchemaVersions() = 0;
  // What the store holds now, in the form a snapshot signs. Computed once per
  // transaction and again after each write.
  virtual StatusOr<StoreState> CurrentState() = 0;
  // Rows per table, for CurrentState.
  virtual StatusOr<std::map<std::string, int64_t>> CountRows() = 0;
};

struct StoreOptions {
  // Signs ledger entries. Needed to append; reading and verifying work
  // without it. Default: none.
  std::optional<PrivateKey> ledger_key;
  // How long SQLite waits for a lock held by another process. Default 10 s.
  int busy_timeout_ms = 10000;
  // How often a transaction is retried after a serialisation conflict or a
  // lost connection before Unavailable is returned. Default 20.
  int max_retries = 20;
  // Clock for timestamps (Unix seconds); tests pin it. Default: the wall clock.
  std::function<int64_t()> clock;
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Runs `fn` in one atomic, serialisable transaction and commits when it
  // returns OK; any failure rolls everything back and is returned. `fn` may run
  // more than once (after a conflict), so it must not have side effects
  // outside the transaction.
  virtual Status Transact(const std::function<Status(StoreTransaction&)>& fn) = 0;

  // Runs `fn` on a consistent read-only view; writes fail.
  virtual Status Read(const std::function<Status(StoreTransaction&)>& fn) = 0;

  // The URL the store was opened with, e.g. "sqlite:/x/governance.db", as
  // it may be shown: a PostgreSQL password (user info or password=) reads
  // "***". Errors and reports name the store by it.
  virtual std::string url() const = 0;

  // Creates or migrates the schema to the current version. Idempotent.
  virtual Status Migrate() = 0;
  // The schema version stored, 0 for an empty database.
  virtual StatusOr<int> SchemaVersion() = 0;
};

// Opens a store by URL: "memory:", a path or "sqlite:PATH", or
// "postgresql://…" / "postgres://…". Opening does not create the schema
// (Migrate does) except for memory stores; a store without a schema is
// FailedPrecondition ("run mgov init") on first use.
StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url, StoreOptions options = {});

std::unique_ptr<Store> NewMemoryStore(StoreOptions options = {});

}  // namespace governance

#endif  // GOVERNANCE_STORE_H_
