// Attacks on who may approve, what the rules are and what was revoked, by
// someone who can write the store (SQL, or the library with no key of the
// right role), or who holds the store's online key. Each must fail, naming
// the gate or check that stops it.
#include <sqlite3.h>

#include <doctest/doctest.h>

#include "core/digest.h"
#include "core/document.h"
#include "core/encoding.h"
#include "core/sha256.h"
#include "core/time.h"
#include "governance/integrity.h"
#include "governance/statements.h"
#include "planes_fixture.h"
#include "store/merkle_frontier.h"

namespace governance {
namespace {

using testing::CheckFailedGates;
using testing::GateNamed;
using testing::kDay;

class TrustAttack : public testing::PlanesFixture {
 public:
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(db_path_.c_str(), &db) == SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    INFO(sql << ": " << (err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
  }

  IntegrityReport Audit(TrustStore* trust = nullptr) {
    IntegrityReport report;
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(report, AuditStoreIntegrity(t, trust ? *trust : *plane_options_.trust,
                                                       now_, std::nullopt));
      return Status();
    }).ok());
    return report;
  }

  // The problem the audit names for `table`, or "".
  static std::string ProblemIn(const IntegrityReport& r, const std::string& table) {
    for (const auto& p : r.problems) {
      if (p.table == table) return p.what;
    }
    return "";
  }

  // Signs `config` as a change the way an admin would, but with `key`, and
  // writes it straight into the chain.
  void ForgeConfigChange(const GovernanceConfig& config, const PrivateKey& key) {
    GovernanceState state = State();
    GovernanceChange c;
    c.change_id = "chg-forged";
    c.domain = state.domain();
    c.root_version = state.root().version;
    c.sequence = static_cast<int64_t>(state.changes.size()) + 1;
    c.previous = state.change_head;
    c.proposed_at = now_;
    c.proposed_by = "mallory";
    c.kind = ChangeKind::kSetConfig;
    c.config = config;
    Envelope env{std::string(kChangePayloadType), ChangePayload(c), {}};
    AddSignature(env, key);
    Tamper("INSERT INTO governance_changes VALUES ('chg-forged', " + std::to_string(c.sequence) +
           ", 'applied', '" + EnvelopeToJson(env) + "', 99)");
  }

  // fraud 1 and then fraud 2 approved and deployed to staging; model.bin
  // holds fraud 1's weights again. Returns both approval ids.
  std::pair<std::string, std::string> TwoVersionsInStaging() {
    const std::string v1 = Approve({"staging"});
    REQUIRE(Deploy(v1, "staging")->promoted);
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v2").ok());
    GovernancePlane gov(*store_, plane_options_);
    ApprovalRequest req;
    req.environments = {"staging"};
    auto v2 = gov.Approve(Train("fraud", "2").envelope, req, alice_);
    REQUIRE(v2->approved);
    REQUIRE(gov.Cosign(v2->approval.approval_id, bob_).ok());
    REQUIRE(Deploy(v2->approval.approval_id, "staging")->promoted);
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
    return {v1, v2->approval.approval_id};
  }

  // An approval statement for `trained` written by hand, as a library caller
  // that skips GovernancePlane::Approve would: staging, valid for a day.
  ModelApproval HandWritten(const std::string& id, const SignedTrainingOutput& trained) {
    ModelApproval a;
    a.approval_id = id;
    a.domain = State().domain();
    a.model_id = trained.output.model_id;
    a.model_version = trained.output.model_version;
    a.artifact_digest = trained.output.artifact.digest;
    a.environments = {"staging"};
    a.issued_at = a.not_before = now_;
    a.expires_at = now_ + kDay;
    a.training_output_digest = trained.digest;
    a.trainer = trained.output.trainer;
    return a;
  }

  // Signs `a` with `signers` and writes it straight into the store.
  void PutSigned(const ModelApproval& a, std::vector<const PrivateKey*> signers) {
    Envelope env{std::string(kInTotoPayloadType), ApprovalStatement(a), {}};
    for (const PrivateKey* key : signers) AddSignature(env, *key);
    REQUIRE(store_->Transact([&](StoreTransaction& t) {
      return t.PutApproval({a.approval_id, a.model_id, a.model_version, a.artifact_digest, env, now_});
    }).ok());
  }

  GovernanceState State() {
    GovernanceState state;
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(StateVerdict v, VerifyStoreState(t, *plane_options_.trust, now_));
      REQUIRE_MESSAGE(v.ok(), v.ToStatus().ToString());
      state = v.state;
      return Status();
    }).ok());
    return state;
  }

  // A copy of the database file (SQLite), to restore later.
  std::string CopyDatabase(const std::string& name) {
    // Checkpoint the WAL so the main file holds everything.
    Tamper("PRAGMA wal_checkpoint(TRUNCATE)");
    const std::string copy = dir_ / name;
    std::filesystem::copy_file(db_path_, copy, std::filesystem::copy_options::overwrite_existing);
    return copy;
  }
  void RestoreDatabase(const std::string& copy) {
    store_.reset();
    std::filesystem::remove(db_path_ + "-wal");
    std::filesystem::remove(db_path_ + "-shm");
    std::filesystem::copy_file(copy, db_path_, std::filesystem::copy_options::overwrite_existing);
    StoreOptions options;
    options.ledger_key = ledger_key_;
    options.clock = [this] { return now_; };
    store_ = std::move(*OpenStore("sqlite:" + db_path_, options));
    administration_ = std::make_unique<Administration>(*store_, plane_options_);
  }
};

TEST_CASE_FIXTURE(TrustAttack, "store writer enrols an approver: trust names the keys table") {
  auto id = Approve({"staging"}, /*cosign=*/false);
  auto mallory = *GeneratePrivateKey();
  Tamper("INSERT INTO keys VALUES ('" + mallory.keyid() + "', 'mallory', 'approver', '" +
         mallory.public_key().ToPem() + "', " + std::to_string(now_) + ", 0, 0, '')");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "trust").reason ==
        "table keys holds key " + mallory.keyid().substr(0, 16) +
            " (mallory, approver) that no signed governance change enrolled");
  CHECK(r->ledger_sequence == 0);
  // Nothing can be written on top of it either, not even by a real approver.
  GovernancePlane gov(*store_, plane_options_);
  CHECK(gov.Cosign(id, bob_).status().message().rfind("trust: table keys holds key", 0) == 0);
  CHECK(ProblemIn(Audit(), "keys").empty());  // the audit reports it as the state's problem
  CHECK(Audit().trust_problem.find("table keys holds key") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "the library without an admin key cannot enrol, re-role or revoke") {
  auto mallory = *GeneratePrivateKey();
  auto out = administration_->EnrollKey(mallory.public_key(), "mallory", {Role::kApprover}, alice_);
  CHECK(out.status() == PermissionDeniedError(
                            "key " + alice_.keyid().substr(0, 16) +
                            " is not an admin of root v1; a governance change needs 1 admin "
                            "signature(s)"));
  CHECK(administration_->RevokeKey(bob_.keyid(), "x", deployer_).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(administration_->SetRoles(alice_.keyid(), {Role::kApprover, Role::kDeployer}, alice_)
            .status()
            .code() == StatusCode::kPermissionDenied);
  // Nothing was stored: the chain is as long as before.
  CHECK(State().changes.size() == 7);
}

TEST_CASE_FIXTURE(TrustAttack, "store writer lowers an environment rule: the change lacks the threshold") {
  auto id = Approve({"production"}, /*cosign=*/false);
  GovernanceConfig lax = GovernanceConfig::Default();
  lax.Find("production")->min_approvers = 1;
  lax.Find("production")->requires_prior.clear();
  ForgeConfigChange(lax, *GeneratePrivateKey());
  auto r = Verify(id, "production");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "trust").reason.find("lacks the admin threshold: 0 of 1 required admin "
                                           "signature") != std::string::npos);
  CHECK(Audit().trust_problem.find("lacks the admin threshold") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "store writer widens the clock skew: refused as a configuration") {
  GovernanceConfig wide = GovernanceConfig::Default();
  wide.clock_skew_seconds = 3650 * kDay;
  CHECK(administration_->SetConfig(wide, admin_).status() ==
        InvalidArgumentError("configuration: clock_skew 3650d is outside 0s to 1h"));
  // Even the admins cannot revive an approval expired a year ago.
  auto id = Approve({"staging"});
  Advance(456 * kDay / 2);
  GovernanceConfig max_skew = GovernanceConfig::Default();
  max_skew.clock_skew_seconds = kMaxClockSkewSeconds;
  REQUIRE(administration_->SetConfig(max_skew, admin_)->applied);
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"validity"});
}

TEST_CASE_FIXTURE(TrustAttack, "store writer un-revokes a model: the snapshot and the audit see it") {
  auto id = Approve({"staging"});
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeModel("fraud", "training data leak", carol_).ok());
  Tamper("DELETE FROM revocations");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"snapshot"});
  CHECK(GateNamed(*r, "snapshot").reason ==
        "the snapshot does not vouch for these facts: the revocations differ from the ones the "
        "snapshot signed (table revocations)");
  CHECK(ProblemIn(Audit(), "revocations").find("is missing") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "store writer edits a revocation to point elsewhere: its signature breaks") {
  auto id = Approve({"staging"});
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeModel("fraud", "training data leak", carol_).ok());
  Tamper("UPDATE revocations SET target = 'churn'");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "trust").reason ==
        "table revocations: the revocation of model churn (by carol) differs from its signed "
        "statement (edited)");
}

TEST_CASE_FIXTURE(TrustAttack, "store writer un-revokes a key the admins revoked") {
  auto id = Approve({"staging"});
  REQUIRE(administration_->RevokeKey(bob_.keyid(), "laptop stolen", admin_)->applied);
  Tamper("UPDATE keys SET revoked = 0, revoked_at = 0, revocation_reason = ''");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "trust").reason ==
        "table keys: key " + bob_.keyid().substr(0, 16) +
            " (bob) differs from what the signed changes say (identity, roles or revocation "
            "edited)");
}

TEST_CASE_FIXTURE(TrustAttack, "store writer removes a governance change from the chain") {
  auto id = Approve({"staging"});
  REQUIRE(administration_->RevokeKey(bob_.keyid(), "laptop stolen", admin_)->applied);
  const int64_t last = static_cast<int64_t>(State().changes.size());
  Tamper("DELETE FROM governance_changes WHERE sequence = " + std::to_string(last));
  Tamper("UPDATE keys SET revoked = 0, revoked_at = 0, revocation_reason = ''");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"snapshot"});
  CHECK(GateNamed(*r, "snapshot").reason.find("governance changes are applied, the snapshot "
                                              "signed") != std::string::npos);
  CHECK(ProblemIn(Audit(), "governance_changes").find("is missing") != std::string::npos);
  // A change in the middle breaks the chain itself.
  RestoreDatabase(CopyDatabase("unused.db"));
  Tamper("DELETE FROM governance_changes WHERE sequence = 2");
  auto middle = Verify(id, "staging");
  REQUIRE(middle.ok());
  CHECK(GateNamed(*middle, "trust").reason.find("is at sequence 3, expected 2") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "store writer edits the required policy bundle") {
  const std::string digest = RequirePolicy(
      "package model.governance\nimport rego.v1\n"
      "deny contains \"too weak\" if input.spec.metrics.accuracy < data.governance.min\n",
      "governance: {min: 0.95}\n");
  // The lax bundle an attacker would like, stored under the required digest.
  const std::string lax_dir = dir_ / "lax";
  std::filesystem::create_directories(lax_dir);
  REQUIRE(WriteFileAtomic(lax_dir + "/lax.rego", "package model.governance\n").ok());
  auto lax_bundle = LoadPolicyBundle(lax_dir);
  REQUIRE(lax_bundle.ok());
  auto trained = Train();
  Tamper("UPDATE policy_bundles SET files = '" + lax_bundle->Serialize() + "' WHERE digest = '" +
         digest + "'");
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto approve = gov.Approve(trained.envelope, req, alice_);
  CHECK(approve.status().code() == StatusCode::kPermissionDenied);
  CHECK(approve.status().message() ==
        "snapshot: the store differs from its signed snapshot: table policy_bundles was edited "
        "outside mgov (its rows differ from the ones the snapshot signed)");
  CHECK(ProblemIn(Audit(), "policy_bundles").find("edited in the store") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "an approval made with another bundle, or none, fails the policy gate") {
  const std::string required = RequirePolicy(
      "package model.governance\nimport rego.v1\ndeny contains \"never\" if false\n",
      "governance: {}\n");
  // A library caller with an approver key writes an approval that claims a
  // lax bundle, and one that claims no policy at all.
  auto base = Approve({"staging"});
  ModelApproval a = *ParseApprovalStatement(Stored(base).envelope.payload, "a");
  for (const std::string& claimed : {std::string("sha256:") + std::string(64, 'e'), std::string()}) {
    a.approval_id = claimed.empty() ? "apv-claims-none" : "apv-claims-lax";
    a.policy.evaluated = !claimed.empty();
    a.policy.bundle_digest = claimed;
    PutSigned(a, {&alice_, &bob_});
    auto r = Verify(a.approval_id, "staging");
    REQUIRE(r.ok());
    CheckFailedGates(*r, {"policy"});
    CHECK(GateNamed(*r, "policy").reason.rfind("staging requires policy bundle " +
                                                   required.substr(0, 19),
                                               0) == 0);
  }
  // And the approval made through the plane passes: it was evaluated.
  auto good = Approve({"staging"});
  CHECK(GateNamed(*Verify(good, "staging"), "policy").passed);
}

TEST_CASE_FIXTURE(TrustAttack, "an approval that claims the required bundle without evaluating it") {
  // The plane refuses this model: the required bundle denies every manifest
  // without an owner, and Train() writes none.
  const std::string required = RequirePolicy(
      "package model.governance\nimport rego.v1\n"
      "deny contains \"no owner\" if not input.spec.owner\n",
      "governance: {}\n");
  auto trained = Train();
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto refused = gov.Approve(trained.envelope, req, alice_);
  REQUIRE(refused.ok());
  REQUIRE_FALSE(refused->approved);
  // A library caller holding two approver keys writes the approval the plane
  // would not, recording that the required bundle allowed it.
  ModelApproval a = HandWritten("apv-claims-required", trained);
  a.required_approvers = 2;
  a.policy.evaluated = true;
  a.policy.bundle_digest = required;
  PutSigned(a, {&alice_, &bob_});
  // The gate runs the required bundle again on the signed training output.
  auto r = Verify(a.approval_id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"policy"});
  CHECK(GateNamed(*r, "policy").reason ==
        "evaluated again, the required bundle " + required.substr(0, 19) +
            "… denies what the approval says it allowed: no owner");
}

TEST_CASE_FIXTURE(TrustAttack, "store writer forges staging history for promotion-order") {
  auto id = Approve({"staging", "production"});
  ModelApproval a = *ParseApprovalStatement(Stored(id).envelope.payload, "a");
  // An unsigned row: the snapshot sees it, and it would not count anyway.
  Tamper("INSERT INTO deployments VALUES (1, 'staging', 'fraud', '1', '" + id + "', '" +
         a.artifact_digest + "', 'deploy-bot', " + std::to_string(now_) + ", 'deploy', '')");
  auto r = Deploy(id, "production");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "snapshot").reason.find("current deployments differ") != std::string::npos);
  CHECK(GateNamed(*r, "promotion-order").reason ==
        "production requires this artifact in staging first");
  CHECK(ProblemIn(Audit(), "deployments").find("recorded by no ledger entry") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "a deployment record signed by a non-deployer does not count") {
  auto id = Approve({"staging", "production"});
  ModelApproval a = *ParseApprovalStatement(Stored(id).envelope.payload, "a");
  DeploymentStatement s;
  s.deployment = {0, "staging", "fraud", "1", id, a.artifact_digest, "alice", now_, "deploy", {}};
  s.domain = State().domain();
  Envelope env{std::string(kDeploymentPayloadType), DeploymentPayload(s), {}};
  AddSignature(env, alice_);
  // Written through the library, so even the snapshot covers it.
  REQUIRE(store_->Transact([&](StoreTransaction& t) -> Status {
    Deployment d = s.deployment;
    d.envelope = env;
    return t.AddDeployment(d).status();
  }).ok());
  auto r = Deploy(id, "production");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "promotion-order").reason ==
        "the deployment history of fraud in staging: record 1 is not signed by an enrolled "
        "deployer key of alice");
}

TEST_CASE_FIXTURE(TrustAttack, "a revoked deployer's backdated record does not count") {
  auto id = Approve({"staging", "production"});
  REQUIRE(Deploy(id, "staging")->promoted);
  Deployment first;
  REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
    GOV_ASSIGN_OR_RETURN(std::vector<Deployment> history, t.DeploymentHistory("fraud", "staging"));
    first = history.at(0);
    return Status();
  }).ok());
  now_ += 3600;
  REQUIRE(administration_->RevokeKey(deployer_.keyid(), "left the team", admin_).ok());
  // With the revoked key, a record chained after the first but dated before
  // it, when the key was still good, written through the library.
  DeploymentStatement s;
  s.deployment = {0, "staging", "fraud", "1", id, first.artifact_digest, "deploy-bot",
                  first.deployed_at - 60, "deploy", {}};
  s.domain = State().domain();
  s.previous = DeploymentDigest(first);
  Envelope env{std::string(kDeploymentPayloadType), DeploymentPayload(s), {}};
  AddSignature(env, deployer_);
  REQUIRE(store_->Transact([&](StoreTransaction& t) -> Status {
    Deployment d = s.deployment;
    d.envelope = env;
    return t.AddDeployment(d).status();
  }).ok());
  auto r = Verify(id, "production");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "promotion-order").reason.find(
            "the deployment history of fraud in staging: record 2 is dated ") == 0);
  CHECK(GateNamed(*r, "promotion-order").reason.find(", before the record it follows (backdated)") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "ledger rewritten with the online key: caught by the host's mark and a checkpoint") {
  auto id = Approve({"staging"});
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeApproval(id, "bias found", carol_).ok());
  CHECK_FALSE(Verify(id, "staging")->promoted);  // this host has now seen the revocation
  std::vector<LedgerEntry> entries = Ledger();
  LedgerVerification before = VerifyLedger(entries, {ledger_key_.public_key()});
  REQUIRE(before.ok);
  const LedgerCheckpoint checkpoint = SignCheckpoint(before.entries, before.root_hash, ledger_key_);
  // The holder of the online key deletes the revocation and its ledger
  // entry (and everything after it), rebuilds the Merkle frontier and signs
  // a new snapshot: a store consistent in itself, as if nothing was revoked.
  int64_t cut = 0;
  for (const auto& e : entries) cut = e.type == "approval.revoked" ? e.sequence : cut;
  REQUIRE(cut > 0);
  Tamper("DELETE FROM revocations");
  Tamper("DELETE FROM ledger WHERE sequence >= " + std::to_string(cut));
  MerkleFrontier frontier;
  for (const auto& e : Ledger()) frontier.Append(MerkleLeafHash(e.EntryBody()));
  Tamper("UPDATE settings SET value = '" + frontier.Encode() + "' WHERE name = 'ledger.frontier'");
  StoreState state;
  REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
    GOV_ASSIGN_OR_RETURN(state, t.CurrentState());
    return Status();
  }).ok());
  Envelope snapshot{std::string(kSnapshotPayloadType), SnapshotPayload({now_, state}), {}};
  AddSignature(snapshot, ledger_key_);
  Tamper("UPDATE snapshots SET envelope = '" + EnvelopeToJson(snapshot) + "'");
  // This host saw the revocation: the shorter ledger is a rollback.
  auto seen = Verify(id, "staging");
  REQUIRE(seen.ok());
  CheckFailedGates(*seen, {"snapshot"});
  CHECK(GateNamed(*seen, "snapshot").reason.rfind("ledger rolled back: this host saw", 0) == 0);
  // A host that never saw it is shown a consistent store...
  PlaneOptions other = plane_options_;
  other.trust = PinnedTrust(root_);
  GateRequest req{id, "staging", "", std::nullopt, std::nullopt, std::nullopt};
  CHECK(ServingPlane(*store_, other).Assess(req)->promoted);
  // ...but any checkpoint kept outside the store exposes the rewrite.
  LedgerVerification v = VerifyLedger(Ledger(), {ledger_key_.public_key()}, checkpoint);
  CHECK_FALSE(v.ok);
  CHECK(v.reason.rfind("ledger truncated: the checkpoint covers", 0) == 0);
}

// The holder of the online key re-signs a snapshot over a store from which
// something was taken away, keeping the ledger as it is.
void ResignSnapshot(TrustAttack& t) {
  StoreState state;
  REQUIRE(t.store_->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(state, txn.CurrentState());
    return Status();
  }).ok());
  Envelope snapshot{std::string(kSnapshotPayloadType), SnapshotPayload({t.now_, state}), {}};
  AddSignature(snapshot, t.ledger_key_);
  t.Tamper("UPDATE snapshots SET envelope = '" + EnvelopeToJson(snapshot) + "'");
}

TEST_CASE_FIXTURE(TrustAttack, "online key withholds a revocation: a host that saw it refuses") {
  auto id = Approve({"staging"});
  GovernancePlane gov(*store_, plane_options_);
  // This host made the revocation: it knows it exists without reading again.
  REQUIRE(gov.RevokeApproval(id, "bias found", carol_).ok());
  Tamper("DELETE FROM revocations");
  ResignSnapshot(*this);
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"snapshot"});
  CHECK(GateNamed(*r, "snapshot").reason.rfind("a revocation this host saw", 0) == 0);
  // The whole-store audit sees it on any host: the ledger recorded it.
  PlaneOptions other = plane_options_;
  other.trust = PinnedTrust(root_);
  CHECK(ProblemIn(Audit(other.trust.get()), "revocations").find("is missing") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "online key withholds a key revocation: a host that saw it refuses") {
  auto id = Approve({"staging"});
  REQUIRE(administration_->RevokeKey(bob_.keyid(), "laptop stolen", admin_)->applied);
  const int64_t last = static_cast<int64_t>(State().changes.size());
  Tamper("DELETE FROM governance_changes WHERE sequence = " + std::to_string(last));
  Tamper("UPDATE keys SET revoked = 0, revoked_at = 0, revocation_reason = ''");
  ResignSnapshot(*this);
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"snapshot"});
  CHECK(GateNamed(*r, "snapshot").reason ==
        "governance change " + std::to_string(last) +
            ", which this host saw, is not in the store's chain (changes withheld or replaced)");
}

TEST_CASE_FIXTURE(TrustAttack, "ledger key replaced: nothing verifies against the root") {
  auto id = Approve({"staging"});
  // An attacker with the store directory swaps in a key of their own and
  // opens the store with it.
  StoreOptions forged;
  forged.ledger_key = *GeneratePrivateKey();
  forged.clock = [this] { return now_; };
  auto attacker = OpenStore("sqlite:" + db_path_, forged);
  REQUIRE(attacker.ok());
  // The store itself refuses to write a snapshot its own key did not sign over.
  Status wrote = (*attacker)->Transact([&](StoreTransaction& t) {
    return t.AppendLedger({"deploy.allowed", "mallory", id, {}}).status();
  });
  CHECK(wrote == DataLossError("the store's ledger key " + forged.ledger_key->keyid().substr(0, 16) +
                               " is not an online key of its governance root; refusing to write (an online key "
                               "is replaced in two steps: a root naming both, then one without "
                               "the old)"));
  // Rewriting every entry by SQL with the new key is caught by the root's online key list.
  for (const auto& e : Ledger()) {
    std::string digest = Sha256Digest(e.EntryBody());
    Tamper("UPDATE ledger SET signer_keyid = '" + forged.ledger_key->keyid() + "', signature = '" +
           Base64Encode(forged.ledger_key->Sign(digest)) + "' WHERE sequence = " +
           std::to_string(e.sequence));
  }
  auto audit = Audit();
  CHECK_FALSE(audit.ledger.ok);
  CHECK(audit.ledger.first_bad_sequence == 1);
  CHECK(audit.ledger.reason.rfind("signature is not by an online key of the governance root", 0) == 0);
  // What the new key is for: an entry of its own, appended by SQL. The
  // snapshot, which only the root's online key signs, did not count it.
  Tamper("INSERT INTO ledger SELECT sequence + 1, timestamp, 'deploy.allowed', 'mallory', subject, "
         "details, hash, hash, signer_keyid, signature FROM ledger WHERE sequence = (SELECT "
         "MAX(sequence) FROM ledger)");
  auto gate = Verify(id, "staging");
  REQUIRE(gate.ok());
  CheckFailedGates(*gate, {"snapshot"});
  CHECK(GateNamed(*gate, "snapshot").reason.find("the ledger holds") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "look-alike identities never count twice") {
  auto upper = administration_->EnrollKey(GeneratePrivateKey()->public_key(), "Alice",
                                          {Role::kApprover}, admin_);
  REQUIRE(upper.ok());
  CHECK(upper->summary.find("for alice (approver)") != std::string::npos);
  CHECK(administration_->EnrollKey(GeneratePrivateKey()->public_key(), "alice ", {Role::kApprover},
                                   admin_)
            .status() ==
        InvalidArgumentError("identity \"alice \" contains a space at position 6; identities use "
                             "a-z, 0-9 and . _ - @ + only"));
  CHECK(administration_->EnrollKey(GeneratePrivateKey()->public_key(), "\xd0\xb0lice",
                                   {Role::kApprover}, admin_)
            .status()
            .message()
            .find("contains a non-ASCII character at position 1") != std::string::npos);
  CHECK(administration_->EnrollKey(GeneratePrivateKey()->public_key(), "../outside",
                                   {Role::kApprover}, admin_)
            .status()
            .code() == StatusCode::kInvalidArgument);
  // alice's second key ("Alice") adds nothing to a quorum of one alice.
  auto id = Approve({"production"}, /*cosign=*/false);
  GovernancePlane gov(*store_, plane_options_);
  CHECK(gov.Cosign(id, alice_second_).status().code() == StatusCode::kPermissionDenied);
}

TEST_CASE_FIXTURE(TrustAttack, "an approver deploying what they approved in production") {
  PrivateKey dana = Enroll("dana", {Role::kApprover, Role::kDeployer});
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging", "production"};
  auto outcome = gov.Approve(Train().envelope, req, dana);
  REQUIRE(outcome->approved);
  const std::string id = outcome->approval.approval_id;
  REQUIRE(gov.Cosign(id, bob_).ok());
  ServingPlane serving(*store_, plane_options_);
  GateRequest staging{id, "staging", "", dir_ / "model.bin", std::nullopt, std::nullopt};
  auto s = serving.Deploy(staging, dana);
  REQUIRE(s.ok());
  CHECK(s->promoted);  // staging does not separate duties
  GateRequest production{id, "production", "", dir_ / "model.bin", std::nullopt, std::nullopt};
  auto p = serving.Deploy(production, dana);
  REQUIRE(p.ok());
  CheckFailedGates(*p, {"deployer"});
  CHECK(GateNamed(*p, "deployer").reason ==
        "separation of duties: dana approved this model, and production does not let an "
        "approver deploy what they approved");
  CHECK(serving.Deploy(production, deployer_)->promoted);
}

TEST_CASE_FIXTURE(TrustAttack, "downgrade: an older version goes back only through rollback") {
  const std::string v1 = TwoVersionsInStaging().first;
  auto back = Deploy(v1, "staging");
  REQUIRE(back.ok());
  CheckFailedGates(*back, {"downgrade"});
  CHECK(GateNamed(*back, "downgrade").reason.find("fraud 1 (" + v1 + ") is older than fraud 2") == 0);
  // A serving host verifying the old approval is refused the same way.
  CHECK_FALSE(GateNamed(*Verify(v1, "staging"), "downgrade").passed);
  ServingPlane serving(*store_, plane_options_);
  auto rollback = serving.Rollback("fraud", "staging", "v2 misbehaves", deployer_);
  REQUIRE(rollback.ok());
  CHECK(rollback->promoted);
  CHECK(GateNamed(*rollback, "downgrade").reason == "a rollback goes back on purpose, and records why");
}

TEST_CASE_FIXTURE(TrustAttack, "store writer edits the running approval to force a downgrade") {
  // Named copies, not a structured binding: clang 14 cannot capture one in a lambda.
  const auto versions = TwoVersionsInStaging();
  const std::string v1 = versions.first, v2_id = versions.second;
  // The snapshot counts approval rows but cannot hash every one, so only the
  // downgrade gate's own check of the running approval stands in the way.
  auto rewrite = [&](const std::function<void(ModelApproval&)>& edit) {
    ModelApproval a;
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(ApprovalRecord record, t.GetApproval(v2_id));
      GOV_ASSIGN_OR_RETURN(a, ParseApprovalStatement(record.envelope.payload, "v2"));
      return Status();
    }).ok());
    edit(a);
    Tamper("UPDATE approvals SET payload = '" + Base64Encode(ApprovalStatement(a)) +
           "', model_version = '" + a.model_version +
           "' WHERE approval_id = '" + v2_id + "'");
  };
  SUBCASE("its version lowered below v1's") {
    rewrite([](ModelApproval& a) { a.model_version = "0.0.1"; });
    auto back = Deploy(v1, "staging");
    REQUIRE(back.ok());
    CheckFailedGates(*back, {"downgrade"});
    CHECK(GateNamed(*back, "downgrade").reason ==
          "the approval " + v2_id + " that staging runs is not available to compare with: its "
          "statement is not the one the signed deployment record names (table approvals)");
  }
  SUBCASE("its subject kept, its issue time moved (the signatures no longer verify)") {
    rewrite([](ModelApproval& a) { a.issued_at -= 10 * kDay; });
    auto back = Deploy(v1, "staging");
    REQUIRE(back.ok());
    CheckFailedGates(*back, {"downgrade"});
    CHECK(GateNamed(*back, "downgrade").reason.find(
              "is not available to compare with: its signatures do not verify with enrolled "
              "approver keys (table approvals): signature 1 (key ") != std::string::npos);
  }
}

TEST_CASE_FIXTURE(TrustAttack, "freeze: an old copy of the store, shown to hosts") {
  auto id = Approve({"staging"});
  const std::string before = CopyDatabase("before-revocation.db");
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeApproval(id, "bias found", carol_).ok());
  CHECK_FALSE(Verify(id, "staging")->promoted);
  RestoreDatabase(before);
  // This host has seen the newer ledger: a rollback, named.
  auto seen = Verify(id, "staging");
  REQUIRE(seen.ok());
  CheckFailedGates(*seen, {"snapshot"});
  CHECK(GateNamed(*seen, "snapshot").reason.rfind("ledger rolled back: this host saw", 0) == 0);
  // A host that never saw it trusts the old state only within the freshness window.
  auto fresh_host = PinnedTrust(root_);
  PlaneOptions other = plane_options_;
  other.trust = fresh_host;
  ServingPlane serving(*store_, other);
  GateRequest req{id, "staging", "", std::nullopt, std::nullopt, std::nullopt};
  CHECK(serving.Assess(req)->promoted);
  now_ += 2 * kDay;
  auto late = serving.Assess(req);
  REQUIRE(late.ok());
  CheckFailedGates(*late, {"snapshot"});
  CHECK(GateNamed(*late, "snapshot").reason.find("more than 1d ago (the freshness window)") !=
        std::string::npos);
  // A host that must hear of revocations within the hour says so itself.
  now_ -= 2 * kDay - 2 * 3600;
  other.max_snapshot_age_seconds = 3600;
  auto hourly = ServingPlane(*store_, other).Assess(req);
  REQUIRE(hourly.ok());
  CheckFailedGates(*hourly, {"snapshot"});
  CHECK(GateNamed(*hourly, "snapshot").reason.find("more than 1h ago (this host's limit, --max-age)") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "revoked artifact under a new model id") {
  Approve({"staging"});
  SUBCASE("the approval as stored") {}
  SUBCASE("its columns edited by a store writer to name another artifact") {
    // The revocation takes the artifacts from the signed statements instead.
    Tamper("UPDATE approvals SET artifact_digest = 'sha256:" + std::string(64, '0') + "'");
  }
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeModel("fraud", "training data leak", carol_).ok());
  ApprovalRequest req;
  req.environments = {"staging"};
  auto again = gov.Approve(Train("fraud-v2").envelope, req, alice_);
  REQUIRE(again.ok());
  CHECK_FALSE(again->approved);
  CHECK(again->denials[0].find("was revoked with model fraud: training data leak") !=
        std::string::npos);
  // An approval for it written by hand still meets the revocation gate.
  auto other = Train("fraud-v3");
  REQUIRE(store_->Transact([&](StoreTransaction& t) {
    return t.PutTrainingOutput({other.digest, "fraud-v3", "1", other.envelope});
  }).ok());
  PutSigned(HandWritten("apv-renamed", other), {&alice_});
  auto r = Verify("apv-renamed", "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"revocation"});
  CHECK(GateNamed(*r, "revocation").reason.find("was revoked with model fraud by carol") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "an approval outlives a lowered max TTL: validity checks it again") {
  auto id = Approve({"staging"});
  REQUIRE(Verify(id, "staging")->promoted);
  GovernanceConfig config = State().config;
  REQUIRE(config.Find("staging") != nullptr);
  config.Find("staging")->max_ttl_seconds = 3600;  // the approval was issued for far longer
  auto set = administration_->SetConfig(config, admin_);
  REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  REQUIRE(set->applied);
  CHECK(GateNamed(*Verify(id, "staging"), "validity").reason.find(
            "(staging allows approvals of at most 1h)") != std::string::npos);
  now_ += 2 * 3600;
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"validity"});
  CHECK(GateNamed(*r, "validity").reason ==
        "expired at " + FormatRfc3339(now_ - 3600) + " (staging allows approvals of at most 1h)");
}

TEST_CASE_FIXTURE(TrustAttack, "root rolled back to an older version") {
  auto id = Approve({"staging"});
  auto new_admin = *GeneratePrivateKey();
  GovernanceRoot next = State().root();
  next.admins.push_back({"second-admin", new_admin.public_key()});
  auto rotated = administration_->RotateRoot(next, {&admin_, &new_admin});
  REQUIRE_MESSAGE(rotated.ok(), rotated.status().ToString());
  REQUIRE(rotated->applied);
  REQUIRE(Verify(id, "staging")->promoted);  // this host now pins v2
  CHECK(plane_options_.trust->Root()->payload.find("\"version\":2") != std::string::npos);
  Tamper("DELETE FROM roots WHERE version = 2");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CHECK(GateNamed(*r, "trust").reason ==
        "root rolled back: this host trusts root v2, the store's newest is v1");
}

TEST_CASE_FIXTURE(TrustAttack, "root rotated with only the new keys") {
  auto id = Approve({"staging"});
  auto usurper = *GeneratePrivateKey();
  GovernanceState state = State();
  GovernanceRoot next = state.root();
  next.version = 2;
  next.domain = state.domain();
  next.previous = state.roots.current().digest;
  next.changes_before = static_cast<int64_t>(state.changes.size());
  next.admins = {{"usurper", usurper.public_key()}};
  Envelope env = SignRoot(next, {&usurper});
  CHECK(administration_->RotateRoot(next, {&usurper}).ok());  // proposed, never applied
  CHECK_FALSE(administration_->RotateRoot(next, {&usurper}).ok());
  Tamper("DELETE FROM roots WHERE version = 2");
  Tamper("INSERT INTO roots VALUES (2, 'applied', '" + EnvelopeToJson(env) + "')");
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CHECK(GateNamed(*r, "trust").reason ==
        "root v2 is not signed by a threshold of v1's admins: 0 of 1 required admin signature");
}

TEST_CASE_FIXTURE(TrustAttack, "an expired root stops every gate until the admins renew it") {
  auto id = Approve({"staging"});
  now_ += 366 * kDay;
  auto expired = Verify(id, "staging");
  REQUIRE(expired.ok());
  CHECK(GateNamed(*expired, "trust").reason.find("root v1 expired at") == 0);
  GovernanceRoot renewed = *ParseRootPayload(root_.payload, "root");
  renewed.issued_at = now_;
  renewed.expires_at = now_ + 365 * kDay;
  auto rotated = administration_->RotateRoot(renewed, {&admin_});
  REQUIRE_MESSAGE(rotated.ok(), rotated.status().ToString());
  CHECK(rotated->applied);
  auto after = Verify(id, "staging");
  REQUIRE(after.ok());
  CHECK(GateNamed(*after, "trust").passed);
  CHECK(GateNamed(*after, "trust").reason.rfind("root v2", 0) == 0);
}

TEST_CASE_FIXTURE(TrustAttack, "a lost online key: the admins name a new one, the old one signs nothing more") {
  auto id = Approve({"staging"});
  const PrivateKey replacement = *PrivateKey::FromSeed(std::string(32, '\x33'));
  StoreOptions options;
  options.ledger_key = replacement;
  options.clock = [this] { return now_; };
  auto with_new = OpenStore("sqlite:" + db_path_, options);
  REQUIRE(with_new.ok());
  // Until the root names it, the new key writes nothing.
  GovernancePlane gov(**with_new, plane_options_);
  CHECK(gov.RevokeApproval(id, "x", carol_).status().code() == StatusCode::kDataLoss);
  GovernanceRoot next = State().root();
  next.online_keys = {replacement.public_key()};
  Administration admin(**with_new, plane_options_);
  auto rotated = admin.RotateRoot(next, {&admin_});
  REQUIRE_MESSAGE(rotated.ok(), rotated.status().ToString());
  CHECK(rotated->applied);
  ServingPlane serving(**with_new, plane_options_);
  GateRequest req{id, "staging", "", std::nullopt, std::nullopt, std::nullopt};
  auto r = serving.Verify(req);
  REQUIRE(r.ok());
  CHECK(r->promoted);
  // The old key (perhaps leaked) is refused by the store...
  GovernancePlane old(*store_, plane_options_);
  CHECK(old.RevokeApproval(id, "x", carol_).status().message().find(
            "is not an online key of its governance root") != std::string::npos);
  // ...and an entry it appends by SQL after the rotation is named by the audit.
  auto entries = Ledger();
  LedgerEntry forged = SealLedgerEntry({"deploy.allowed", "mallory", id, {}}, &entries.back(),
                                       now_, ledger_key_);
  Tamper("INSERT INTO ledger VALUES (" + std::to_string(forged.sequence) + ", " +
         std::to_string(forged.timestamp) + ", 'deploy.allowed', 'mallory', '" + id + "', '" +
         forged.details + "', '" + forged.prev_hash + "', '" + forged.hash + "', '" +
         forged.signer_keyid + "', '" + Base64Encode(forged.signature) + "')");
  CHECK(ProblemIn(Audit(), "ledger").find("which root v2 does not name as an online key "
                                          "(rotated out)") != std::string::npos);
}

TEST_CASE_FIXTURE(TrustAttack, "an approval copied in from another governance domain") {
  auto id = Approve({"staging"});
  ModelApproval a = *ParseApprovalStatement(Stored(id).envelope.payload, "a");
  a.approval_id = "apv-elsewhere";
  a.domain = "sha256:" + std::string(64, '9');
  Envelope env{std::string(kInTotoPayloadType), ApprovalStatement(a), {}};
  AddSignature(env, alice_);
  AddSignature(env, bob_);
  REQUIRE(store_->Transact([&](StoreTransaction& t) {
    return t.PutApproval({a.approval_id, a.model_id, a.model_version, a.artifact_digest, env, now_});
  }).ok());
  auto r = Verify(a.approval_id, "staging");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "statement").reason.rfind("the approval was issued in another governance "
                                                "domain", 0) == 0);
}

TEST_CASE_FIXTURE(TrustAttack, "a library caller without a trust anchor is refused everywhere") {
  PlaneOptions none;
  none.clock = plane_options_.clock;
  GovernancePlane gov(*store_, none);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto approve = gov.Approve(Train().envelope, req, alice_);
  CHECK(approve.status() ==
        PermissionDeniedError("trust: no trust anchor: pin the governance root (PlaneOptions::trust)"));
  ServingPlane serving(*store_, none);
  GateRequest gate{"apv-x", "staging", "", std::nullopt, std::nullopt, std::nullopt};
  CHECK(serving.Verify(gate).status().code() == StatusCode::kNotFound);
  auto id = Approve({"staging"});
  gate.approval_id = id;
  auto r = serving.Verify(gate);
  REQUIRE(r.ok());
  CHECK(GateNamed(*r, "trust").reason ==
        "no trust anchor: pin the governance root (PlaneOptions::trust)");
  // A root of another domain pinned instead fails just as closed.
  auto other_admin = *GeneratePrivateKey();
  auto other = NewRoot({{"other", other_admin.public_key()}}, 1, {ledger_key_.public_key()}, now_);
  PlaneOptions foreign = plane_options_;
  foreign.trust = PinnedTrust(SignRoot(*other, {&other_admin}));
  auto f = ServingPlane(*store_, foreign).Verify(gate);
  REQUIRE(f.ok());
  CHECK(GateNamed(*f, "trust").reason.find("differs from the pinned one") != std::string::npos);
}

}  // namespace
}  // namespace governance
