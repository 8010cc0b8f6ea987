#include <doctest/doctest.h>

#include "planes_fixture.h"

namespace governance {
namespace {

using testing::CheckFailedGates;
using testing::GateNamed;

using Serving = testing::PlanesFixture;

TEST_CASE_FIXTURE(Serving, "deploy records the deployment and the decision") {
  auto id = Approve({"staging", "production"});
  auto staged = Deploy(id, "staging");
  REQUIRE(staged.ok());
  CheckFailedGates(*staged, {});
  CHECK(GateNamed(*staged, "deployer").reason == "deploy-bot holds the deployer role");
  CHECK_FALSE(staged->previous_approval_id.has_value());
  auto entries = Ledger();
  CHECK(entries.back().type == "deploy.allowed");
  CHECK(entries.back().sequence == staged->ledger_sequence);
  CHECK(store_->Read([&](StoreTransaction& t) -> Status {
    GOV_ASSIGN_OR_RETURN(auto current, t.CurrentDeployments());
    REQUIRE(current.size() == 1);
    CHECK(current[0].approval_id == id);
    CHECK(current[0].deployed_by == "deploy-bot");
    return Status();
  }).ok());
}

TEST_CASE_FIXTURE(Serving, "production needs the artifact in staging first") {
  auto id = Approve({"staging", "production"});
  auto early = Deploy(id, "production");
  REQUIRE(early.ok());
  CheckFailedGates(*early, {"promotion-order"});
  CHECK(GateNamed(*early, "promotion-order").reason ==
        "production requires this artifact in staging first");
  REQUIRE(Deploy(id, "staging")->promoted);
  CHECK(Deploy(id, "production")->promoted);
}

TEST_CASE_FIXTURE(Serving, "only deployers deploy, and never the trainer") {
  auto id = Approve({"staging"});
  ServingPlane serving(*store_, plane_options_);
  GateRequest req{id, "staging", "", dir_ / "model.bin", std::nullopt, std::nullopt};
  auto by_alice = serving.Deploy(req, alice_);
  REQUIRE(by_alice.ok());
  CheckFailedGates(*by_alice, {"deployer"});
  CHECK(GateNamed(*by_alice, "deployer").reason ==
        "key " + alice_.keyid().substr(0, 16) + " (alice) lacks the deployer role");
  PrivateKey trainer_deployer = Enroll("trainer-ci", {Role::kDeployer});
  auto by_trainer = serving.Deploy(req, trainer_deployer);
  REQUIRE(by_trainer.ok());
  CHECK(GateNamed(*by_trainer, "deployer").reason ==
        "separation of duties: trainer-ci trained this model and cannot deploy it");
  CHECK(Ledger().back().type == "deploy.denied");
}

TEST_CASE_FIXTURE(Serving, "rollback returns to the previous approved deployment") {
  auto v1 = Approve({"staging"});
  REQUIRE(Deploy(v1, "staging")->promoted);
  REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v2").ok());
  auto v2 = Approve({"staging"});
  auto second = Deploy(v2, "staging");
  REQUIRE(second->promoted);
  CHECK(second->previous_approval_id == v1);
  ServingPlane serving(*store_, plane_options_);
  auto back = serving.Rollback("fraud", "staging", "v2 misbehaves", deployer_);
  REQUIRE(back.ok());
  CHECK(back->promoted);
  CHECK(back->approval_id == v1);
  CHECK(back->previous_approval_id == v2);
  CHECK(GateNamed(*back, "artifact").reason.rfind("the recorded artifact matches", 0) == 0);
  CHECK(Ledger().back().type == "rollback.allowed");
  CHECK(nlohmann::json::parse(Ledger().back().details)["reason"] == "v2 misbehaves");
  CHECK(serving.Rollback("fraud", "staging", "", deployer_).status() ==
        InvalidArgumentError("a rollback needs a reason, for the record"));

  // A revoked earlier approval is not a rollback target.
  GovernancePlane gov(*store_, plane_options_);
  REQUIRE(Deploy(v2, "staging").ok());  // v2 again; in history: v2, v1, v2, v1
  REQUIRE(gov.RevokeApproval(v1, "found a bug", carol_).ok());
  auto refused = serving.Rollback("fraud", "staging", "v2 misbehaves", deployer_);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->promoted);
  CHECK_FALSE(GateNamed(*refused, "revocation").passed);
  CHECK(serving.Rollback("churn", "staging", "no reason", deployer_).status() ==
        NotFoundError("model churn has never been deployed to staging"));
}

TEST_CASE_FIXTURE(Serving, "verify without an artifact skips only that check") {
  auto id = Approve({"staging"});
  ServingPlane serving(*store_, plane_options_);
  auto r = serving.Verify({id, "staging", "", std::nullopt, std::nullopt, std::nullopt}, "auditor");
  REQUIRE(r.ok());
  CHECK(r->promoted);
  CHECK(GateNamed(*r, "artifact").skipped);
  CHECK(Ledger().back().type == "verify.allowed");
  // No key signs a verification: the ledger says so, and keeps the claim.
  CHECK(Ledger().back().actor == "(unsigned)");
  CHECK(nlohmann::json::parse(Ledger().back().details)["requested_by"] == "auditor");
}

TEST_CASE_FIXTURE(Serving, "unknown approvals and missing artifacts are errors, not denials") {
  auto before = Ledger().size();
  CHECK(Verify("apv-nope", "staging").status() == NotFoundError("no approval apv-nope"));
  auto id = Approve({"staging"});
  before = Ledger().size();
  ServingPlane serving(*store_, plane_options_);
  auto r = serving.Deploy({id, "staging", "", dir_ / "missing.bin", std::nullopt, std::nullopt},
                          deployer_);
  CHECK(r.status().code() == StatusCode::kNotFound);
  CHECK(Ledger().size() == before);
}

}  // namespace
}  // namespace governance
