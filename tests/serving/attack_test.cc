// Each attack on the approval and the evidence must be refused, naming the
// gate (or check) that caught it.

#include <doctest/doctest.h>

#include <limits>

#include "core/document.h"
#include "core/encoding.h"
#include "governance/quorum.h"
#include "planes_fixture.h"
#include "sqlite_dump.h"

namespace governance {
namespace {

using testing::CheckFailedGates;
using testing::GateNamed;
using testing::kDay;

class Attack : public testing::PlanesFixture {
 public:
  // Runs `sql` directly on the store's SQLite file, as an attacker with
  // write access to the database would.
  void Tamper(const std::string& sql) { testing::ExecSqlite(db_path_, sql); }

  LedgerVerification VerifyStoredLedger() {
    return VerifyLedger(Ledger(), {ledger_key_.public_key()});
  }

  StatusOr<PromotionResult> VerifyEnvelope(const std::string& id, Envelope env,
                                           const std::string& environment = "staging") {
    ServingPlane serving(*store_, plane_options_);
    GateRequest req;
    req.approval_id = id;
    req.environment = environment;
    req.artifact_path = dir_ / "model.bin";
    req.envelope = std::move(env);
    return serving.Verify(req, "test");
  }
};

TEST_CASE_FIXTURE(Attack, "baseline: a properly approved model passes every gate") {
  auto id = Approve({"staging"});
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {});
  CHECK(r->gates.size() == std::size(kGateNames));
  CHECK(r->verified_approvers == std::vector<std::string>{"alice", "bob"});
}

TEST_CASE_FIXTURE(Attack, "forged co-signature") {
  auto id = Approve({"production"}, /*cosign=*/false);
  Envelope env = Stored(id).envelope;
  env.signatures.push_back({bob_.keyid(), carol_.Sign("something else entirely")});
  auto r = VerifyEnvelope(id, env, "production");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "signatures").reason.find("(key " + bob_.keyid().substr(0, 16) +
                                                ", bob) does not verify") != std::string::npos);
  CHECK_FALSE(GateNamed(*r, "quorum").passed);
}

TEST_CASE_FIXTURE(Attack, "duplicate approver: one identity, two keys") {
  auto id = Approve({"production"}, /*cosign=*/false);
  GovernancePlane gov(*store_, plane_options_);
  auto again = gov.Cosign(id, alice_second_);
  CHECK(again.status().code() == StatusCode::kPermissionDenied);
  CHECK(again.status().message() ==
        "alice already approved " + id + "; a second signature of the same identity adds nothing");
  // Forcing the second signature into the envelope still counts alice once.
  Envelope env = Stored(id).envelope;
  AddSignature(env, alice_second_);
  auto r = VerifyEnvelope(id, env, "production");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"quorum", "promotion-order"});
  CHECK(GateNamed(*r, "quorum").reason.find("alice already counted") != std::string::npos);
}

TEST_CASE_FIXTURE(Attack, "unknown key") {
  auto id = Approve({"staging"}, /*cosign=*/false);
  auto stranger = GeneratePrivateKey();
  GovernancePlane gov(*store_, plane_options_);
  auto cosign = gov.Cosign(id, *stranger);
  CHECK(cosign.status() == PermissionDeniedError("cannot co-sign: key " +
                                                 stranger->keyid().substr(0, 16) +
                                                 " is not enrolled"));
  Envelope env = Stored(id).envelope;
  AddSignature(env, *stranger);
  auto r = VerifyEnvelope(id, env);
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"signatures"});
  CHECK(GateNamed(*r, "signatures").reason ==
        "signature 2 is by unknown key " + stranger->keyid().substr(0, 16));
}

TEST_CASE_FIXTURE(Attack, "revoked key") {
  auto id = Approve({"staging"});
  REQUIRE(administration_->RevokeKey(bob_.keyid(), "laptop stolen", admin_).ok());
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"keys"});
  CHECK(GateNamed(*r, "keys").reason ==
        "key " + bob_.keyid().substr(0, 16) + " (bob) was revoked: laptop stolen");
  // And a revoked key can no longer co-sign.
  auto id2 = Approve({"staging"}, false);
  GovernancePlane gov(*store_, plane_options_);
  CHECK(gov.Cosign(id2, bob_).status().code() == StatusCode::kPermissionDenied);
}

TEST_CASE_FIXTURE(Attack, "key without the approver role") {
  auto id = Approve({"production"}, /*cosign=*/false);
  GovernancePlane gov(*store_, plane_options_);
  auto cosign = gov.Cosign(id, deployer_);
  CHECK(cosign.status().message() == "cannot co-sign: key " + deployer_.keyid().substr(0, 16) +
                                         " (deploy-bot) lacks the approver role");
  Envelope env = Stored(id).envelope;
  AddSignature(env, deployer_);
  auto r = VerifyEnvelope(id, env, "production");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"quorum", "promotion-order"});
  CHECK(GateNamed(*r, "quorum").reason.find("deploy-bot (key " +
                                            deployer_.keyid().substr(0, 16) +
                                            ") lacks the approver role") != std::string::npos);
}

TEST_CASE_FIXTURE(Attack, "trainer approving their own model") {
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto outcome = gov.Approve(Train().envelope, req, trainer_);
  REQUIRE(outcome.ok());
  CHECK_FALSE(outcome->approved);
  CHECK(outcome->denials == std::vector<std::string>{
                                "separation of duties: trainer-ci trained this model and cannot "
                                "approve it"});
  CHECK(Ledger().back().type == "approval.denied");
  // Nor can the trainer's signature count towards another approval.
  auto id = Approve({"production"}, /*cosign=*/false);
  CHECK(gov.Cosign(id, trainer_).status().code() == StatusCode::kPermissionDenied);
  Envelope env = Stored(id).envelope;
  AddSignature(env, trainer_);
  auto r = VerifyEnvelope(id, env, "production");
  REQUIRE(r.ok());
  CHECK(GateNamed(*r, "quorum").reason.find("trainer-ci trained this model and cannot approve it") !=
        std::string::npos);
  CHECK_FALSE(GateNamed(*r, "quorum").passed);
}

TEST_CASE_FIXTURE(Attack, "quorum below the environment floor") {
  // An issuer that bypasses GovernancePlane and claims one approver suffices
  // for production: the gate still applies production's floor of two.
  auto base_id = Approve({"staging"});
  ModelApproval a = *ParseApprovalStatement(Stored(base_id).envelope.payload, "x");
  a.approval_id = "apv-forged-floor";
  a.environments = {"production"};
  a.required_approvers = 1;
  Envelope env{std::string(kInTotoPayloadType), ApprovalStatement(a), {}};
  AddSignature(env, alice_);
  REQUIRE(store_->Transact([&](StoreTransaction& t) {
    return t.PutApproval({a.approval_id, a.model_id, a.model_version, a.artifact_digest, env, now_});
  }).ok());
  REQUIRE(Deploy(base_id, "staging")->promoted);
  auto r = Verify(a.approval_id, "production");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"quorum"});
  CHECK(GateNamed(*r, "quorum").reason ==
        "1 of 2 required distinct approvers (alice); production requires at least 2 approvers");
}

TEST_CASE_FIXTURE(Attack, "expired") {
  auto id = Approve({"staging"});
  Advance(91 * kDay);
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"validity"});
  CHECK(GateNamed(*r, "validity").reason.rfind("expired at ", 0) == 0);
}

TEST_CASE_FIXTURE(Attack, "not yet valid") {
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  req.not_before = now_ + 2 * kDay;
  auto outcome = gov.Approve(Train().envelope, req, alice_);
  REQUIRE(outcome.ok());
  auto r = Verify(outcome->approval.approval_id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"validity"});
  CHECK(GateNamed(*r, "validity").reason == "not valid before 2027-01-17T08:00:00Z");
}

TEST_CASE_FIXTURE(Attack, "not-before is bounded: never in the past, at most a year ahead") {
  GovernancePlane gov(*store_, plane_options_);
  for (int64_t nb : {now_ - 1, now_ + kMaxApprovalLeadSeconds + 1, int64_t{253'402'300'799},
                     std::numeric_limits<int64_t>::max()}) {
    INFO(nb);
    ApprovalRequest req;
    req.environments = {"staging"};
    req.not_before = nb;
    CHECK(gov.Approve(Train().envelope, req, alice_).status() ==
          InvalidArgumentError("not-before must lie between now (2027-01-15T08:00:00Z) and a year "
                               "from now (2028-01-16T08:00:00Z)"));
  }
  ApprovalRequest req;
  req.environments = {"staging"};
  req.not_before = now_ + kMaxApprovalLeadSeconds;
  auto outcome = gov.Approve(Train().envelope, req, alice_);
  REQUIRE(outcome.ok());
  CHECK(outcome->approved);
}

TEST_CASE_FIXTURE(Attack, "wrong environment") {
  auto id = Approve({"staging"});
  auto r = Verify(id, "development");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"environment"});
  CHECK(GateNamed(*r, "environment").reason == "approved for staging, not development");
}

TEST_CASE_FIXTURE(Attack, "wrong scope") {
  auto id = Approve({"staging"}, true, {"eu-west"});
  auto r = Verify(id, "staging", "us-east");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"scope"});
  CHECK(GateNamed(*r, "scope").reason == "approved for scopes eu-west, not us-east");
  CHECK(Verify(id, "staging", "eu-west")->promoted);
}

TEST_CASE_FIXTURE(Attack, "revoked approval") {
  auto id = Approve({"staging"});
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeApproval(id, "bias found in audit", carol_).ok());
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"revocation"});
  CHECK(GateNamed(*r, "revocation").reason ==
        "approval revoked by carol at 2027-01-15T08:00:00Z: bias found in audit");
}

TEST_CASE_FIXTURE(Attack, "revoked model") {
  auto id = Approve({"staging"});
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(gov.RevokeModel("fraud", "training data leak", carol_).ok());
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"revocation"});
  CHECK(GateNamed(*r, "revocation").reason ==
        "model fraud revoked by carol at 2027-01-15T08:00:00Z: training data leak");
}

TEST_CASE_FIXTURE(Attack, "artifact substituted after approval") {
  auto id = Approve({"staging"});
  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights with a backdoor").ok());
  auto r = Deploy(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"artifact"});
  CHECK(GateNamed(*r, "artifact").reason.find("(artifact substituted)") != std::string::npos);
  CHECK(Ledger().back().type == "deploy.denied");
}

TEST_CASE_FIXTURE(Attack, "payload field tampered: environments widened") {
  auto id = Approve({"staging"});
  Envelope env = Stored(id).envelope;
  auto pos = env.payload.find("\"environments\":[\"staging\"]");
  REQUIRE(pos != std::string::npos);
  env.payload.replace(pos, 26, "\"environments\":[\"staging\",\"production\"]");
  auto r = VerifyEnvelope(id, env, "production");
  REQUIRE(r.ok());
  CHECK_FALSE(r->promoted);
  CHECK(GateNamed(*r, "statement").reason ==
        "the statement differs from the one stored for " + id);
  CHECK_FALSE(GateNamed(*r, "signatures").passed);
  // The same edit made in the database itself.
  Tamper("UPDATE approvals SET payload = '" + Base64Encode(env.payload) +
         "' WHERE approval_id = '" + id + "'");
  auto stored = Verify(id, "staging");
  REQUIRE(stored.ok());
  CHECK_FALSE(stored->promoted);
  CHECK(GateNamed(*stored, "signatures").reason.find("does not verify") != std::string::npos);
}

TEST_CASE_FIXTURE(Attack, "signature moved to another approval") {
  auto a = Approve({"production"});
  auto b = Approve({"production"}, /*cosign=*/false);
  Envelope env_b = Stored(b).envelope;
  env_b.signatures.push_back(Stored(a).envelope.signatures[1]);  // bob's, for a
  auto r = VerifyEnvelope(b, env_b, "production");
  REQUIRE(r.ok());
  CHECK(GateNamed(*r, "signatures").reason ==
        "signature 2 (key " + bob_.keyid().substr(0, 16) + ", bob) does not verify");
  CHECK_FALSE(GateNamed(*r, "quorum").passed);
}

TEST_CASE_FIXTURE(Attack, "re-ordered and duplicated signatures") {
  auto id = Approve({"staging"});
  Envelope env = Stored(id).envelope;
  std::swap(env.signatures[0], env.signatures[1]);
  auto reordered = VerifyEnvelope(id, env);
  REQUIRE(reordered.ok());
  CheckFailedGates(*reordered, {});  // order carries no meaning

  auto single = Approve({"production"}, /*cosign=*/false);
  Envelope dup = Stored(single).envelope;
  dup.signatures.push_back(dup.signatures[0]);
  std::swap(dup.signatures[0], dup.signatures[1]);
  auto r = VerifyEnvelope(single, dup, "production");
  REQUIRE(r.ok());
  CHECK(GateNamed(*r, "envelope").reason ==
        "key " + alice_.keyid().substr(0, 16) + " signs more than once (duplicated signature entries)");
  CHECK(GateNamed(*r, "quorum").reason.rfind("1 of 2", 0) == 0);
}

TEST_CASE_FIXTURE(Attack, "ledger entry edited") {
  Approve({"staging"});
  REQUIRE(VerifyStoredLedger().ok);
  Tamper("UPDATE ledger SET actor = 'mallory' WHERE sequence = 9");
  auto v = VerifyStoredLedger();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_sequence == 9);
  CHECK(v.reason == "content does not match its hash (the entry was edited)");
}

TEST_CASE_FIXTURE(Attack, "ledger entry deleted") {
  Approve({"staging"});
  Tamper("DELETE FROM ledger WHERE sequence = 7");
  auto v = VerifyStoredLedger();
  CHECK(v.first_bad_sequence == 7);
  CHECK(v.reason == "entry 7 is missing (found sequence 8 in its place)");
}

TEST_CASE_FIXTURE(Attack, "ledger truncated and re-extended") {
  auto id = Approve({"staging"});
  auto size = static_cast<int64_t>(Ledger().size());
  // The attacker writes the database directly (the store itself refuses to
  // write on top of a state its snapshot did not sign) and seals the new
  // entry with a key of their own: the chain links, the signature does not.
  Tamper("DELETE FROM ledger WHERE sequence >= " + std::to_string(size - 1));
  auto entries = Ledger();
  LedgerEntry forged = SealLedgerEntry({"deploy.allowed", "mallory", id, {}}, &entries.back(),
                                       now_, *GeneratePrivateKey());
  Tamper("INSERT INTO ledger VALUES (" + std::to_string(forged.sequence) + ", " +
         std::to_string(forged.timestamp) + ", 'deploy.allowed', 'mallory', '" + id + "', '" +
         forged.details + "', '" + forged.prev_hash + "', '" + forged.hash + "', '" +
         forged.signer_keyid + "', '" + Base64Encode(forged.signature) + "')");
  auto v = VerifyStoredLedger();
  CHECK_FALSE(v.ok);
  CHECK(v.first_bad_sequence == size - 1);
  CHECK(v.reason.rfind("signature is not by an online key of the governance root", 0) == 0);
  // The gate sees that the ledger is not the one the snapshot signed.
  auto r = Verify(id, "staging");
  REQUIRE(r.ok());
  CheckFailedGates(*r, {"snapshot"});
  CHECK(GateNamed(*r, "snapshot").reason.find("the ledger holds") != std::string::npos);
  CHECK(r->ledger_sequence == 0);  // nothing recorded on top of it
}

}  // namespace
}  // namespace governance
