// Governance changes: who may sign what, and the rules. Every change to the
// keyring (enrolment, roles, key revocation), to the configuration
// (environment rules, the policy bundle each environment requires) and to the
// root itself takes effect only when a threshold of the root's admins signed
// it. The effective keyring and configuration are derived from the chain of
// applied changes; the store's tables are a cache the gates check against it.
//
//   Administration admin(*store, options);
//   auto out = admin.EnrollKey(alice_pub, "alice", {Role::kApprover}, admin_key);
//   if (!out->applied) {            // threshold 2: wait for a second admin
//     admin.Sign(out->change_id, second_admin_key);
//   }
//
// Changes form a chain: change k names change k-1's payload digest and the
// root version whose admins authorise it, so a change cannot be removed,
// reordered or replayed into another domain. A proposal waits ("pending")
// until enough admins have signed; a proposal made before the chain moved on
// is stale and must be proposed again.
//
// Thread-safety: as the Store.
#ifndef GOVERNANCE_ADMINISTRATION_H_
#define GOVERNANCE_ADMINISTRATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "governance/config.h"
#include "governance/coordinator.h"
#include "governance/dsse.h"
#include "governance/keys.h"
#include "governance/policy.h"
#include "governance/status.h"
#include "governance/store.h"
#include "governance/trust.h"

namespace governance {

inline constexpr std::string_view kChangePayloadType =
    "application/vnd.mgov.governance-change+json";
inline constexpr std::string_view kChangeType = "https://mgov.dev/governance-change/v1";

enum class ChangeKind {
  kEnrollKey,     // a new key: identity and roles
  kSetRoles,      // an enrolled key's roles
  kRevokeKey,     // an enrolled key stops counting
  kSetConfig,     // the whole configuration
  kUpgradeStore,  // keys and revocations of a store made before governance roots
};

std::string_view ChangeKindName(ChangeKind kind);  // "key.enroll", ...

struct GovernanceChange {
  std::string change_id;      // "chg-<24 hex>"
  std::string domain;         // the root's domain
  int64_t root_version = 1;   // whose admins authorise it
  int64_t sequence = 1;       // its place in the chain, from 1
  std::string previous;       // payload digest of change sequence-1; empty for the first
  int64_t proposed_at = 0;
  std::string proposed_by;    // admin identity
  ChangeKind kind = ChangeKind::kEnrollKey;
  std::string reason;         // why; required for kRevokeKey

  // kEnrollKey: the key, its canonical identity and roles.
  std::optional<PublicKey> key;
  std::string identity;
  // kEnrollKey, kSetRoles: the roles. kSetRoles, kRevokeKey: the key id.
  std::vector<Role> roles;
  std::string keyid;
  // kSetConfig.
  std::optional<GovernanceConfig> config;
  // kUpgradeStore: what the store held before it had a root; the admins'
  // signature is what makes these count.
  std::vector<KeyRecord> legacy_keys;
  std::vector<Revocation> legacy_revocations;

  // One line: "enrol key 3f2a9c01… for alice (approver)".
  std::string Summary() const;
};

// The canonical JSON payload of `change`.
std::string ChangePayload(const GovernanceChange& change);
// Parses and validates a payload. InvalidArgument naming the JSON path.
StatusOr<GovernanceChange> ParseChangePayload(std::string_view payload, std::string_view origin);

// A change and where it stands.
struct ChangeStatus {
  GovernanceChange change;
  Envelope envelope;
  std::string state;  // "pending", "applied", "stale"
  ThresholdCount signatures;
};

// A pending root version (a rotation, or version 1 when its threshold is
// above one admin) and its signatures by the old and new admins.
struct RootProposalStatus {
  SignedRoot proposal;
  ThresholdCount old_admins;  // empty threshold for version 1
  ThresholdCount new_admins;
};

struct ChangeOutcome {
  std::string change_id;
  bool applied = false;     // the threshold is met: in effect now
  ThresholdCount signatures;
  std::string summary;
  int64_t ledger_sequence = 0;
};

struct InitRequest {
  // The root's admins and threshold.
  std::vector<AdminKey> admins;
  int admin_threshold = 1;
  // The admins signing now; each must be one of `admins`.
  std::vector<const PrivateKey*> signing_admins;
  // The store's online key (it also signs the ledger and the snapshots):
  // the public half of the store's ledger key. Required.
  std::optional<PublicKey> online_key;
  GovernanceConfig config = GovernanceConfig::Default();
  // A bundle to store and require for every environment whose rule names no
  // bundle of its own. Default: DefaultPolicyBundle() (policy.h), so that a
  // store made through the library evaluates policy as one made by
  // `mgov init` does.
  std::optional<PolicyBundle> policy;
  // Requires no bundle at all (`mgov init --no-policy`): approvals are then
  // issued without evaluating any policy. An explicit choice, never a
  // default; InvalidArgument together with `policy`.
  bool require_no_policy = false;
  int64_t root_ttl_seconds = kDefaultRootTtlSeconds;
};

struct InitOutcome {
  SignedRoot root;            // version 1 (complete only when root_applied)
  bool root_applied = false;  // false: more admins must sign `mgov admin sign root-v1`
  std::vector<ChangeOutcome> changes;  // the configuration, and the upgrade of a legacy store
  bool upgraded = false;      // the store held keys or revocations from before roots
};

// Creates the governance root (version 1) and its first configuration change
// in a store that has no root. A store made before roots existed is
// upgraded: its keys and revocations are carried into one kUpgradeStore
// change, which counts only once the admins sign it, and its ledger is kept.
// FailedPrecondition when the store already has a root.
StatusOr<InitOutcome> InitializeGovernance(Store& store, const InitRequest& request,
                                           const PlaneOptions& options = {});

class Administration {
 public:
  // REQUIRES: options.trust set (the pinned root).
  Administration(Store& store, PlaneOptions options);

  // Fills in the chain fields of `change` (domain, root version, sequence,
  // previous, id, time, proposer), signs it with `admin` and stores it; it
  // is applied at once when `admin` alone meets the threshold.
  // PermissionDenied (nothing stored) when `admin` is not an admin of the
  // current root; InvalidArgument for an invalid change (unknown key, a
  // second enrolment of a key, a config that does not validate, a bundle the
  // store does not hold).
  StatusOr<ChangeOutcome> Propose(GovernanceChange change, const PrivateKey& admin);
  // Adds `admin`'s signature to a pending change or root proposal
  // ("root-v<N>") and applies it once the threshold is met.
  // FailedPrecondition for a stale or applied change; AlreadyExists when
  // `admin` already signed.
  StatusOr<ChangeOutcome> Sign(const std::string& change_id, const PrivateKey& admin);

  StatusOr<ChangeOutcome> EnrollKey(const PublicKey& key, const std::string& identity,
                                    const std::vector<Role>& roles, const PrivateKey& admin);
  StatusOr<ChangeOutcome> SetRoles(const std::string& keyid, const std::vector<Role>& roles,
                                   const PrivateKey& admin);
  StatusOr<ChangeOutcome> RevokeKey(const std::string& keyid, const std::string& reason,
                                    const PrivateKey& admin);
  StatusOr<ChangeOutcome> SetConfig(const GovernanceConfig& config, const PrivateKey& admin);
  // Stores `bundle` and proposes the current configuration with `bundle`
  // required for `environments` (every environment when empty).
  StatusOr<ChangeOutcome> RequirePolicy(const PolicyBundle& bundle,
                                        const std::vector<std::string>& environments,
                                        const PrivateKey& admin);

  // Proposes the next root version: `next` (its version, domain, previous and
  // changes_before are filled in) signed by each of `signers`, who may be old
  // or new admins. It takes effect when both thresholds are met.
  StatusOr<ChangeOutcome> RotateRoot(GovernanceRoot next,
                                     const std::vector<const PrivateKey*>& signers);

  // Pending and stale changes, and pending root versions.
  StatusOr<std::vector<ChangeStatus>> PendingChanges();
  StatusOr<std::vector<RootProposalStatus>> PendingRoots();

 private:
  Store& store_;
  PlaneOptions options_;
};

}  // namespace governance

#endif  // GOVERNANCE_ADMINISTRATION_H_
