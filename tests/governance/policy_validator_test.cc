// The default bundle plugged into the governance plane, end to end through
// the serving gate's "exceptions" check.
#include "governance/policy_validator.h"

#include <set>
#include <thread>

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
  GovernancePlane gov(*store_, plane_options_, validator_.get());
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
  GovernancePlane gov(*store_, plane_options_, validator_.get());
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
  // Past its expiry the waiver no longer holds.
  now_ = *ParseRfc3339("2099-01-02T00:00:00Z");
  CHECK(GateNamed(*Verify(id, "staging"), "exceptions").reason ==
        "exception for deny_accuracy expired at 2099-01-01T00:00:00Z");
}

TEST_CASE_FIXTURE(PolicyFlow, "re-evaluation finds deployed models that no longer comply") {
  GovernancePlane lenient(*store_, plane_options_);  // approved before policy was adopted
  ApprovalRequest req;
  req.environments = {"staging"};
  auto outcome = lenient.Approve(TrainWith("deny_drift.yaml").envelope, req, alice_);
  REQUIRE(outcome->approved);
  REQUIRE(Deploy(outcome->approval.approval_id, "staging")->promoted);
  GovernancePlane strict(*store_, plane_options_, validator_.get());
  auto report = strict.ReevaluateDeployed(nullptr);
  REQUIRE(report.ok());
  REQUIRE(report->size() == 1);
  CHECK_FALSE((*report)[0].compliant);
  CHECK((*report)[0].denials == std::vector<std::string>{"Model drift score 0.45 exceeds critical threshold"});
  CHECK(Ledger().back().type == "policy.reevaluated");
  auto revoked = strict.ReevaluateDeployed(&carol_);
  REQUIRE(revoked.ok());
  CHECK((*revoked)[0].revoked);
  CHECK_FALSE(Verify(outcome->approval.approval_id, "staging")->promoted);
}

// Delegates to another validator, counting calls, and is not concurrent():
// the plane must then call it from one thread only.
class OneThreadValidator final : public ApprovalValidator {
 public:
  explicit OneThreadValidator(ApprovalValidator& inner) : inner_(inner) {}
  StatusOr<Decision> Validate(const TrainingOutput& output, int64_t now) override {
    ++calls;
    other_thread = other_thread || std::this_thread::get_id() != caller_;
    return inner_.Validate(output, now);
  }
  int calls = 0;
  bool other_thread = false;

 private:
  ApprovalValidator& inner_;
  std::thread::id caller_ = std::this_thread::get_id();
};

TEST_CASE_FIXTURE(PolicyFlow, "re-evaluating a fleet on all cores gives the one-thread answer") {
  REQUIRE(validator_->concurrent());
  auto valid = LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml");
  REQUIRE(valid.ok());
  GovernancePlane lenient(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  constexpr int kModels = 24;
  std::set<std::string> failing;
  for (int i = 0; i < kModels; ++i) {
    nlohmann::json manifest = *valid;
    const std::string id = "model-" + std::to_string(i);
    if (i % 3 == 1) {
      manifest["spec"]["metrics"]["accuracy"] = 0.5 + i / 100.0;
      failing.insert(id);
    }
    auto outcome = lenient.Approve(TrainWithManifest(manifest, id).envelope, req, alice_);
    REQUIRE(outcome.ok());
    REQUIRE(Deploy(outcome->approval.approval_id, "staging")->promoted);
  }
  GovernancePlane all_cores(*store_, plane_options_, validator_.get());
  auto parallel = all_cores.ReevaluateDeployed(nullptr);
  REQUIRE(parallel.ok());
  OneThreadValidator one(*validator_);
  GovernancePlane one_thread(*store_, plane_options_, &one);
  auto sequential = one_thread.ReevaluateDeployed(nullptr);
  REQUIRE(sequential.ok());
  CHECK(one.calls == kModels);
  CHECK_FALSE(one.other_thread);
  REQUIRE(parallel->size() == kModels);
  REQUIRE(sequential->size() == kModels);
  std::set<std::string> found;
  for (size_t i = 0; i < parallel->size(); ++i) {
    const auto& p = (*parallel)[i];
    const auto& s = (*sequential)[i];
    CHECK(p.deployment.model_id == s.deployment.model_id);
    CHECK(p.compliant == s.compliant);
    CHECK(p.denials == s.denials);
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
