// The JSON people and tools read of approvals, history and releases (audit.h),
// one shape for `mgov approval`, `mgov audit` and the compliance report.
#include <fmt/format.h>

#include "core/decision_stack.h"
#include "core/digest.h"
#include "core/document.h"
#include "core/time.h"
#include "governance/audit.h"

namespace governance {

nlohmann::json ToJson(const Revocation& r) {
  return {{"kind", r.kind == Revocation::Kind::kModel ? "model" : "approval"},
          {"target", r.target},
          {"reason", r.reason},
          {"revoked_by", r.revoked_by},
          {"revoked_at", FormatRfc3339(r.revoked_at)}};
}

nlohmann::json ToJson(const std::vector<PolicyException>& exceptions) {
  nlohmann::json out = nlohmann::json::array();
  for (const PolicyException& e : exceptions) {
    out.push_back({{"rule", e.rule},
                   {"reason", e.reason},
                   {"approver", e.approver},
                   {"expires_at", FormatRfc3339(e.expires_at)}});
  }
  return out;
}

std::vector<std::string> CountedApprovers(const ApprovalView& v) {
  std::vector<std::string> out;
  for (const ApprovalSigner& s : v.signers) {
    if (s.counts) out.push_back(s.identity);
  }
  return out;
}

nlohmann::json ToJson(const ApprovalView& v) {
  const ModelApproval& a = v.approval;
  nlohmann::json signers = nlohmann::json::array();
  for (const ApprovalSigner& s : v.signers) {
    signers.push_back(
        {{"keyid", s.keyid}, {"identity", s.identity}, {"counts", s.counts}, {"note", s.note}});
  }
  return {{"approval_id", a.approval_id},
          {"model_id", a.model_id},
          {"model_version", a.model_version},
          {"artifact_digest", a.artifact_digest},
          {"environments", a.environments},
          {"scopes", a.scopes},
          {"issued_at", FormatRfc3339(a.issued_at)},
          {"not_before", FormatRfc3339(a.not_before)},
          {"expires_at", FormatRfc3339(a.expires_at)},
          {"state", ApprovalStateName(v.state)},
          {"state_reason", v.state_reason},
          {"distinct_approvers", v.distinct_approvers},
          {"required_approvers", v.required_approvers},
          {"signers", signers},
          {"trainer", a.trainer},
          {"training_output_digest", a.training_output_digest},
          {"decision_stack", ToJson(a.decision_stack)},
          {"policy",
           {{"evaluated", a.policy.evaluated},
            {"bundle_digest", a.policy.bundle_digest},
            {"input_digest", a.policy.input_digest},
            {"warnings", a.policy.warnings},
            {"exceptions", ToJson(a.policy.exceptions)}}},
          {"revocation", v.revocation ? ToJson(*v.revocation) : nlohmann::json()},
          {"superseded_by", v.superseded_by}};
}

nlohmann::json ToJson(const HistoryEvent& e) {
  return {{"sequence", e.sequence}, {"time", FormatRfc3339(e.timestamp)},
          {"type", e.type},         {"actor", e.actor},
          {"subject", e.subject},   {"environment", e.environment},
          {"summary", e.summary},   {"details", e.details}};
}

StatusOr<TrainingOutput> ApprovedTrainingOutput(Store& store, const ModelApproval& approval) {
  if (approval.training_output_digest.empty()) {
    return DataLossError("approval " + approval.approval_id + " names no training output");
  }
  TrainingOutputRecord record;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(record, txn.GetTrainingOutput(approval.training_output_digest));
    return Status();
  }));
  if (Sha256DigestOf(record.envelope.payload) != approval.training_output_digest) {
    return DataLossError(fmt::format(
        "the stored training output of approval {} is not the one it approved ({})",
        approval.approval_id, approval.training_output_digest));
  }
  const std::string origin = "training output " + approval.training_output_digest;
  auto parsed = ParseJson(record.envelope.payload, origin);
  if (!parsed.ok()) return DataLossError(parsed.status().message());
  auto out = TrainingOutputFromJson(*parsed, origin);
  if (!out.ok()) return DataLossError(out.status().message());
  return out;
}

}  // namespace governance
