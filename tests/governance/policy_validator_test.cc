// The default bundle, required by the admins, end to end through the
// governance plane and the serving gate's "policy" and "exceptions" checks.
#include "governance/policy_validator.h"

#include <set>

#include <doctest/doctest.h>

#include "core/document.h"
#include "core/time.h"
#include "planes_fixture.h"

namespace governance {
namespace {

using testing::GateNamed;

class PolicyFlow : public testing::PlanesFixture {
 public:
  PolicyFlow() {
    auto bundle = LoadPolicyBundle(std::string(GOV_SOURCE_DIR) + "/policies");
    REQUIRE_MESSAGE(bundle.ok(), bundle.status().ToString());
    validator_ = std::make_unique<PolicyValidator>(*bundle);
    // The default bundle judges the artifact's bytes: give it real safetensors.
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", testing::Safetensors("weights v1")).ok());
  }

  // The admin requires the default bundle everywhere.
  void AdoptPolicy() {
    auto out = administration_->RequirePolicy(validator_->bundle(), {}, admin_);
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    REQUIRE(out->applied);
  }

  SignedTrainingOutput TrainWith(const std::string& manifest_file) {
    auto manifest = LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/" + manifest_file);
    REQUIRE(manifest.ok());
    return TrainWithManifest(*manifest);
  }

  SignedTrainingOutput TrainWithManifest(const nlohmann::json& manifest,
                                         const std::string& model_id = "fraud") {
    TrainingPlane training(*store_, plane_options_);
    TrainingRequest req;
    req.model_id = model_id;
    req.model_version = "1";
    req.artifact_path = dir_ / "model.bin";
    req.manifest = manifest;
    auto out = training.Record(req, trainer_);
    REQUIRE(out.ok());
    return *out;
  }

  std::unique_ptr<PolicyValidator> validator_;
};

TEST_CASE_FIXTURE(PolicyFlow, "a manifest that breaks a rule is not approved") {
  AdoptPolicy();
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto outcome = gov.Approve(TrainWith("deny_accuracy.yaml").envelope, req, alice_);
  REQUIRE(outcome.ok());
  CHECK_FALSE(outcome->approved);
  CHECK(outcome->denials ==
        std::vector<std::string>{"policy: Model accuracy 0.78 is below minimum threshold 0.85"});
  auto good = gov.Approve(TrainWith("valid.yaml").envelope, req, alice_);
  REQUIRE(good->approved);
  CHECK(good->approval.policy.evaluated);
  CHECK(good->approval.policy.bundle_digest == validator_->bundle().digest());
  CHECK(good->approval.policy.input_digest.rfind("sha256:", 0) == 0);
}

TEST_CASE_FIXTURE(PolicyFlow, "an exception holds only with its named approver among the signers") {
  auto manifest = LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/exception_accuracy.yaml");
  REQUIRE(manifest.ok());
  (*manifest)["metadata"]["annotations"]["policy.mgov.dev/exception-approver"] = "bob";
  const int64_t expiry = now_ + 10 * testing::kDay;
  (*manifest)["metadata"]["annotations"]["policy.mgov.dev/exception-expires"] =
      FormatRfc3339(expiry);
  AdoptPolicy();
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto outcome = gov.Approve(TrainWithManifest(*manifest).envelope, req, alice_);
  REQUIRE(outcome.ok());
  REQUIRE(outcome->approved);
  REQUIRE(outcome->approval.policy.exceptions.size() == 1);
  CHECK(outcome->approval.policy.exceptions[0].rule == "deny_accuracy");
  CHECK(outcome->approval.policy.exceptions[0].approver == "bob");
  const std::string id = outcome->approval.approval_id;
  auto before = Verify(id, "staging");
  REQUIRE(before.ok());
  CHECK_FALSE(before->promoted);
  CHECK(GateNamed(*before, "exceptions").reason ==
        "exception for deny_accuracy names approver bob, who has not signed");
  REQUIRE(gov.Cosign(id, bob_).ok());
  auto after = Verify(id, "staging");
  CHECK(after->promoted);
  CHECK(GateNamed(*after, "exceptions").reason == "waived: deny_accuracy (by bob)");
  CHECK(GateNamed(*after, "policy").passed);
  // Past its expiry the waiver no longer holds.
  Advance(11 * testing::kDay);
  CHECK(GateNamed(*Verify(id, "staging"), "exceptions").reason ==
        "exception for deny_accuracy expired at " + FormatRfc3339(expiry));
}

TEST_CASE_FIXTURE(PolicyFlow, "re-evaluation finds deployed models that no longer comply") {
  GovernancePlane gov(*store_, plane_options_);  // approved before policy was adopted
  ApprovalRequest req;
  req.environments = {"staging"};
  auto outcome = gov.Approve(TrainWith("deny_drift.yaml").envelope, req, alice_);
  REQUIRE(outcome->approved);
  CHECK_FALSE(outcome->approval.policy.evaluated);
  REQUIRE(Deploy(outcome->approval.approval_id, "staging")->promoted);
  AdoptPolicy();
  // The policy gate already refuses an approval made without the bundle.
  CHECK(GateNamed(*Verify(outcome->approval.approval_id, "staging"), "policy").reason ==
        "staging requires policy bundle " + validator_->bundle().digest().substr(0, 19) +
            "…; the approval was issued without policy");
  auto report = gov.ReevaluateDeployed(nullptr);
  REQUIRE(report.ok());
  REQUIRE(report->size() == 1);
  CHECK_FALSE((*report)[0].compliant);
  CHECK((*report)[0].bundle_digest == validator_->bundle().digest());
  CHECK((*report)[0].denials == std::vector<std::string>{"Model drift score 0.45 exceeds critical threshold"});
  CHECK(Ledger().back().type == "policy.reevaluated");
  CHECK(Ledger().back().actor == "(unsigned)");
  auto revoked = gov.ReevaluateDeployed(&carol_);
  REQUIRE(revoked.ok());
  CHECK((*revoked)[0].revoked);
  CHECK(Ledger().back().actor == "carol");
  CHECK(GateNamed(*Verify(outcome->approval.approval_id, "staging"), "revocation").reason.find(
            "no longer complies with policy") != std::string::npos);
}

TEST_CASE_FIXTURE(PolicyFlow, "re-evaluating a fleet on all cores gives the one-thread answer") {
  auto valid = LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml");
  REQUIRE(valid.ok());
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  constexpr int kModels = 24;
  std::set<std::string> failing;
  std::vector<TrainingOutput> outputs;
  for (int i = 0; i < kModels; ++i) {
    nlohmann::json manifest = *valid;
    const std::string id = "model-" + std::to_string(i);
    if (i % 3 == 1) {
      manifest["spec"]["metrics"]["accuracy"] = 0.5 + i / 100.0;
      failing.insert(id);
    }
    auto trained = TrainWithManifest(manifest, id);
    outputs.push_back(trained.output);
    auto outcome = gov.Approve(trained.envelope, req, alice_);
    REQUIRE(outcome.ok());
    REQUIRE(Deploy(outcome->approval.approval_id, "staging")->promoted);
  }
  AdoptPolicy();
  auto parallel = gov.ReevaluateDeployed(nullptr);
  REQUIRE(parallel.ok());
  REQUIRE(parallel->size() == kModels);
  std::set<std::string> found;
  for (const auto& p : *parallel) {
    // The reference: the same bundle on one thread, model by model.
    const TrainingOutput* out = nullptr;
    for (const auto& o : outputs) out = o.model_id == p.deployment.model_id ? &o : out;
    REQUIRE(out != nullptr);
    auto one = validator_->Validate(*out, {"staging"}, now_);
    REQUIRE(one.ok());
    CHECK(p.compliant == one->allowed);
    CHECK(p.denials == one->denials);
    if (!p.compliant) {
      found.insert(p.deployment.model_id);
      REQUIRE(p.denials.size() == 1);
      CHECK(p.denials[0].rfind("Model accuracy 0.", 0) == 0);
    }
  }
  CHECK(found == failing);
}

}  // namespace
}  // namespace governance
