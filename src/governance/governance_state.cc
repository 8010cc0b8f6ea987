// Verifying a store's governance state (state.h).
#include "governance/state.h"

#include <algorithm>
#include <set>

#include "core/digest.h"
#include "core/parse_cache.h"
#include "core/sha256.h"
#include "core/time.h"
#include "governance/coordinator.h"
#include "governance/ledger.h"
#include "governance/statements.h"
#include "store/sql_schema.h"
#include "store/store_state.h"

namespace governance {
namespace {

std::string Short(const std::string& id) { return id.substr(0, 16); }

std::string RoleList(const std::vector<Role>& roles) {
  std::string out;
  for (Role r : roles) out += (out.empty() ? "" : ",") + std::string(RoleName(r));
  return out;
}

KeyRecord* Find(std::vector<KeyRecord>& keys, std::string_view keyid) {
  for (auto& k : keys) {
    if (k.keyid == keyid) return &k;
  }
  return nullptr;
}

// Applies one verified change to `state`; "" or why it cannot apply.
std::string Apply(const GovernanceChange& c, GovernanceState& state) {
  switch (c.kind) {
    case ChangeKind::kEnrollKey: {
      if (Find(state.keys, c.key->keyid())) return "enrols key " + Short(c.key->keyid()) + " twice";
      KeyRecord k;
      k.keyid = c.key->keyid();
      k.identity = c.identity;
      k.roles = c.roles;
      k.public_key_pem = c.key->ToPem();
      k.enrolled_at = c.proposed_at;
      state.keys.push_back(std::move(k));
      return "";
    }
    case ChangeKind::kSetRoles:
    case ChangeKind::kRevokeKey: {
      KeyRecord* k = Find(state.keys, c.keyid);
      if (!k) return "names key " + Short(c.keyid) + ", which no change enrolled";
      if (k->revoked) return "changes key " + Short(c.keyid) + ", which is revoked";
      if (c.kind == ChangeKind::kSetRoles) {
        k->roles = c.roles;
      } else {
        k->revoked = true;
        k->revoked_at = c.proposed_at;
        k->revocation_reason = c.reason;
      }
      return "";
    }
    case ChangeKind::kSetConfig:
      state.config = *c.config;
      return "";
    case ChangeKind::kUpgradeStore:
      for (const auto& legacy : c.legacy_keys) {
        if (Find(state.keys, legacy.keyid)) return "carries over key " + Short(legacy.keyid) + " twice";
        state.keys.push_back(legacy);
      }
      return "";
  }
  return "is of an unknown kind";
}

// The legacy revocations the upgrade changes carried over.
std::vector<Revocation> LegacyRevocations(const GovernanceState& state) {
  std::vector<Revocation> out;
  for (const auto& c : state.changes) {
    if (c.kind == ChangeKind::kUpgradeStore) {
      out.insert(out.end(), c.legacy_revocations.begin(), c.legacy_revocations.end());
    }
  }
  return out;
}

bool SameRevocation(const Revocation& a, const Revocation& b) {
  return a.kind == b.kind && a.target == b.target && a.reason == b.reason &&
         a.revoked_by == b.revoked_by && a.revoked_at == b.revoked_at &&
         a.artifact_digests == b.artifact_digests;
}

std::string Describe(const Revocation& v) {
  return std::string(v.kind == Revocation::Kind::kApproval ? "approval " : "model ") + v.target +
         " (by " + v.revoked_by + ")";
}

bool SameKey(const KeyRecord& a, const KeyRecord& b) {
  return a.keyid == b.keyid && a.identity == b.identity && a.roles == b.roles &&
         a.public_key_pem == b.public_key_pem && a.enrolled_at == b.enrolled_at &&
         a.revoked == b.revoked && a.revoked_at == b.revoked_at &&
         a.revocation_reason == b.revocation_reason;
}

// The keys table must be exactly the keyring the changes establish.
std::string CompareKeysTable(const std::vector<KeyRecord>& table, const GovernanceState& state) {
  for (const auto& row : table) {
    const KeyRecord* derived = state.FindKey(row.keyid);
    if (!derived) {
      return "table keys holds key " + Short(row.keyid) + " (" + row.identity + ", " +
             RoleList(row.roles) + ") that no signed governance change enrolled";
    }
    if (!SameKey(row, *derived)) {
      return "table keys: key " + Short(row.keyid) + " (" + derived->identity +
             ") differs from what the signed changes say (identity, roles or revocation edited)";
    }
  }
  for (const auto& k : state.keys) {
    bool present = false;
    for (const auto& row : table) present = present || row.keyid == k.keyid;
    if (!present) return "table keys is missing key " + Short(k.keyid) + " (" + k.identity + ")";
  }
  return "";
}

}  // namespace

LedgerMark GovernanceState::Mark(const StoreState& store, int64_t now) const {
  LedgerMark m;
  m.size = store.ledger_size;
  m.head = store.ledger_head;
  m.seen_at = now;
  m.change_count = static_cast<int64_t>(change_digests.size());
  m.change_head = change_head;
  for (const auto& v : revocations) m.revocations.push_back(RevocationLine(v));
  std::sort(m.revocations.begin(), m.revocations.end());
  return m;
}

const KeyRecord* GovernanceState::FindKey(std::string_view keyid) const {
  for (const auto& k : keys) {
    if (k.keyid == keyid) return &k;
  }
  return nullptr;
}

Status StateVerdict::ToStatus() const {
  if (!trust_problem.empty()) return PermissionDeniedError("trust: " + trust_problem);
  if (!snapshot_problem.empty()) return PermissionDeniedError("snapshot: " + snapshot_problem);
  return Status();
}

namespace {

// What one chain derived to, for the last chain this process derived: a
// service checks the same chain on every action.
struct DerivedChain {
  std::vector<GovernanceChange> changes;
  std::vector<KeyRecord> keys;
  GovernanceConfig config;
  std::string head;
  std::vector<std::string> digests;
};

// Everything a derivation depends on: the root chain and each change's
// bytes and signatures.
std::string DerivationKey(const std::vector<Envelope>& changes, const GovernanceState& state) {
  Sha256 h;
  for (const auto& r : state.roots.chain) h.Update(r.digest);
  for (const auto& env : changes) {
    h.Update(env.payload_type);
    h.Update(Sha256Digest(env.payload));
    for (const auto& sig : env.signatures) {
      h.Update(sig.keyid);
      h.Update(sig.sig);
    }
    h.Update("\n", 1);
  }
  return h.Finish();
}

std::string DeriveUncached(const std::vector<Envelope>& changes, GovernanceState& state) {
  std::string previous;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Envelope& env = changes[i];
    const int64_t seq = static_cast<int64_t>(i) + 1;
    const std::string name = "governance change " + std::to_string(seq);
    if (env.payload_type != kChangePayloadType) return name + " has the wrong payload type";
    auto parsed = ParseChangePayload(env.payload, name);
    if (!parsed.ok()) return parsed.status().message();
    const GovernanceChange& c = *parsed;
    const std::string named = name + " (" + c.change_id + ": " + c.Summary() + ")";
    if (c.sequence != seq || c.previous != previous) {
      return named + " is out of place in the chain (a change was removed, reordered or "
                     "inserted)";
    }
    if (c.domain != state.domain()) return named + " belongs to another governance domain";
    const GovernanceRoot* root = state.roots.RootForChange(seq);
    if (!root || root->version != c.root_version) {
      return named + " claims root v" + std::to_string(c.root_version) + ", but root v" +
             (root ? std::to_string(root->version) : std::string("?")) +
             " was in effect at that point";
    }
    ThresholdCount count = CountAdminSignatures(env, *root);
    if (!count.met()) return named + " lacks the admin threshold: " + count.Describe();
    std::string problem = Apply(c, state);
    if (!problem.empty()) return named + " " + problem;
    state.changes.push_back(c);
    previous = Sha256DigestOf(env.payload);
    state.change_digests.push_back(previous);
  }
  state.change_head = previous;
  return "";
}

}  // namespace

std::string DeriveFromChanges(const std::vector<Envelope>& changes, GovernanceState& state) {
  static ParseCache<DerivedChain>* derived = new ParseCache<DerivedChain>(4);
  const std::string key = DerivationKey(changes, state);
  if (std::optional<DerivedChain> hit = derived->Find(key)) {
    state.changes = std::move(hit->changes);
    state.keys = std::move(hit->keys);
    state.config = std::move(hit->config);
    state.change_head = std::move(hit->head);
    state.change_digests = std::move(hit->digests);
    return "";
  }
  std::string problem = DeriveUncached(changes, state);
  if (problem.empty()) {
    derived->Put(key, {state.changes, state.keys, state.config, state.change_head,
                       state.change_digests});
  }
  return problem;
}

std::string CheckRevocation(const Revocation& v, const GovernanceState& state) {
  if (v.envelope.payload.empty()) {
    for (const auto& legacy : LegacyRevocations(state)) {
      if (SameRevocation(legacy, v)) return "";
    }
    return "table revocations: the revocation of " + Describe(v) +
           " is not signed and no upgrade change carried it over";
  }
  if (v.envelope.payload_type != kRevocationPayloadType) {
    return "table revocations: the revocation of " + Describe(v) + " has the wrong payload type";
  }
  std::string domain;
  auto stated = ParseRevocationPayload(v.envelope.payload, "revocation", &domain);
  if (!stated.ok() || !SameRevocation(*stated, v) || domain != state.domain()) {
    return "table revocations: the revocation of " + Describe(v) +
           " differs from its signed statement (edited)";
  }
  for (const auto& sig : v.envelope.signatures) {
    const KeyRecord* key = state.FindKey(sig.keyid);
    if (!key || key->identity != v.revoked_by) continue;
    if (!key->HasRole(Role::kApprover) && !key->HasRole(Role::kDeployer)) continue;
    auto pub = PublicKey::FromEnrolledPem(key->public_key_pem, "enrolled key");
    if (pub.ok() && VerifySignature(v.envelope, sig, *pub)) return "";
  }
  return "table revocations: the revocation of " + Describe(v) +
         " is not signed by an enrolled approver or deployer key of " + v.revoked_by;
}

std::string CheckSnapshot(const Envelope& env, const FactsState& facts, GovernanceState& state,
                          int64_t now, bool require_fresh, int64_t max_age) {
  if (env.payload_type != kSnapshotPayloadType) return "the snapshot has the wrong payload type";
  bool signed_by_online = false;
  for (const auto& sig : env.signatures) {
    for (const auto& key : state.root().online_keys) {
      signed_by_online =
          signed_by_online || (sig.keyid == key.keyid() && VerifySignature(env, sig, key));
    }
  }
  if (!signed_by_online) {
    return "the snapshot is not signed by an online key of root v" +
           std::to_string(state.root().version);
  }
  auto parsed = ParseSnapshotPayload(env.payload, "snapshot");
  if (!parsed.ok()) return parsed.status().message();
  state.snapshot = *parsed;
  const int64_t skew = state.config.clock_skew_seconds;
  if (parsed->issued_at > now + skew) {
    return "the snapshot was issued in the future (" + FormatRfc3339(parsed->issued_at) + ")";
  }
  const bool host_limit = max_age > 0 && max_age < state.config.snapshot_ttl_seconds;
  const int64_t window = host_limit ? max_age : state.config.snapshot_ttl_seconds;
  if (require_fresh && now - parsed->issued_at > window + skew) {
    return "the snapshot was issued at " + FormatRfc3339(parsed->issued_at) + ", more than " +
           FormatDuration(window) +
           (host_limit ? " ago (this host's limit, --max-age)" : " ago (the freshness window)") +
           ": the state shown may be old. `mgov snapshot` re-signs the store's state after "
           "verifying all of it";
  }
  FactsState verified = facts;
  verified.root_version = state.root().version;
  verified.root_digest = state.roots.current().digest;
  verified.change_count = static_cast<int64_t>(state.changes.size());
  verified.change_head = state.change_head;
  StoreState expected;
  expected.facts = verified;
  std::string difference = DescribeStateDifference(parsed->state, expected, /*facts_only=*/true);
  if (!difference.empty()) return "the snapshot does not vouch for these facts: " + difference;
  return "";
}

StatusOr<StateVerdict> VerifyStoreState(StoreTransaction& txn, TrustStore& trust, int64_t now,
                                        StateCheck check) {
  StateVerdict verdict;
  GovernanceState& state = verdict.state;
  GOV_ASSIGN_OR_RETURN(Envelope pinned, trust.Root());
  GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> root_rows, txn.ListRoots());
  std::vector<Envelope> applied_roots;
  for (const auto& r : root_rows) {
    if (r.state == "applied") applied_roots.push_back(r.envelope);
  }
  auto roots = VerifyRootChain(pinned, applied_roots, now, check.allow_expired_root);
  if (!roots.ok()) {
    verdict.trust_problem = roots.status().message();
    return verdict;
  }
  state.roots = std::move(*roots);

  GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> change_rows, txn.ListChanges());
  std::vector<Envelope> applied;
  for (const auto& c : change_rows) {
    if (c.state != "applied") continue;
    if (c.sequence != static_cast<int64_t>(applied.size()) + 1) {
      verdict.trust_problem = "table governance_changes: change " + c.change_id +
                              " is at sequence " + std::to_string(c.sequence) + ", expected " +
                              std::to_string(applied.size() + 1);
      return verdict;
    }
    applied.push_back(c.envelope);
  }
  verdict.trust_problem = DeriveFromChanges(applied, state);
  if (!verdict.trusted()) return verdict;
  for (size_t i = 0; i < change_rows.size() && i < state.changes.size(); ++i) {
    if (change_rows[i].change_id != state.changes[i].change_id) {
      verdict.trust_problem = "table governance_changes: row " + change_rows[i].change_id +
                              " holds change " + state.changes[i].change_id;
      return verdict;
    }
  }

  GOV_ASSIGN_OR_RETURN(std::vector<KeyRecord> key_rows, txn.ListKeys());
  verdict.trust_problem = CompareKeysTable(key_rows, state);
  if (!verdict.trusted()) return verdict;

  GOV_ASSIGN_OR_RETURN(std::vector<Revocation> revocations, txn.ListRevocations());
  for (const auto& v : revocations) {
    verdict.trust_problem = CheckRevocation(v, state);
    if (!verdict.trusted()) return verdict;
  }
  for (const auto& legacy : LegacyRevocations(state)) {
    bool present = false;
    for (const auto& v : revocations) present = present || SameRevocation(legacy, v);
    if (!present) {
      verdict.trust_problem = "table revocations is missing the revocation of " +
                              Describe(legacy) + " that the upgrade change carried over";
      return verdict;
    }
  }
  state.revocations = std::move(revocations);

  // Rows the store cannot read as its snapshot were put there outside mgov:
  // a no, named, rather than an error.
  StatusOr<std::optional<Envelope>> snapshot = txn.GetSnapshot();
  if (snapshot.status().code() == StatusCode::kDataLoss) {
    verdict.snapshot_problem = snapshot.status().message();
    return verdict;
  }
  GOV_RETURN_IF_ERROR(snapshot.status());
  if (!*snapshot) {
    verdict.snapshot_problem = "the store has no signed snapshot";
    return verdict;
  }
  GOV_ASSIGN_OR_RETURN(StoreState current, txn.CurrentState());
  verdict.snapshot_problem =
      CheckSnapshot(**snapshot, current.facts, state, now, !check.allow_stale_snapshot,
                    check.max_snapshot_age_seconds);
  if (!verdict.snapshot_problem.empty()) return verdict;
  std::string difference = DescribeStateDifference(state.snapshot->state, current);
  if (!difference.empty()) {
    verdict.snapshot_problem = "the store differs from its signed snapshot: " + difference;
    return verdict;
  }
  // Not signed, since a migration adds to it: it must list each migration
  // this build runs, once.
  GOV_ASSIGN_OR_RETURN(std::vector<int64_t> versions, txn.SchemaVersions());
  std::string stored, migrated;
  for (int64_t v : versions) stored += (stored.empty() ? "" : ", ") + std::to_string(v);
  for (const Migration& m : SchemaMigrations()) {
    migrated += (migrated.empty() ? "" : ", ") + std::to_string(m.version);
  }
  if (stored != migrated) {
    verdict.snapshot_problem = "table schema_version lists migrations " +
                               (stored.empty() ? "none" : stored) +
                               ", mgov wrote " + migrated + " (edited outside mgov)";
    return verdict;
  }
  GOV_ASSIGN_OR_RETURN(std::optional<LedgerMark> seen, trust.LastSeen());
  if (seen) {
    if (seen->size > current.ledger_size) {
      verdict.snapshot_problem = "ledger rolled back: this host saw " +
                                 std::to_string(seen->size) + " entries at " +
                                 FormatRfc3339(seen->seen_at) + ", the store holds " +
                                 std::to_string(current.ledger_size);
      return verdict;
    }
    std::string head_then = seen->size == current.ledger_size ? current.ledger_head : "";
    if (seen->size > 0 && seen->size < current.ledger_size) {
      GOV_ASSIGN_OR_RETURN(std::vector<LedgerEntry> at, txn.ReadLedger(seen->size, 1));
      if (!at.empty()) head_then = at[0].hash;
    }
    if (seen->size > 0 && head_then != seen->head) {
      verdict.snapshot_problem = "ledger history rewritten: entry " + std::to_string(seen->size) +
                                 " differs from the one this host saw at " +
                                 FormatRfc3339(seen->seen_at);
      return verdict;
    }
    // Facts this host saw may not disappear, whoever signed the snapshot.
    const int64_t count = static_cast<int64_t>(state.change_digests.size());
    if (seen->change_count > count ||
        (seen->change_count > 0 && state.change_digests[seen->change_count - 1] != seen->change_head)) {
      verdict.snapshot_problem = "governance change " + std::to_string(seen->change_count) +
                                 ", which this host saw, is not in the store's chain (changes "
                                 "withheld or replaced)";
      return verdict;
    }
    std::set<std::string> now_revoked;
    for (const auto& v : state.revocations) now_revoked.insert(RevocationLine(v));
    for (const auto& line : seen->revocations) {
      if (!now_revoked.count(line)) {
        verdict.snapshot_problem = "a revocation this host saw (" + line.substr(0, 19) +
                                   "…) is gone from the store (withheld)";
        return verdict;
      }
    }
  }
  if (state.roots.current().envelope.payload != pinned.payload ||
      state.roots.current().envelope.signatures.size() > pinned.signatures.size()) {
    GOV_RETURN_IF_ERROR(trust.AdvanceRoot(state.roots.current().envelope));
  }
  GOV_RETURN_IF_ERROR(trust.RecordSeen(state.Mark(current, now)));
  return verdict;
}

std::vector<PublicKey> LedgerKeys(const VerifiedRoots& roots) {
  std::vector<PublicKey> keys;
  for (const auto& r : roots.chain) {
    for (const auto& k : r.root.online_keys) {
      bool known = false;
      for (const auto& existing : keys) known = known || existing.keyid() == k.keyid();
      if (!known) keys.push_back(k);
    }
  }
  return keys;
}

StatusOr<GovernanceState> ReadTrustedState(Store& store, const PlaneOptions& options,
                                           StateCheck check) {
  if (!options.trust) return FailedPreconditionError("no trust store: pin the governance root");
  GovernanceState state;
  const int64_t now = options.clock ? options.clock() : NowSeconds();
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(StateVerdict v, VerifyStoreState(txn, *options.trust, now, check));
    GOV_RETURN_IF_ERROR(v.ToStatus());
    state = std::move(v.state);
    return Status();
  }));
  return state;
}

StatusOr<int64_t> RefreshSnapshot(Store& store, TrustStore& trust, int64_t now) {
  int64_t sequence = 0;
  GOV_RETURN_IF_ERROR(store.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(StateVerdict v,
                         VerifyStoreState(txn, trust, now, {.allow_stale_snapshot = true}));
    GOV_RETURN_IF_ERROR(v.ToStatus());
    GOV_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, txn.ReadLedger());
    LedgerVerification ledger = VerifyLedger(entries, LedgerKeys(v.state.roots));
    if (!ledger.ok) {
      return PermissionDeniedError("ledger: entry " + std::to_string(ledger.first_bad_sequence) +
                                   ": " + ledger.reason);
    }
    GOV_ASSIGN_OR_RETURN(
        LedgerEntry e,
        txn.AppendLedger({"snapshot.refreshed", kUnsignedActor, "snapshot",
                          {{"previous_snapshot_at",
                            FormatRfc3339(v.state.snapshot ? v.state.snapshot->issued_at : 0)},
                           {"ledger_entries_verified", ledger.entries}}}));
    sequence = e.sequence;
    return Status();
  }));
  return sequence;
}

}  // namespace governance
