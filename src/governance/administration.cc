// Governance changes and the root's versions (administration.h).
#include "governance/administration.h"

#include <algorithm>

#include "core/digest.h"
#include "core/random_id.h"
#include "core/time.h"
#include "governance/authority.h"
#include "governance/state.h"

namespace governance {
namespace {

constexpr char kPending[] = "pending";
// Root rotations may repair an expired root or a stale snapshot.
constexpr StateCheck kRepairCheck{.allow_stale_snapshot = true, .allow_expired_root = true};
constexpr char kApplied[] = "applied";

std::string RootId(int64_t version) { return "root-v" + std::to_string(version); }

// Signs `env` with `key` unless that key already signed it.
bool SignOnce(Envelope& env, const PrivateKey& key) {
  for (const auto& s : env.signatures) {
    if (s.keyid == key.keyid()) return false;
  }
  AddSignature(env, key);
  return true;
}

// Whether `change` may follow `state`: what Apply in state.cc would refuse,
// refused before anyone signs it, plus what only the store can tell.
Status ValidateChange(StoreTransaction& txn, const GovernanceChange& c,
                      const GovernanceState& state) {
  switch (c.kind) {
    case ChangeKind::kEnrollKey: {
      if (!c.key) return InvalidArgumentError("an enrolment needs a key");
      if (c.roles.empty()) return InvalidArgumentError("an enrolled key needs at least one role");
      GOV_ASSIGN_OR_RETURN(std::string identity, CanonicalIdentity(c.identity));
      if (identity != c.identity) return InvalidArgumentError("identity is not canonical");
      if (state.FindKey(c.key->keyid())) {
        return AlreadyExistsError("key " + c.key->keyid() + " is already enrolled");
      }
      if (state.root().FindAdmin(c.key->keyid()) || state.root().IsOnlineKey(c.key->keyid())) {
        return InvalidArgumentError("key " + c.key->keyid().substr(0, 16) +
                                    " is an admin or online key of the root; a signing key of "
                                    "another role must be a key of its own");
      }
      return Status();
    }
    case ChangeKind::kSetRoles:
    case ChangeKind::kRevokeKey: {
      const KeyRecord* k = state.FindKey(c.keyid);
      if (!k) return NotFoundError("no enrolled key " + c.keyid);
      if (k->revoked) return FailedPreconditionError("key " + c.keyid + " is already revoked");
      if (c.kind == ChangeKind::kSetRoles && c.roles.empty()) {
        return InvalidArgumentError("a key needs at least one role");
      }
      if (c.kind == ChangeKind::kRevokeKey && c.reason.empty()) {
        return InvalidArgumentError("a key revocation needs a reason");
      }
      return Status();
    }
    case ChangeKind::kSetConfig: {
      if (!c.config) return InvalidArgumentError("a configuration change needs a configuration");
      GOV_RETURN_IF_ERROR(c.config->Validate("configuration"));
      for (const auto& e : c.config->environments) {
        if (e.policy_bundle.empty()) continue;
        GOV_ASSIGN_OR_RETURN(std::optional<std::string> files, txn.GetPolicyBundle(e.policy_bundle));
        if (!files) {
          return InvalidArgumentError("environment " + e.name + " requires policy bundle " +
                                      e.policy_bundle + ", which the store does not hold");
        }
      }
      return Status();
    }
    case ChangeKind::kUpgradeStore:
      return InvalidArgumentError("a store is upgraded only by InitializeGovernance");
  }
  return InvalidArgumentError("unknown change");
}

// Brings the keyring cache in line with an applied change.
Status ApplyToTables(StoreTransaction& txn, const GovernanceChange& c) {
  switch (c.kind) {
    case ChangeKind::kEnrollKey: {
      KeyRecord k;
      k.keyid = c.key->keyid();
      k.identity = c.identity;
      k.roles = c.roles;
      k.public_key_pem = c.key->ToPem();
      k.enrolled_at = c.proposed_at;
      return txn.PutKey(k);
    }
    case ChangeKind::kSetRoles:
    case ChangeKind::kRevokeKey: {
      GOV_ASSIGN_OR_RETURN(KeyRecord k, txn.GetKey(c.keyid));
      if (c.kind == ChangeKind::kSetRoles) {
        k.roles = c.roles;
      } else {
        k.revoked = true;
        k.revoked_at = c.proposed_at;
        k.revocation_reason = c.reason;
      }
      return txn.UpdateKey(k);
    }
    case ChangeKind::kSetConfig:
      return Status();  // the configuration lives only in the chain
    case ChangeKind::kUpgradeStore:
      for (const auto& k : c.legacy_keys) GOV_RETURN_IF_ERROR(txn.UpdateKey(k));
      return Status();
  }
  return Status();
}

nlohmann::json ChangeDetails(const GovernanceChange& c, const Envelope& env,
                             const ThresholdCount& count) {
  return {{"action", ChangeKindName(c.kind)},
          {"summary", c.Summary()},
          {"sequence", c.sequence},
          {"root_version", c.root_version},
          {"change_digest", Sha256DigestOf(env.payload)},
          {"signers", count.signers},
          {"threshold", count.threshold}};
}

// What a committed change adds to what the host knows (RememberWritten).
struct Written {
  LedgerEntry appended;
  int64_t change_count = 0;
  std::string change_head;
};

// Stores a signed change, applying it when its threshold is met.
StatusOr<ChangeOutcome> StoreChange(StoreTransaction& txn, const GovernanceChange& c,
                                    const Envelope& env, const GovernanceRoot& root,
                                    bool root_in_effect, const std::string& actor, bool is_new,
                                    Written* written = nullptr) {
  ChangeOutcome out;
  out.change_id = c.change_id;
  out.summary = c.Summary();
  out.signatures = CountAdminSignatures(env, root);
  out.applied = root_in_effect && out.signatures.met();
  ChangeRecord record{c.change_id, c.sequence, out.applied ? kApplied : kPending, env};
  if (is_new) {
    GOV_RETURN_IF_ERROR(txn.PutChange(record));
  } else {
    GOV_RETURN_IF_ERROR(txn.UpdateChange(record));
  }
  if (out.applied) GOV_RETURN_IF_ERROR(ApplyToTables(txn, c));
  GOV_ASSIGN_OR_RETURN(
      LedgerEntry e,
      txn.AppendLedger({out.applied ? "governance.applied"
                                    : (is_new ? "governance.proposed" : "governance.signed"),
                        actor, c.change_id, ChangeDetails(c, env, out.signatures)}));
  out.ledger_sequence = e.sequence;
  if (written) {
    *written = Written{e, out.applied ? c.sequence : 0,
                       out.applied ? Sha256DigestOf(env.payload) : std::string()};
  }
  return out;
}

StatusOr<GovernanceChange> ParseStoredChange(const ChangeRecord& r) {
  return ParseChangePayload(r.envelope.payload, "governance change " + r.change_id);
}

// The legacy key as the upgrade carries it: canonical identity, or, when it
// has none, revoked under a placeholder name.
KeyRecord CarryOver(KeyRecord k, int64_t now) {
  auto canonical = CanonicalIdentity(k.identity);
  if (canonical.ok()) {
    k.identity = *canonical;
  } else {
    k.revocation_reason = "identity \"" + k.identity + "\" is not canonical (" +
                          canonical.status().message() +
                          "); enrol a new key under a canonical identity";
    k.identity = "legacy-" + k.keyid.substr(0, 12);
    if (!k.revoked) {
      k.revoked = true;
      k.revoked_at = now;
    }
  }
  return k;
}

}  // namespace

StatusOr<InitOutcome> InitializeGovernance(Store& store, const InitRequest& request,
                                           const PlaneOptions& options) {
  const int64_t now = NowUnder(options.clock);
  if (request.signing_admins.empty()) {
    return InvalidArgumentError("the governance root needs at least one admin to sign it");
  }
  if (!request.online_key) return InvalidArgumentError("the governance root needs an online key");
  GOV_ASSIGN_OR_RETURN(GovernanceRoot root,
                       NewRoot(request.admins, request.admin_threshold, {*request.online_key}, now,
                               request.root_ttl_seconds));
  for (const PrivateKey* key : request.signing_admins) {
    if (!root.FindAdmin(key->keyid())) {
      return InvalidArgumentError("signing key " + key->keyid().substr(0, 16) +
                                  " is not one of the root's admins");
    }
  }
  // Policy is on unless the caller opts out: without a bundle, every
  // environment that names none requires the default one.
  std::optional<PolicyBundle> policy = request.policy;
  if (!policy && !request.require_no_policy) {
    GOV_ASSIGN_OR_RETURN(PolicyBundle builtin, DefaultPolicyBundle());
    policy = std::move(builtin);
  } else if (policy && request.require_no_policy) {
    return InvalidArgumentError("give a policy bundle or require_no_policy, not both");
  }
  GovernanceConfig config = request.config;
  if (policy) {
    for (auto& e : config.environments) {
      if (e.policy_bundle.empty()) e.policy_bundle = policy->digest();
    }
  }
  GOV_RETURN_IF_ERROR(config.Validate("configuration"));
  const Envelope root_env = SignRoot(root, request.signing_admins);
  const std::string domain = Sha256DigestOf(root_env.payload);
  const ThresholdCount root_count = CountAdminSignatures(root_env, root);
  const std::string actor = root.FindAdmin(request.signing_admins[0]->keyid())->identity;

  InitOutcome outcome;
  GOV_RETURN_IF_ERROR(store.Transact([&](StoreTransaction& txn) -> Status {
    outcome = InitOutcome();
    GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
    if (!roots.empty()) {
      return FailedPreconditionError("the store already has a governance root (v" +
                                     std::to_string(roots.back().version) + ")");
    }
    GOV_ASSIGN_OR_RETURN(std::vector<KeyRecord> legacy_keys, txn.ListKeys());
    GOV_ASSIGN_OR_RETURN(std::vector<Revocation> legacy_revocations, txn.ListRevocations());
    outcome.upgraded = !legacy_keys.empty() || !legacy_revocations.empty();
    if (outcome.upgraded && !root_count.met()) {
      return FailedPreconditionError(
          "upgrading a store made before governance roots needs the whole admin threshold at "
          "once: " + root_count.Describe());
    }
    outcome.root = {root, root_env, domain};
    outcome.root_applied = root_count.met();
    GOV_RETURN_IF_ERROR(txn.PutRoot({1, outcome.root_applied ? kApplied : kPending, root_env}));
    GOV_RETURN_IF_ERROR(txn.AppendLedger({outcome.root_applied ? "governance.root" : "governance.root-proposed",
                                          actor, RootId(1),
                                          {{"root_digest", domain},
                                           {"admins", root.admins.size()},
                                           {"threshold", root.admin_threshold},
                                           {"online_keyid", request.online_key->keyid()},
                                           {"signers", root_count.signers}}})
                            .status());
    if (policy) {
      GOV_RETURN_IF_ERROR(txn.PutPolicyBundle(policy->digest(), policy->Serialize()));
      GOV_RETURN_IF_ERROR(txn.AppendLedger({"policy.stored", actor, policy->digest(),
                                            {{"files", policy->files()}}})
                              .status());
    }
    std::vector<GovernanceChange> changes;
    if (outcome.upgraded) {
      GovernanceChange upgrade;
      upgrade.kind = ChangeKind::kUpgradeStore;
      for (auto& k : legacy_keys) upgrade.legacy_keys.push_back(CarryOver(k, now));
      upgrade.legacy_revocations = legacy_revocations;
      upgrade.reason = "keys and revocations recorded before the store had a governance root";
      changes.push_back(std::move(upgrade));
      // What only the CLI kept before roots: superseded by the signed chain.
      for (const char* name : {"governance.config", "policy.bundle_dir", "ledger.public_key"}) {
        GOV_ASSIGN_OR_RETURN(std::optional<std::string> old, txn.GetSetting(name));
        if (old) GOV_RETURN_IF_ERROR(txn.PutSetting(name, ""));
      }
    }
    GovernanceChange set_config;
    set_config.kind = ChangeKind::kSetConfig;
    set_config.config = config;
    set_config.reason = "the first configuration";
    changes.push_back(std::move(set_config));
    std::string previous;
    for (size_t i = 0; i < changes.size(); ++i) {
      GovernanceChange& c = changes[i];
      c.change_id = RandomId("chg-");
      c.domain = domain;
      c.root_version = 1;
      c.sequence = static_cast<int64_t>(i) + 1;
      c.previous = previous;
      c.proposed_at = now;
      c.proposed_by = actor;
      Envelope env{std::string(kChangePayloadType), ChangePayload(c), {}};
      for (const PrivateKey* key : request.signing_admins) SignOnce(env, *key);
      GOV_ASSIGN_OR_RETURN(ChangeOutcome co,
                           StoreChange(txn, c, env, root, outcome.root_applied, actor, true));
      outcome.changes.push_back(std::move(co));
      previous = Sha256DigestOf(env.payload);
    }
    return Status();
  }));
  return outcome;
}

Administration::Administration(Store& store, PlaneOptions options)
    : store_(store), options_(std::move(options)) {}

StatusOr<ChangeOutcome> Administration::Propose(GovernanceChange change, const PrivateKey& admin) {
  const int64_t now = NowUnder(options_.clock);
  ChangeOutcome out;
  Written written;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    const GovernanceRoot& root = state.root();
    const AdminKey* who = root.FindAdmin(admin.keyid());
    if (!who) {
      return PermissionDeniedError("key " + admin.keyid().substr(0, 16) +
                                   " is not an admin of root v" + std::to_string(root.version) +
                                   "; a governance change needs " +
                                   std::to_string(root.admin_threshold) + " admin signature(s)");
    }
    GovernanceChange c = change;
    c.change_id = RandomId("chg-");
    c.domain = state.domain();
    c.root_version = root.version;
    c.sequence = static_cast<int64_t>(state.changes.size()) + 1;
    c.previous = state.change_head;
    c.proposed_at = now;
    c.proposed_by = who->identity;
    GOV_RETURN_IF_ERROR(ValidateChange(txn, c, state));
    Envelope env{std::string(kChangePayloadType), ChangePayload(c), {}};
    AddSignature(env, admin);
    GOV_ASSIGN_OR_RETURN(out, StoreChange(txn, c, env, root, true, who->identity, true, &written));
    return Status();
  }));
  RememberWritten(options_, written.appended, written.change_count, written.change_head);
  return out;
}

StatusOr<ChangeOutcome> Administration::Sign(const std::string& id, const PrivateKey& admin) {
  const int64_t now = NowUnder(options_.clock);
  ChangeOutcome out;
  Written written;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    out = ChangeOutcome();
    if (id.rfind("root-v", 0) == 0) {
      GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
      const RootRecord* pending = nullptr;
      for (const auto& r : roots) {
        if (RootId(r.version) == id && r.state == kPending) pending = &r;
      }
      if (!pending) return NotFoundError("no pending root " + id);
      RootRecord record = *pending;
      GOV_ASSIGN_OR_RETURN(SignedRoot next, ParseSignedRoot(record.envelope, id));
      std::optional<GovernanceRoot> previous;
      if (next.root.version == 1) {
        // Nothing verifies yet: the proposal must be the root this host pinned.
        if (!options_.trust) return FailedPreconditionError("no trust store: pin the root");
        GOV_ASSIGN_OR_RETURN(Envelope pinned, options_.trust->Root());
        if (pinned.payload != record.envelope.payload) {
          return PermissionDeniedError("the pending root v1 is not the root this host pinned");
        }
      } else {
        GOV_ASSIGN_OR_RETURN(GovernanceState state,
                             LoadTrustedState(txn, options_, now, kRepairCheck));
        if (state.root().version + 1 != next.root.version) {
          return FailedPreconditionError(id + " is stale: root v" +
                                         std::to_string(state.root().version) + " is current");
        }
        previous = state.root();
      }
      const AdminKey* who = next.root.FindAdmin(admin.keyid());
      if (!who && previous) who = previous->FindAdmin(admin.keyid());
      if (!who) {
        return PermissionDeniedError("key " + admin.keyid().substr(0, 16) +
                                     " is not an admin of " + id + " or of the root before it");
      }
      if (!SignOnce(record.envelope, admin)) {
        return AlreadyExistsError(who->identity + " already signed " + id);
      }
      ThresholdCount mine = CountAdminSignatures(record.envelope, next.root);
      ThresholdCount old = previous ? CountAdminSignatures(record.envelope, *previous) : mine;
      out.change_id = id;
      out.summary = "root v" + std::to_string(next.root.version);
      out.signatures = mine;
      out.applied = mine.met() && old.met();
      record.state = out.applied ? kApplied : kPending;
      GOV_RETURN_IF_ERROR(txn.UpdateRoot(record));
      GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                           txn.AppendLedger({out.applied ? "governance.root" : "governance.root-signed",
                                             who->identity, id,
                                             {{"root_digest", next.digest},
                                              {"signers", mine.signers},
                                              {"previous_admins_signed", old.signers}}}));
      out.ledger_sequence = e.sequence;
      if (out.applied && next.root.version == 1) {
        // Changes proposed with the root were waiting for it to take effect.
        GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> changes, txn.ListChanges());
        for (const auto& r : changes) {
          if (r.state != kPending) continue;
          GOV_ASSIGN_OR_RETURN(GovernanceChange c, ParseStoredChange(r));
          if (CountAdminSignatures(r.envelope, next.root).met()) {
            GOV_RETURN_IF_ERROR(StoreChange(txn, c, r.envelope, next.root, true, who->identity,
                                            false).status());
          }
        }
      }
      return Status();
    }
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> changes, txn.ListChanges());
    const ChangeRecord* found = nullptr;
    for (const auto& r : changes) {
      if (r.change_id == id) found = &r;
    }
    if (!found) return NotFoundError("no governance change " + id);
    if (found->state == kApplied) return FailedPreconditionError(id + " is already in effect");
    ChangeRecord record = *found;
    GOV_ASSIGN_OR_RETURN(GovernanceChange c, ParseStoredChange(record));
    const GovernanceRoot& root = state.root();
    if (c.sequence != static_cast<int64_t>(state.changes.size()) + 1 ||
        c.previous != state.change_head || c.root_version != root.version) {
      return FailedPreconditionError(id + " is stale: other changes took effect after it was "
                                          "proposed; propose it again");
    }
    const AdminKey* who = root.FindAdmin(admin.keyid());
    if (!who) {
      return PermissionDeniedError("key " + admin.keyid().substr(0, 16) +
                                   " is not an admin of root v" + std::to_string(root.version));
    }
    GOV_RETURN_IF_ERROR(ValidateChange(txn, c, state));
    if (!SignOnce(record.envelope, admin)) {
      return AlreadyExistsError(who->identity + " already signed " + id);
    }
    GOV_ASSIGN_OR_RETURN(out, StoreChange(txn, c, record.envelope, root, true, who->identity,
                                          false, &written));
    return Status();
  }));
  RememberWritten(options_, written.appended, written.change_count, written.change_head);
  return out;
}

StatusOr<ChangeOutcome> Administration::EnrollKey(const PublicKey& key, const std::string& identity,
                                                  const std::vector<Role>& roles,
                                                  const PrivateKey& admin) {
  GovernanceChange c;
  c.kind = ChangeKind::kEnrollKey;
  c.key = key;
  GOV_ASSIGN_OR_RETURN(c.identity, CanonicalIdentity(identity));
  c.roles = roles;
  return Propose(std::move(c), admin);
}

StatusOr<ChangeOutcome> Administration::SetRoles(const std::string& keyid,
                                                 const std::vector<Role>& roles,
                                                 const PrivateKey& admin) {
  GovernanceChange c;
  c.kind = ChangeKind::kSetRoles;
  c.keyid = keyid;
  c.roles = roles;
  return Propose(std::move(c), admin);
}

StatusOr<ChangeOutcome> Administration::RevokeKey(const std::string& keyid,
                                                  const std::string& reason,
                                                  const PrivateKey& admin) {
  GovernanceChange c;
  c.kind = ChangeKind::kRevokeKey;
  c.keyid = keyid;
  c.reason = reason;
  return Propose(std::move(c), admin);
}

StatusOr<ChangeOutcome> Administration::SetConfig(const GovernanceConfig& config,
                                                  const PrivateKey& admin) {
  GovernanceChange c;
  c.kind = ChangeKind::kSetConfig;
  c.config = config;
  return Propose(std::move(c), admin);
}

StatusOr<ChangeOutcome> Administration::RequirePolicy(const PolicyBundle& bundle,
                                                      const std::vector<std::string>& environments,
                                                      const PrivateKey& admin) {
  const int64_t now = NowUnder(options_.clock);
  GovernanceConfig config;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(GovernanceState state, LoadTrustedState(txn, options_, now));
    if (!state.root().FindAdmin(admin.keyid())) {
      return PermissionDeniedError("key " + admin.keyid().substr(0, 16) +
                                   " is not an admin of the governance root");
    }
    config = state.config;
    for (const auto& env : environments) {
      if (!config.Find(env)) return InvalidArgumentError("unknown environment \"" + env + "\"");
    }
    for (auto& e : config.environments) {
      if (environments.empty() ||
          std::find(environments.begin(), environments.end(), e.name) != environments.end()) {
        e.policy_bundle = bundle.digest();
      }
    }
    GOV_RETURN_IF_ERROR(txn.PutPolicyBundle(bundle.digest(), bundle.Serialize()));
    return txn
        .AppendLedger({"policy.stored", state.root().FindAdmin(admin.keyid())->identity,
                       bundle.digest(), {{"files", bundle.files()}}})
        .status();
  }));
  return SetConfig(config, admin);
}

StatusOr<ChangeOutcome> Administration::RotateRoot(GovernanceRoot next,
                                                   const std::vector<const PrivateKey*>& signers) {
  const int64_t now = NowUnder(options_.clock);
  if (signers.empty()) return InvalidArgumentError("a root rotation needs at least one signer");
  ChangeOutcome out;
  GOV_RETURN_IF_ERROR(store_.Transact([&](StoreTransaction& txn) -> Status {
    // Renewing an expired root, or rotating after the snapshot went stale,
    // is how admins repair a store: both are allowed here, and only here.
    GOV_ASSIGN_OR_RETURN(GovernanceState state,
                         LoadTrustedState(txn, options_, now, kRepairCheck));
    const SignedRoot& current = state.roots.current();
    next.version = current.root.version + 1;
    next.domain = state.domain();
    next.previous = current.digest;
    next.changes_before = static_cast<int64_t>(state.changes.size());
    if (next.issued_at == 0) next.issued_at = now;
    if (next.expires_at == 0) next.expires_at = now + kDefaultRootTtlSeconds;
    GOV_ASSIGN_OR_RETURN(GovernanceRoot checked,
                         ParseRootPayload(RootPayload(next), "the next root"));
    GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
    for (const auto& r : roots) {
      if (r.version == next.version) {
        return AlreadyExistsError("root v" + std::to_string(next.version) +
                                  " is already proposed; sign it (mgov admin sign " +
                                  RootId(next.version) + ")");
      }
    }
    Envelope env{std::string(kRootPayloadType), RootPayload(checked), {}};
    for (const PrivateKey* key : signers) {
      if (!checked.FindAdmin(key->keyid()) && !current.root.FindAdmin(key->keyid())) {
        return PermissionDeniedError("key " + key->keyid().substr(0, 16) +
                                     " is an admin of neither root v" +
                                     std::to_string(current.root.version) + " nor v" +
                                     std::to_string(next.version));
      }
      SignOnce(env, *key);
    }
    ThresholdCount old_admins = CountAdminSignatures(env, current.root);
    ThresholdCount new_admins = CountAdminSignatures(env, checked);
    out.change_id = RootId(next.version);
    out.summary = "root v" + std::to_string(next.version);
    out.signatures = new_admins;
    out.applied = old_admins.met() && new_admins.met();
    GOV_RETURN_IF_ERROR(txn.PutRoot({next.version, out.applied ? kApplied : kPending, env}));
    const PrivateKey* first = signers[0];
    const AdminKey* who = current.root.FindAdmin(first->keyid());
    if (!who) who = checked.FindAdmin(first->keyid());
    GOV_ASSIGN_OR_RETURN(LedgerEntry e,
                         txn.AppendLedger({out.applied ? "governance.root" : "governance.root-proposed",
                                           who->identity, out.change_id,
                                           {{"root_digest", Sha256DigestOf(env.payload)},
                                            {"signers", new_admins.signers},
                                            {"previous_admins_signed", old_admins.signers}}}));
    out.ledger_sequence = e.sequence;
    return Status();
  }));
  return out;
}

StatusOr<std::vector<ChangeStatus>> Administration::PendingChanges() {
  const int64_t now = NowUnder(options_.clock);
  std::vector<ChangeStatus> out;
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    out.clear();
    GOV_ASSIGN_OR_RETURN(std::vector<ChangeRecord> changes, txn.ListChanges());
    std::optional<GovernanceState> state;
    if (options_.trust) {
      GOV_ASSIGN_OR_RETURN(StateVerdict v, VerifyStoreState(txn, *options_.trust, now));
      if (v.trusted()) state = std::move(v.state);
    }
    for (const auto& r : changes) {
      if (r.state == kApplied) continue;
      GOV_ASSIGN_OR_RETURN(GovernanceChange c, ParseStoredChange(r));
      ChangeStatus st{c, r.envelope, kPending, {}};
      if (state) {
        const bool fresh = c.sequence == static_cast<int64_t>(state->changes.size()) + 1 &&
                           c.previous == state->change_head &&
                           c.root_version == state->root().version;
        if (!fresh) st.state = "stale";
        st.signatures = CountAdminSignatures(r.envelope, state->root());
      }
      out.push_back(std::move(st));
    }
    return Status();
  }));
  return out;
}

StatusOr<std::vector<RootProposalStatus>> Administration::PendingRoots() {
  std::vector<RootProposalStatus> out;
  GOV_RETURN_IF_ERROR(store_.Read([&](StoreTransaction& txn) -> Status {
    out.clear();
    GOV_ASSIGN_OR_RETURN(std::vector<RootRecord> roots, txn.ListRoots());
    for (const auto& r : roots) {
      if (r.state != kPending) continue;
      GOV_ASSIGN_OR_RETURN(SignedRoot proposal, ParseSignedRoot(r.envelope, RootId(r.version)));
      RootProposalStatus st{proposal, {}, CountAdminSignatures(r.envelope, proposal.root)};
      for (const auto& prev : roots) {
        if (prev.version + 1 == r.version && prev.state == kApplied) {
          auto parsed = ParseSignedRoot(prev.envelope, RootId(prev.version));
          if (parsed.ok()) st.old_admins = CountAdminSignatures(r.envelope, parsed->root);
        }
      }
      out.push_back(std::move(st));
    }
    return Status();
  }));
  return out;
}

}  // namespace governance
