// libFuzzer target for the signed statements a gate reads out of DSSE
// payloads: the in-toto Statement carrying a ModelApproval
// (governance/approval_statement.cc), revocations and deployments
// (governance/statements.cc), the store's snapshot (store/snapshot.cc) and a
// ledger checkpoint (store/ledger.cc, `ledger verify --checkpoint`).
//
// Each accepted statement must serialise to a payload that reads back as the
// same value, and that payload must be a fixed point: the digest of a payload
// is what signers sign and ledgers record, so a second reading may not
// change a byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/document.h"
#include "fuzz_check.h"
#include "governance/ledger.h"
#include "governance/snapshot.h"
#include "governance/statements.h"
#include "governance/types.h"

namespace governance {
namespace {

using fuzz::NamesOrigin;

bool SameStack(const DecisionStack& a, const DecisionStack& b) {
  return a.dataset_version == b.dataset_version && a.code_revision == b.code_revision &&
         a.evaluation_report_digest == b.evaluation_report_digest;
}

bool SameApproval(const ModelApproval& a, const ModelApproval& b) {
  if (a.policy.exceptions.size() != b.policy.exceptions.size()) return false;
  for (size_t i = 0; i < a.policy.exceptions.size(); ++i) {
    const PolicyException& x = a.policy.exceptions[i];
    const PolicyException& y = b.policy.exceptions[i];
    if (x.rule != y.rule || x.reason != y.reason || x.approver != y.approver ||
        x.expires_at != y.expires_at) {
      return false;
    }
  }
  return a.approval_id == b.approval_id && a.domain == b.domain && a.model_id == b.model_id &&
         a.model_version == b.model_version && a.artifact_digest == b.artifact_digest &&
         a.environments == b.environments && a.scopes == b.scopes &&
         a.issued_at == b.issued_at && a.not_before == b.not_before &&
         a.expires_at == b.expires_at && a.required_approvers == b.required_approvers &&
         a.policy.evaluated == b.policy.evaluated &&
         a.policy.bundle_digest == b.policy.bundle_digest &&
         a.policy.input_digest == b.policy.input_digest &&
         a.policy.warnings == b.policy.warnings &&
         a.training_output_digest == b.training_output_digest && a.trainer == b.trainer &&
         SameStack(a.decision_stack, b.decision_stack);
}

void Approval(std::string_view text) {
  auto a = ParseApprovalStatement(text, "fuzz.json");
  if (!a.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(a.status().message(), "fuzz.json"));
    return;
  }
  // What the gates rely on having been checked here.
  GOV_FUZZ_CHECK(IsArtifactDigest(a->artifact_digest));
  GOV_FUZZ_CHECK(IsSha256Digest(a->training_output_digest));
  GOV_FUZZ_CHECK(a->required_approvers >= 1 && a->required_approvers <= 100);
  GOV_FUZZ_CHECK(a->expires_at > a->not_before);
  GOV_FUZZ_CHECK(!a->environments.empty());
  const std::string payload = ApprovalStatement(*a);
  auto again = ParseApprovalStatement(payload, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(SameApproval(*a, *again));
  GOV_FUZZ_CHECK(ApprovalStatement(*again) == payload);
}

void RevocationStatement(std::string_view text) {
  std::string domain;
  auto v = ParseRevocationPayload(text, "fuzz.json", &domain);
  if (!v.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(v.status().message(), "fuzz.json"));
    return;
  }
  GOV_FUZZ_CHECK(IsSha256Digest(domain));
  for (const auto& d : v->artifact_digests) GOV_FUZZ_CHECK(IsArtifactDigest(d));
  const std::string payload = RevocationPayload(*v, domain);
  std::string domain_again;
  auto again = ParseRevocationPayload(payload, "again.json", &domain_again);
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(domain_again == domain);
  GOV_FUZZ_CHECK(again->kind == v->kind && again->target == v->target &&
                 again->reason == v->reason && again->revoked_by == v->revoked_by &&
                 again->revoked_at == v->revoked_at &&
                 again->artifact_digests == v->artifact_digests);
  GOV_FUZZ_CHECK(RevocationPayload(*again, domain_again) == payload);
}

void DeploymentStatementOf(std::string_view text) {
  auto s = ParseDeploymentPayload(text, "fuzz.json");
  if (!s.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(s.status().message(), "fuzz.json"));
    return;
  }
  GOV_FUZZ_CHECK(IsArtifactDigest(s->deployment.artifact_digest));
  GOV_FUZZ_CHECK(s->deployment.kind == "deploy" || s->deployment.kind == "rollback");
  const std::string payload = DeploymentPayload(*s);
  auto again = ParseDeploymentPayload(payload, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  const Deployment& a = s->deployment;
  const Deployment& b = again->deployment;
  GOV_FUZZ_CHECK(a.kind == b.kind && a.environment == b.environment &&
                 a.model_id == b.model_id && a.model_version == b.model_version &&
                 a.approval_id == b.approval_id && a.artifact_digest == b.artifact_digest &&
                 a.deployed_by == b.deployed_by && a.deployed_at == b.deployed_at);
  GOV_FUZZ_CHECK(again->domain == s->domain && again->previous == s->previous &&
                 again->reason == s->reason);
  GOV_FUZZ_CHECK(DeploymentPayload(*again) == payload);
}

void SnapshotStatement(std::string_view text) {
  auto s = ParseSnapshotPayload(text, "fuzz.json");
  if (!s.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(s.status().message(), "fuzz.json"));
    return;
  }
  const std::string payload = SnapshotPayload(*s);
  auto again = ParseSnapshotPayload(payload, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(again->issued_at == s->issued_at);
  GOV_FUZZ_CHECK(again->state == s->state);
  GOV_FUZZ_CHECK(SnapshotPayload(*again) == payload);
  GOV_FUZZ_CHECK(DescribeStateDifference(s->state, again->state).empty());
}

void Checkpoint(const nlohmann::json& doc) {
  auto c = LedgerCheckpointFromJson(doc, "fuzz.json");
  if (!c.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(c.status().message(), "fuzz.json"));
    return;
  }
  auto again = LedgerCheckpointFromJson(ToJson(*c), "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(again->size == c->size && again->root_hash == c->root_hash &&
                 again->keyid == c->keyid && again->signature == c->signature);
}

}  // namespace
}  // namespace governance

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace governance;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ParseJson(text, "fuzz.json");
  if (!doc.ok()) {
    // Every reader must refuse what the JSON reader refuses, the same way.
    Approval(text);
    return 0;
  }
  // Each reader checks "_type" first; sending a statement only to the reader
  // of its type keeps the fuzzer fast without hiding a path from it.
  const std::string type = fuzz::TypeOf(*doc);
  if (type == kInTotoStatementType) {
    Approval(text);
  } else if (type == kRevocationType) {
    RevocationStatement(text);
  } else if (type == kDeploymentType) {
    DeploymentStatementOf(text);
  } else if (type == kSnapshotType) {
    SnapshotStatement(text);
  } else {
    Approval(text);
    RevocationStatement(text);
    DeploymentStatementOf(text);
    SnapshotStatement(text);
  }
  Checkpoint(*doc);
  return 0;
}
