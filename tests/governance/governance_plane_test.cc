#include <doctest/doctest.h>

#include "core/document.h"
#include "governance/quorum.h"
#include "planes_fixture.h"

namespace governance {
namespace {

using Governance = testing::PlanesFixture;

constexpr char kAccuracyPolicy[] = R"(package model.governance
import rego.v1
deny contains "accuracy too low" if input.spec.metrics.accuracy < data.governance.min_accuracy
warn contains "latency not reported" if not input.spec.metrics.latency_ms
)";

TEST_CASE_FIXTURE(Governance, "approve issues an in-toto statement with the decision stack") {
  GovernancePlane gov(*store_, plane_options_);
  auto out = Train();
  ApprovalRequest req;
  req.environments = {"production"};
  auto outcome = gov.Approve(out.envelope, req, alice_);
  REQUIRE(outcome.ok());
  REQUIRE(outcome->approved);
  const ModelApproval& a = outcome->approval;
  CHECK(a.required_approvers == 2);  // production's floor
  CHECK(a.expires_at - a.issued_at == kDefaultTtlSeconds);
  CHECK(a.trainer == "trainer-ci");
  CHECK(a.training_output_digest == out.digest);
  CHECK(a.artifact_digest == out.output.artifact.digest);
  CHECK_FALSE(a.policy.evaluated);
  auto statement = nlohmann::json::parse(outcome->envelope.payload);
  CHECK(statement["_type"] == "https://in-toto.io/Statement/v1");
  CHECK(statement["predicateType"] == "https://mgov.dev/approval/v1");
  CHECK(statement["subject"][0]["digest"]["sha256"] == a.artifact_digest.substr(7));
  auto parsed = ParseApprovalStatement(outcome->envelope.payload, "p");
  REQUIRE(parsed.ok());
  CHECK(parsed->environments == a.environments);
  CHECK(parsed->expires_at == a.expires_at);

  auto cos = gov.Cosign(a.approval_id, bob_);
  REQUIRE(cos.ok());
  CHECK(cos->distinct_approvers == 2);
  CHECK(cos->required_approvers == 2);
  CHECK(cos->quorum_met);
  auto again = gov.Cosign(a.approval_id, bob_);
  CHECK(again.status() == PermissionDeniedError("bob already approved " + a.approval_id +
                                                "; a second signature of the same identity adds "
                                                "nothing"));
}

TEST_CASE_FIXTURE(Governance, "the required policy is evaluated, recorded, and a denial refuses") {
  const std::string lenient = RequirePolicy(kAccuracyPolicy, "governance: {min_accuracy: 0.9}\n");
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging"};
  auto ok = gov.Approve(Train().envelope, req, alice_);
  REQUIRE(ok.ok());
  REQUIRE(ok->approved);
  CHECK(ok->approval.policy.evaluated);
  CHECK(ok->approval.policy.bundle_digest == lenient);
  CHECK(ok->approval.policy.warnings == std::vector<std::string>{"latency not reported"});
  // Only the admins change what passes: a stricter bundle, required by them.
  const std::string strict = RequirePolicy(kAccuracyPolicy, "governance: {min_accuracy: 0.99}\n");
  CHECK(strict != lenient);
  auto denied = gov.Approve(Train().envelope, req, alice_);
  REQUIRE(denied.ok());
  CHECK_FALSE(denied->approved);
  CHECK(denied->denials == std::vector<std::string>{"policy: accuracy too low"});
  CHECK(Ledger().back().type == "approval.denied");
  // An approval made under the old bundle is no longer co-signed.
  auto cosign = gov.Cosign(ok->approval.approval_id, bob_);
  CHECK(cosign.status().code() == StatusCode::kPermissionDenied);
  CHECK(cosign.status().message().find("now require " + strict) != std::string::npos);
}

TEST_CASE_FIXTURE(Governance, "environments that require different bundles are approved apart") {
  RequirePolicy(kAccuracyPolicy, "governance: {min_accuracy: 0.9}\n", {"staging"});
  RequirePolicy(kAccuracyPolicy, "governance: {min_accuracy: 0.5}\n", {"production"});
  GovernancePlane gov(*store_, plane_options_);
  ApprovalRequest req;
  req.environments = {"staging", "production"};
  CHECK(gov.Approve(Train().envelope, req, alice_).status() ==
        InvalidArgumentError("environments staging and production require different policy "
                             "bundles; approve them separately"));
}

TEST_CASE_FIXTURE(Governance, "environment rules bound every approval") {
  GovernancePlane gov(*store_, plane_options_);
  auto out = Train();
  ApprovalRequest req;
  req.environments = {"production"};
  req.ttl_seconds = 120 * testing::kDay;
  CHECK(gov.Approve(out.envelope, req, alice_).status() ==
        InvalidArgumentError("TTL 120d exceeds the maximum of 90d for production"));
  req.ttl_seconds.reset();
  req.environments = {"moon"};
  CHECK(gov.Approve(out.envelope, req, alice_).status() ==
        InvalidArgumentError(
            "unknown environment \"moon\" (known: development, staging, production)"));
  req.environments = {"staging"};
  req.required_approvers = 3;
  CHECK(gov.Approve(out.envelope, req, alice_)->approval.required_approvers == 3);
}

TEST_CASE_FIXTURE(Governance, "a tampered training output is not approved") {
  GovernancePlane gov(*store_, plane_options_);
  auto out = Train();
  Envelope env = out.envelope;
  auto pos = env.payload.find("0.93");
  REQUIRE(pos != std::string::npos);
  env.payload.replace(pos, 4, "0.99");
  ApprovalRequest req;
  req.environments = {"staging"};
  auto outcome = gov.Approve(env, req, alice_);
  REQUIRE(outcome.ok());
  CHECK_FALSE(outcome->approved);
  CHECK(outcome->denials[0] ==
        "the trainer's signature on the training output does not verify (the training output "
        "was altered)");
}

TEST_CASE_FIXTURE(Governance, "custom configuration is validated") {
  auto bad = GovernanceConfigFromJson(
      nlohmann::json::parse(R"({"environments":[{"name":"prod","min_approvers":0}]})"), "c.json");
  CHECK(bad.status().message() == "c.json: /environments/0/min_approvers must be 1 to 100");
  auto unknown_prior = GovernanceConfigFromJson(
      nlohmann::json::parse(
          R"({"environments":[{"name":"prod","min_approvers":2,"requires_prior":["qa"]}]})"),
      "c.json");
  CHECK(unknown_prior.status().message() ==
        "c.json: environment \"prod\" requires unknown environment \"qa\"");
  auto round = GovernanceConfigFromJson(ToJson(GovernanceConfig::Default()), "d");
  REQUIRE(round.ok());
  CHECK(round->Find("production")->min_approvers == 2);
  CHECK(round->Find("production")->requires_prior == std::vector<std::string>{"staging"});
  CHECK(round->Find("production")->separation_of_duties);
  CHECK_FALSE(round->Find("staging")->separation_of_duties);
  auto skew = GovernanceConfigFromJson(
      nlohmann::json::parse(R"({"environments":[{"name":"prod","min_approvers":1}],
                                "clock_skew":"3650d"})"),
      "c.json");
  CHECK(skew.status().message() == "c.json: clock_skew 3650d is outside 0s to 1h");
  auto exact = GovernanceConfigFromJson(
      nlohmann::json::parse(R"({"environments":[{"name":"prod","min_approvers":1}],
                                "clock_skew":"0s"})"),
      "c.json");
  REQUIRE(exact.ok());
  CHECK(exact->clock_skew_seconds == 0);
  CHECK(GovernanceConfigFromJson(nlohmann::json::parse(
                                     R"({"environments":[{"name":"p","min_approvers":1}],
                                         "clock_skew":"s"})"),
                                 "c.json")
            .status()
            .message()
            .find("invalid duration \"s\"") != std::string::npos);
  auto typo = GovernanceConfigFromJson(
      nlohmann::json::parse(R"({"environments":[{"name":"prod","min_aprovers":1}]})"), "c.json");
  CHECK(typo.status().message().find("/environments/0/min_aprovers is not a known field") !=
        std::string::npos);
}

TEST_CASE_FIXTURE(Governance, "revocation needs an authorised key and a known target") {
  GovernancePlane gov(*store_, plane_options_);
  auto id = Approve({"staging"});
  CHECK(gov.RevokeApproval("apv-missing", "x", carol_).status().code() == StatusCode::kNotFound);
  auto outsider = Enroll("intern", {Role::kAuditor});
  auto refused = gov.RevokeApproval(id, "x", outsider);
  CHECK(refused.status().code() == StatusCode::kPermissionDenied);
  CHECK(Ledger().back().type == "approval.revoke-denied");
  CHECK(gov.RevokeApproval(id, "", carol_).status() ==
        InvalidArgumentError("a revocation needs a reason"));
  REQUIRE(gov.RevokeApproval(id, "bad", carol_).ok());
  CHECK(gov.RevokeApproval(id, "again", carol_).status().code() == StatusCode::kAlreadyExists);
  CHECK(gov.Cosign(id, carol_).status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("a store initialised through the library requires the default bundle unless told not to") {
  auto ledger_key = GeneratePrivateKey();
  auto admin = GeneratePrivateKey();
  REQUIRE((ledger_key.ok() && admin.ok()));
  auto builtin = DefaultPolicyBundle();
  REQUIRE_MESSAGE(builtin.ok(), builtin.status().ToString());
  // The bundle mgov init installs is the same bundle, file for file.
  auto from_source = LoadPolicyBundle(std::string(GOV_SOURCE_DIR) + "/policies");
  REQUIRE(from_source.ok());
  CHECK(builtin->digest() == from_source->digest());
  CHECK(builtin->files() == from_source->files());

  auto init = [&](bool require_no_policy) {
    StoreOptions options;
    options.ledger_key = *ledger_key;
    auto store = NewMemoryStore(options);
    InitRequest request;
    request.admins = {{"admin", admin->public_key()}};
    request.signing_admins = {&*admin};
    request.online_key = ledger_key->public_key();
    request.require_no_policy = require_no_policy;
    auto made = InitializeGovernance(*store, request);
    REQUIRE_MESSAGE(made.ok(), made.status().ToString());
    PlaneOptions planes;
    planes.trust = PinnedTrust(made->root.envelope);
    auto state = ReadTrustedState(*store, planes);
    REQUIRE(state.ok());
    return state->config;
  };
  for (const EnvironmentRule& rule : init(false).environments) {
    CHECK_MESSAGE(rule.policy_bundle == builtin->digest(), rule.name);
  }
  for (const EnvironmentRule& rule : init(true).environments) {
    CHECK_MESSAGE(rule.policy_bundle.empty(), rule.name);
  }

  InitRequest both;
  both.policy = *builtin;
  both.require_no_policy = true;
  both.admins = {{"admin", admin->public_key()}};
  both.signing_admins = {&*admin};
  both.online_key = ledger_key->public_key();
  StoreOptions options;
  options.ledger_key = *ledger_key;
  auto made = InitializeGovernance(*NewMemoryStore(options), both);
  CHECK(made.status().code() == StatusCode::kInvalidArgument);
  CHECK(made.status().message() == "give a policy bundle or require_no_policy, not both");
}

}  // namespace
}  // namespace governance
