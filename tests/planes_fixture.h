// A governance store on SQLite with a governance root (one admin), keys the
// admin enrolled, a pinned clock and an artifact on disk: the starting point
// of the plane and attack tests.
#ifndef GOVERNANCE_TESTS_PLANES_FIXTURE_H_
#define GOVERNANCE_TESTS_PLANES_FIXTURE_H_

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/file.h"
#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/policy.h"
#include "governance/state.h"
#include "governance/store.h"
#include "test_util.h"

namespace governance::testing {

inline constexpr int64_t kT0 = 1'800'000'000;  // 2027-01-15T08:00:00Z
inline constexpr int64_t kDay = 86400;

class PlanesFixture {
 public:
  PlanesFixture() {
    StoreOptions options;
    options.ledger_key = ledger_key_;
    options.clock = [this] { return now_; };
    db_path_ = dir_ / "governance.db";
    auto store = OpenStore("sqlite:" + db_path_, options);
    REQUIRE(store.ok());
    store_ = std::move(*store);
    REQUIRE(store_->Migrate().ok());
    plane_options_.clock = [this] { return now_; };
    InitRequest init;
    init.admins = {{"root-admin", admin_.public_key()}};
    init.signing_admins = {&admin_};
    init.online_key = ledger_key_.public_key();
    // Most tests approve bare training outputs; policy has its own tests.
    init.require_no_policy = true;
    auto made = InitializeGovernance(*store_, init, plane_options_);
    REQUIRE_MESSAGE(made.ok(), made.status().ToString());
    root_ = made->root.envelope;
    plane_options_.trust = PinnedTrust(root_);
    administration_ = std::make_unique<Administration>(*store_, plane_options_);
    trainer_ = Enroll("trainer-ci", {Role::kTrainer, Role::kApprover});
    alice_ = Enroll("alice", {Role::kApprover});
    bob_ = Enroll("bob", {Role::kApprover});
    carol_ = Enroll("carol", {Role::kApprover});
    deployer_ = Enroll("deploy-bot", {Role::kDeployer});
    alice_second_ = Enroll("alice", {Role::kApprover});
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
  }

  PrivateKey Enroll(const std::string& identity, std::vector<Role> roles) {
    auto key = GeneratePrivateKey();
    REQUIRE(key.ok());
    auto rec = administration_->EnrollKey(key->public_key(), identity, roles, admin_);
    REQUIRE_MESSAGE(rec.ok(), rec.status().ToString());
    REQUIRE(rec->applied);
    return *key;
  }

  // Writes a policy bundle (one module, one data file) and has the admin
  // require it for `environments` (all when empty); returns its digest.
  std::string RequirePolicy(const std::string& rego, const std::string& data_yaml,
                            std::vector<std::string> environments = {}) {
    const std::string dir = dir_ / ("policy-" + std::to_string(++policies_));
    std::filesystem::create_directories(dir);
    REQUIRE(WriteFileAtomic(dir + "/policy.rego", rego).ok());
    REQUIRE(WriteFileAtomic(dir + "/data.yaml", data_yaml).ok());
    auto bundle = LoadPolicyBundle(dir);
    REQUIRE_MESSAGE(bundle.ok(), bundle.status().ToString());
    auto out = administration_->RequirePolicy(*bundle, environments, admin_);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    REQUIRE(out->applied);
    return bundle->digest();
  }

  // Moves the clock on, keeping the store's snapshot fresh as a store in use
  // would be.
  void Advance(int64_t seconds) {
    now_ += seconds;
    auto refreshed = RefreshSnapshot(*store_, *plane_options_.trust, now_);
    REQUIRE_MESSAGE(refreshed.ok(), refreshed.status().ToString());
  }

  // Records `model` `version` from model.bin with `manifest` (default:
  // accuracy 0.93 and nothing else); its metrics are the manifest's.
  SignedTrainingOutput Train(const std::string& model = "fraud", const std::string& version = "1",
                             nlohmann::json manifest = nullptr) {
    TrainingPlane training(*store_, plane_options_);
    TrainingRequest req;
    req.model_id = model;
    req.model_version = version;
    req.artifact_path = dir_ / "model.bin";
    if (manifest.is_null()) manifest = {{"spec", {{"metrics", {{"accuracy", 0.93}}}}}};
    req.manifest = manifest;
    req.metrics = manifest["spec"]["metrics"];
    req.release_notes.emplace();
    req.release_notes->rollback_trigger = "accuracy below 0.90";
    req.release_notes->owners = {"ml@example.com"};
    auto out = training.Record(req, trainer_);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    return *out;
  }

  // An approval for `envs`, signed by alice and, when `cosign`, bob.
  std::string Approve(std::vector<std::string> envs, bool cosign = true,
                      std::vector<std::string> scopes = {}) {
    GovernancePlane gov(*store_, plane_options_);
    ApprovalRequest req;
    req.environments = std::move(envs);
    req.scopes = std::move(scopes);
    auto outcome = gov.Approve(Train().envelope, req, alice_);
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().ToString());
    INFO((outcome->denials.empty() ? std::string() : outcome->denials[0]));
    REQUIRE(outcome->approved);
    if (cosign) REQUIRE(gov.Cosign(outcome->approval.approval_id, bob_).ok());
    return outcome->approval.approval_id;
  }

  StatusOr<PromotionResult> Verify(const std::string& id, const std::string& env,
                                   const std::string& scope = "") {
    ServingPlane serving(*store_, plane_options_);
    GateRequest req;
    req.approval_id = id;
    req.environment = env;
    req.scope = scope;
    req.artifact_path = dir_ / "model.bin";
    return serving.Verify(req, "test");
  }

  StatusOr<PromotionResult> Deploy(const std::string& id, const std::string& env) {
    ServingPlane serving(*store_, plane_options_);
    GateRequest req;
    req.approval_id = id;
    req.environment = env;
    req.artifact_path = dir_ / "model.bin";
    return serving.Deploy(req, deployer_);
  }

  ApprovalRecord Stored(const std::string& id) {
    ApprovalRecord out;
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(out, t.GetApproval(id));
      return Status();
    }).ok());
    return out;
  }

  std::vector<LedgerEntry> Ledger() {
    std::vector<LedgerEntry> out;
    REQUIRE(store_->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(out, t.ReadLedger());
      return Status();
    }).ok());
    return out;
  }

  TempDir dir_;
  int policies_ = 0;
  std::string db_path_;
  int64_t now_ = kT0;
  PrivateKey ledger_key_ = *PrivateKey::FromSeed(std::string(32, '\x11'));
  PrivateKey admin_ = *PrivateKey::FromSeed(std::string(32, '\x22'));
  std::unique_ptr<Store> store_;
  PlaneOptions plane_options_;
  Envelope root_;
  std::unique_ptr<Administration> administration_;
  PrivateKey trainer_ = ledger_key_, alice_ = ledger_key_, bob_ = ledger_key_,
             carol_ = ledger_key_, deployer_ = ledger_key_, alice_second_ = ledger_key_;
};

// The named gate of `result`, or fails the test.
inline const GateCheck& GateNamed(const PromotionResult& result, const std::string& name) {
  for (const auto& g : result.gates) {
    if (g.name == name) return g;
  }
  FAIL("no gate named " << name);
  return result.gates.front();
}

// Exactly the gates in `failed` fail.
inline void CheckFailedGates(const PromotionResult& result, std::vector<std::string> failed) {
  std::vector<std::string> actual;
  for (const auto& g : result.gates) {
    if (!g.passed) actual.push_back(g.name);
  }
  CHECK(actual == failed);
  CHECK(result.promoted == failed.empty());
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_PLANES_FIXTURE_H_
