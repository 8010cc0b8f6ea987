// A scripted history on a pinned clock, then audits of it: two versions of a
// model, a drift check that alerts, the second version released under a
// policy exception that expires while it is live, a rollback, a policy
// change with its re-evaluation. AuditDeployment at several instants must give, field by
// field, what was deployed, the approval and policy thresholds, what changed,
// who approved and deployed, and the monitoring after launch, with every
// cited entry proven against a checkpoint taken before the audit.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/time.h"
#include "governance/audit.h"
#include "governance/compliance_report.h"
#include "planes_fixture.h"

namespace governance {
namespace {

using testing::kDay;
using testing::kT0;

constexpr int64_t kHour = 3600;

constexpr char kAccuracyPolicy[] = R"(package model.governance
import rego.v1
deny_accuracy contains "accuracy too low" if input.spec.metrics.accuracy < data.governance.min_accuracy
)";

class AuditScenario : public testing::PlanesFixture {
 public:
  AuditScenario() {
    lenient_ = RequirePolicy(kAccuracyPolicy, "governance: {min_accuracy: 0.9}\n", {"staging"});
    Advance(kHour);  // T0+1h: v1 approved and deployed
    v1_ = Approve({"staging"});
    REQUIRE(Deploy(v1_, "staging")->promoted);
    Advance(kDay);  // T0+1d+1h: a drift check alerts
    GovernancePlane gov(*store_, plane_options_);
    MonitoringCheck drift;
    drift.kind = "drift";
    drift.model_id = "fraud";
    drift.result = {{"psi", 0.31}, {"alert", true}};
    drift.severity = 0.9;
    REQUIRE(gov.RecordCheck(drift).ok());
    Advance(kDay);  // T0+2d+1h: v2, below the threshold, approved under an
                    // exception bob signs for 45 minutes, and deployed
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v2").ok());
    v2_ = ApproveVersion("2", kWaivedManifest);
    REQUIRE(Deploy(v2_, "staging")->promoted);
    Advance(kHour);  // T0+2d+2h: the exception has expired; v2 would no longer
                     // pass the gate, and staging goes back to v1
    {
      ServingPlane serving(*store_, plane_options_);
      GateRequest again;
      again.approval_id = v2_;
      again.environment = "staging";
      again.artifact_path = dir_ / "model.bin";
      auto assessed = serving.Assess(again);
      REQUIRE(assessed.ok());
      REQUIRE_FALSE(assessed->promoted);
      REQUIRE(assessed->FirstFailure()->name == "exceptions");
      REQUIRE(assessed->FirstFailure()->reason.find("expired at " + FormatRfc3339(kWaiverExpires)) !=
              std::string::npos);
    }
    ServingPlane serving(*store_, plane_options_);
    REQUIRE(WriteFileAtomic(dir_ / "model.bin", "weights v1").ok());
    auto back = serving.Rollback("fraud", "staging", "v2 misbehaves", deployer_);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    REQUIRE(back->promoted);
    Advance(kDay);  // T0+3d+2h: stricter policy, and every deployment judged again
    strict_ = RequirePolicy(kAccuracyPolicy, "governance: {min_accuracy: 0.95}\n", {"staging"});
    auto re = gov.ReevaluateDeployed(nullptr);
    REQUIRE(re.ok());
    REQUIRE(re->size() == 1);
    REQUIRE_FALSE((*re)[0].compliant);
    Advance(kHour);
  }

  std::string ApproveVersion(const std::string& version, nlohmann::json manifest = nullptr) {
    GovernancePlane gov(*store_, plane_options_);
    ApprovalRequest req;
    req.environments = {"staging"};
    auto outcome = gov.Approve(Train("fraud", version, manifest).envelope, req, alice_);
    REQUIRE(outcome.ok());
    REQUIRE(outcome->approved);
    REQUIRE(gov.Cosign(outcome->approval.approval_id, bob_).ok());
    return outcome->approval.approval_id;
  }

  // A checkpoint of the ledger as it is now, signed with the ledger key.
  LedgerCheckpoint Checkpoint() {
    std::vector<std::string> leaves;
    for (const LedgerEntry& e : Ledger()) leaves.push_back(MerkleLeafHash(e.EntryBody()));
    return SignCheckpoint(static_cast<int64_t>(leaves.size()), HexEncode(MerkleRoot(leaves)),
                          ledger_key_);
  }

  DeploymentAudit AuditAt(int64_t at, const std::optional<LedgerCheckpoint>& checkpoint) {
    auto audit = AuditDeployment(*store_, plane_options_, "fraud", "staging", at, checkpoint);
    REQUIRE_MESSAGE(audit.ok(), audit.status().ToString());
    return *audit;
  }

  const ReleaseChange* Change(const DeploymentAudit& a, const std::string& section,
                              const std::string& path) {
    REQUIRE(a.changes.has_value());
    for (const ReleaseChange& c : a.changes->changes) {
      if (c.section == section && c.path == path) return &c;
    }
    return nullptr;
  }

  std::vector<std::string> CitedTypes(const DeploymentAudit& a) {
    std::vector<std::string> out;
    for (const AuditCitation& c : a.citations) out.push_back(c.type);
    return out;
  }

  // v2's manifest: accuracy 0.85, below the 0.9 floor, waived until
  // T0+2d+1h45 with bob's name on the waiver.
  static inline const int64_t kWaiverExpires = kT0 + 2 * kDay + kHour + 45 * 60;
  static inline const nlohmann::json kWaivedManifest = {
      {"metadata",
       {{"annotations",
         {{"policy.mgov.dev/exception", "accuracy"},
          {"policy.mgov.dev/exception-reason", "interim model while the retrain completes"},
          {"policy.mgov.dev/exception-approver", "bob"},
          {"policy.mgov.dev/exception-expires", FormatRfc3339(kWaiverExpires)}}}}},
      {"spec", {{"metrics", {{"accuracy", 0.85}}}}}};

  std::string lenient_, strict_, v1_, v2_;
};

void CheckAllProven(const DeploymentAudit& a, const LedgerCheckpoint& cp) {
  CHECK(a.tree_size == cp.size);
  CHECK(a.root_hash == cp.root_hash);
  REQUIRE_FALSE(a.citations.empty());
  for (const AuditCitation& c : a.citations) {
    CAPTURE(c.sequence);
    CHECK(c.verified);
    CHECK(c.note.empty());
    // The proof verifies on its own, from the hex the auditor is given.
    std::vector<std::string> path;
    for (const auto& h : c.audit_path) path.push_back(*HexDecode(h));
    CHECK(VerifyMerkleInclusion(*HexDecode(c.leaf_hash), static_cast<size_t>(c.sequence - 1),
                                static_cast<size_t>(cp.size), path, *HexDecode(cp.root_hash)));
  }
}

TEST_CASE_FIXTURE(AuditScenario, "audit --at: before anything, v1 live, v1 monitored, v2 live, rolled back") {
  const LedgerCheckpoint cp = Checkpoint();

  // Before the first deployment: nothing deployed, nothing cited.
  DeploymentAudit before = AuditAt(kT0 + kHour - 1, cp);
  CHECK_FALSE(before.deployed);
  CHECK(before.citations.empty());

  // T0+2h: v1 live, with the lenient policy's threshold, approved by alice
  // and bob, deployed by the deploy bot; the first deployment there.
  DeploymentAudit a = AuditAt(kT0 + 2 * kHour, cp);
  REQUIRE(a.deployed);
  CHECK(a.approval_id == v1_);
  CHECK(a.model_version == "1");
  CHECK(a.deployment.type == "deploy.allowed");
  CHECK(a.deployed_by == "deploy-bot");
  CHECK(a.deployed_at == kT0 + kHour);
  CHECK(a.artifact_digest == a.approval.approval.artifact_digest);
  CHECK(a.approval.approval.policy.bundle_digest == lenient_);
  CHECK(a.policy_data["governance"]["min_accuracy"] == 0.9);
  CHECK(a.approval.state == ApprovalState::kActive);
  std::vector<std::string> approvers;
  for (const auto& s : a.approval.signers) {
    if (s.counts) approvers.push_back(s.identity);
  }
  CHECK(approvers == std::vector<std::string>{"alice", "bob"});
  CHECK(a.training.type == "training.recorded");
  CHECK_FALSE(a.changes.has_value());
  CHECK(a.monitoring.empty());
  CHECK(CitedTypes(a) == std::vector<std::string>{"training.recorded", "approval.issued",
                                                   "approval.cosigned", "deploy.allowed"});
  CheckAllProven(a, cp);

  // T0+1d+2h: still v1, now with the drift alert after launch.
  DeploymentAudit monitored = AuditAt(kT0 + kDay + 2 * kHour, cp);
  CHECK(monitored.approval_id == v1_);
  REQUIRE(monitored.monitoring.size() == 1);
  CHECK(monitored.monitoring[0].type == "drift.checked");
  CHECK(monitored.monitoring[0].details["severity"] == 0.9);
  CHECK(monitored.monitoring[0].details["psi"] == 0.31);
  CheckAllProven(monitored, cp);

  // T0+2d+1h30: v2 live; what changed from v1; the drift check was v1's.
  DeploymentAudit b = AuditAt(kT0 + 2 * kDay + kHour + 1800, cp);
  CHECK(b.approval_id == v2_);
  CHECK(b.model_version == "2");
  CHECK(b.monitoring.empty());
  REQUIRE(b.changes.has_value());
  CHECK(b.changes->from.approval.approval_id == v1_);
  const ReleaseChange* version = Change(b, "approval", "/model_version");
  REQUIRE(version != nullptr);
  CHECK(version->before == "1");
  CHECK(version->after == "2");
  const ReleaseChange* artifact = Change(b, "approval", "/artifact_digest");
  REQUIRE(artifact != nullptr);
  CHECK(artifact->after == b.artifact_digest);
  CHECK(Change(b, "policy", "/bundle_digest") == nullptr);  // the same bundle
  // It was released under the exception, still in force at this instant.
  REQUIRE(b.approval.approval.policy.exceptions.size() == 1);
  const PolicyException& waiver = b.approval.approval.policy.exceptions[0];
  CHECK(waiver.rule == "deny_accuracy");
  CHECK(waiver.approver == "bob");
  CHECK(waiver.expires_at == kWaiverExpires);
  CHECK(waiver.expires_at > kT0 + 2 * kDay + kHour + 1800);
  const ReleaseChange* accuracy = Change(b, "metrics", "/accuracy");
  REQUIRE(accuracy != nullptr);
  CHECK(accuracy->before == 0.93);
  CHECK(accuracy->after == 0.85);
  const ReleaseChange* waived = Change(b, "policy", "/exceptions/deny_accuracy/approver");
  REQUIRE(waived != nullptr);
  CHECK(waived->before.is_null());
  CHECK(waived->after == "bob");
  CheckAllProven(b, cp);

  // T0+3d+3h: rolled back to v1, and the stricter policy's re-evaluation
  // found it non-compliant.
  DeploymentAudit c = AuditAt(kT0 + 3 * kDay + 3 * kHour, cp);
  CHECK(c.approval_id == v1_);
  CHECK(c.deployment.type == "rollback.allowed");
  CHECK(c.deployed_at == kT0 + 2 * kDay + 2 * kHour);
  REQUIRE(c.changes.has_value());
  CHECK(c.changes->from.approval.approval_id == v2_);
  CHECK(Change(c, "approval", "/model_version")->after == "1");
  // The expired waiver went with v2.
  CHECK(c.approval.approval.policy.exceptions.empty());
  const ReleaseChange* dropped = Change(c, "policy", "/exceptions/deny_accuracy/expires_at");
  REQUIRE(dropped != nullptr);
  CHECK(dropped->before == FormatRfc3339(kWaiverExpires));
  CHECK(dropped->after.is_null());
  REQUIRE(c.monitoring.size() == 1);
  CHECK(c.monitoring[0].type == "policy.reevaluated");
  CHECK(c.monitoring[0].summary.find("NOT COMPLIANT") != std::string::npos);
  CheckAllProven(c, cp);
}

TEST_CASE_FIXTURE(AuditScenario, "the compliance report lists the waiver as expired, v1 as non-compliant") {
  ComplianceReportOptions options;
  auto report = BuildComplianceReport(*store_, plane_options_, options, now_);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  REQUIRE(report->exceptions.size() == 1);
  CHECK(report->exceptions[0].approval_id == v2_);
  CHECK(report->exceptions[0].exception.expires_at == kWaiverExpires);
  CHECK(report->exceptions[0].expired);
  // Judged just before it ran out, the same waiver is open.
  auto earlier = BuildComplianceReport(*store_, plane_options_, options, kWaiverExpires - 1);
  REQUIRE_MESSAGE(earlier.ok(), earlier.status().ToString());
  REQUIRE(earlier->exceptions.size() == 1);
  CHECK_FALSE(earlier->exceptions[0].expired);
  // v1, live in staging again, fails the stricter policy of today.
  REQUIRE(report->fleet.size() == 1);
  CHECK(report->fleet[0].deployment.approval_id == v1_);
  CHECK_FALSE(report->fleet[0].compliant);
}

TEST_CASE_FIXTURE(AuditScenario, "audit: entries after the checkpoint are cited but not proven") {
  const LedgerCheckpoint early = Checkpoint();
  GovernancePlane gov(*store_, plane_options_);
  MonitoringCheck fairness;
  fairness.kind = "fairness";
  fairness.model_id = "fraud";
  fairness.severity = 0.1;
  REQUIRE(gov.RecordCheck(fairness).ok());
  DeploymentAudit late = AuditAt(now_, early);
  REQUIRE(late.monitoring.size() == 2);
  CHECK(late.monitoring[1].type == "fairness.checked");
  const AuditCitation& last = late.citations.back();
  CHECK(last.type == "fairness.checked");
  CHECK_FALSE(last.verified);
  CHECK(last.note.find("after the checkpoint") != std::string::npos);
  // Without a checkpoint every entry is proven against the whole ledger.
  DeploymentAudit whole = AuditAt(now_, std::nullopt);
  CHECK(std::all_of(whole.citations.begin(), whole.citations.end(),
                    [](const AuditCitation& c) { return c.verified; }));
}

TEST_CASE_FIXTURE(AuditScenario, "audit: a checkpoint the ledger does not extend is refused") {
  LedgerCheckpoint forged = Checkpoint();
  forged.root_hash = std::string(64, 'a');
  forged = SignCheckpoint(forged.size, forged.root_hash, ledger_key_);
  auto audit = AuditDeployment(*store_, plane_options_, "fraud", "staging", now_, forged);
  REQUIRE_FALSE(audit.ok());
  CHECK(audit.status().code() == StatusCode::kPermissionDenied);
  // Nor is one signed by a key that is not the ledger's.
  LedgerCheckpoint foreign = Checkpoint();
  foreign = SignCheckpoint(foreign.size, foreign.root_hash, admin_);
  CHECK_FALSE(AuditDeployment(*store_, plane_options_, "fraud", "staging", now_, foreign).ok());
  CHECK(AuditDeployment(*store_, plane_options_, "fraud", "", now_, {}).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(AuditDeployment(*store_, plane_options_, "nobody", "staging", now_, {}).status().code() ==
        StatusCode::kNotFound);
}

}  // namespace
}  // namespace governance
