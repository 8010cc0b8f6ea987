// The governance state a host can believe: derived from the root it pinned
// and the signed facts a store holds, and checked against the store's tables
// and its online key's snapshot. Every plane starts an action here; none
// reads keys, rules or revocations from tables it has not checked.
//
//   StatusOr<StateVerdict> v = VerifyStoreState(txn, *options.trust, now);
//   if (!v->ok()) return v->ToStatus();        // PermissionDenied, naming why
//   const KeyRecord* key = v->state.FindKey(keyid);
//
// What is checked, in order ("trust"): the root chain from the pinned root
// (trust.h); every applied governance change (chain links, domain, the
// threshold of the root in effect); the keys table against the keyring those
// changes establish; every revocation (signed by an enrolled key of its
// revoker, or carried over by the admins' upgrade change). Then
// ("snapshot"): the snapshot is signed by an online key of the current root,
// equals what the store holds (snapshot.h), is younger than the configured
// freshness window, and the ledger extends the newest state this host saw.
#ifndef GOVERNANCE_STATE_H_
#define GOVERNANCE_STATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "governance/administration.h"
#include "governance/config.h"
#include "governance/coordinator.h"
#include "governance/keys.h"
#include "governance/snapshot.h"
#include "governance/store.h"
#include "governance/trust.h"

namespace governance {

struct GovernanceState {
  VerifiedRoots roots;
  std::vector<GovernanceChange> changes;  // applied, in chain order
  std::vector<KeyRecord> keys;            // the effective keyring, by enrolment
  GovernanceConfig config = GovernanceConfig::Default();
  std::vector<Revocation> revocations;    // every revocation that counts
  std::optional<Snapshot> snapshot;

  const GovernanceRoot& root() const { return roots.current().root; }
  const std::string& domain() const { return roots.domain(); }
  // The effective key, or nullptr when no applied change enrolled it.
  const KeyRecord* FindKey(std::string_view keyid) const;
  // The head of the change chain: the last change's payload digest ("" none),
  // and each change's, in order.
  std::string change_head;
  std::vector<std::string> change_digests;

  // What a host records having seen of this state (trust.h).
  LedgerMark Mark(const StoreState& store, int64_t now) const;
};

struct StateVerdict {
  std::string trust_problem;     // empty when the roots, changes and tables verify
  std::string snapshot_problem;  // empty when the snapshot matches and is fresh
  GovernanceState state;         // complete only when trusted()

  bool trusted() const { return trust_problem.empty(); }
  bool ok() const { return trusted() && snapshot_problem.empty(); }
  // OK, or PermissionDenied "trust: ..." / "snapshot: ...".
  Status ToStatus() const;
};

// What a verification may overlook, for the few actions that repair a state.
struct StateCheck {
  // A snapshot older than the freshness window (RefreshSnapshot, audits,
  // root rotations).
  bool allow_stale_snapshot = false;
  // A current root past its expiry (renewing it, audits).
  bool allow_expired_root = false;
  // This host's own limit on the snapshot's age, in seconds, when it wants
  // fresher state than the admins' window (snapshot_ttl): the holder of the
  // online key can keep re-signing an old view, so a host that must hear of
  // revocations quickly asks for a short one. 0: the admins' window.
  int64_t max_snapshot_age_seconds = 0;
};

// Verifies the state `txn` sees against `trust` at `now`, as described above.
// On success it advances the pinned root to the store's newest verified one
// and records the mark (trust.h). Errors are for a store that cannot be
// read; every verification failure is in the verdict.
StatusOr<StateVerdict> VerifyStoreState(StoreTransaction& txn, TrustStore& trust, int64_t now,
                                        StateCheck check = {});

// The verified state of `store`, read in a transaction of its own: what
// listing commands show. PermissionDenied (StateVerdict::ToStatus) when it
// does not verify; FailedPrecondition without options.trust.
StatusOr<GovernanceState> ReadTrustedState(Store& store, const PlaneOptions& options,
                                           StateCheck check = {});

// Re-signs the snapshot of a store whose state verifies in every respect but
// freshness, after verifying the whole ledger chain against the online keys
// of every root version: what `mgov snapshot` does for a store nobody wrote to
// within the freshness window. Appends "snapshot.refreshed" and returns its
// sequence; PermissionDenied naming what does not verify.
StatusOr<int64_t> RefreshSnapshot(Store& store, TrustStore& trust, int64_t now);

// The online keys of every root version, oldest first: the keys a ledger
// entry of this domain may be signed by.
std::vector<PublicKey> LedgerKeys(const VerifiedRoots& roots);

// The parts shared with offline verification (verification_bundle.h): the
// keyring and configuration from `changes` (envelopes in chain order), and
// whether `revocation` counts. Each returns "" or what does not verify.
std::string DeriveFromChanges(const std::vector<Envelope>& changes, GovernanceState& state);
std::string CheckRevocation(const Revocation& revocation, const GovernanceState& state);
// The snapshot envelope's signature by an online key of the current root,
// its freshness and its facts (recomputed from `facts`). Fills state.snapshot.
// `max_age` > 0 shortens the admins' freshness window (StateCheck).
std::string CheckSnapshot(const Envelope& snapshot, const FactsState& facts,
                          GovernanceState& state, int64_t now, bool require_fresh = true,
                          int64_t max_age = 0);

}  // namespace governance

#endif  // GOVERNANCE_STATE_H_
