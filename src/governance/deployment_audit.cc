// What was deployed where at an instant, and everything that let it there,
// each answer citing ledger entries with inclusion proofs (audit.h).
#include "governance/audit.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/encoding.h"
#include "governance/model_history.h"
#include "governance/policy.h"

namespace governance {
namespace {

bool IsDeployment(const HistoryEvent& e) {
  return e.type == "deploy.allowed" || e.type == "rollback.allowed";
}

std::string DetailString(const HistoryEvent& e, const char* key) {
  auto it = e.details.find(key);
  return it != e.details.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The bundle's base documents, when the store holds the bundle.
StatusOr<nlohmann::json> PolicyData(Store& store, const std::string& digest) {
  if (digest.empty()) return nlohmann::json();
  std::optional<std::string> serialized;
  GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(serialized, txn.GetPolicyBundle(digest));
    return Status();
  }));
  if (!serialized) return nlohmann::json();
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle,
                       LoadSerializedPolicyBundle(*serialized, digest, "policy bundle " + digest));
  return bundle.BaseData();
}

// Proves each cited entry in the first `tree_size` leaves.
void Prove(const std::vector<LedgerEntry>& entries, int64_t tree_size, DeploymentAudit& audit) {
  std::vector<std::string> leaves;
  leaves.reserve(static_cast<size_t>(tree_size));
  for (int64_t i = 0; i < tree_size; ++i) {
    leaves.push_back(MerkleLeafHash(entries[static_cast<size_t>(i)].EntryBody()));
  }
  const std::string root = MerkleRoot(leaves);
  audit.tree_size = tree_size;
  audit.root_hash = HexEncode(root);
  for (AuditCitation& c : audit.citations) {
    const size_t index = static_cast<size_t>(c.sequence - 1);
    c.leaf_hash = HexEncode(MerkleLeafHash(entries[index].EntryBody()));
    if (c.sequence > tree_size) {
      c.note = fmt::format("entry {} is after the checkpoint's {} entries", c.sequence, tree_size);
      continue;
    }
    auto path = MerkleInclusionProof(leaves, index);
    if (!path.ok()) {
      c.note = path.status().message();
      continue;
    }
    for (const std::string& node : *path) c.audit_path.push_back(HexEncode(node));
    c.verified = VerifyMerkleInclusion(leaves[index], index, leaves.size(), *path, root);
    if (!c.verified) c.note = "the inclusion proof does not lead to the root";
  }
}

}  // namespace

StatusOr<DeploymentAudit> AuditDeployment(Store& store, const PlaneOptions& options,
                                          std::string_view model_id,
                                          std::string_view environment, int64_t at,
                                          const std::optional<LedgerCheckpoint>& checkpoint) {
  if (environment.empty()) return InvalidArgumentError("an audit needs an environment");
  GOV_ASSIGN_OR_RETURN(ModelLedger ledger,
                       ReadModelLedger(store, options, model_id, checkpoint));
  DeploymentAudit audit;
  audit.model_id = std::string(model_id);
  audit.environment = std::string(environment);
  audit.at = at;
  // The deployment in force: the last deploy or rollback there at or before `at`.
  const HistoryEvent* current = nullptr;
  const HistoryEvent* previous = nullptr;
  for (const HistoryEvent& e : ledger.events) {
    if (e.timestamp > at) break;
    if (!IsDeployment(e) || e.environment != environment) continue;
    if (current != nullptr && current->subject != e.subject) previous = current;
    current = &e;
  }
  auto cite = [&](const HistoryEvent& e) {
    AuditCitation& c = audit.citations.emplace_back();
    c.sequence = e.sequence;
    c.type = e.type;
  };
  if (current != nullptr) {
    audit.deployed = true;
    audit.deployment = *current;
    audit.approval_id = current->subject;
    audit.model_version = DetailString(*current, "model_version");
    audit.artifact_digest = DetailString(*current, "artifact_digest");
    audit.deployed_by = current->actor;
    audit.deployed_at = current->timestamp;
    cite(*current);
    GOV_ASSIGN_OR_RETURN(audit.approval,
                         GetApprovalView(store, options, audit.approval_id, at));
    GOV_ASSIGN_OR_RETURN(audit.policy_data,
                         PolicyData(store, audit.approval.approval.policy.bundle_digest));
    const std::string& training_digest = audit.approval.approval.training_output_digest;
    GOV_ASSIGN_OR_RETURN(TrainingOutput trained,
                         ApprovedTrainingOutput(store, audit.approval.approval));
    audit.release_notes = std::move(trained.release_notes);
    audit.decision_stack = std::move(trained.decision_stack);
    for (const HistoryEvent& e : ledger.events) {
      if (e.timestamp > at) break;
      const bool approval_entry = e.subject == audit.approval_id &&
                                  (e.type == "approval.issued" || e.type == "approval.cosigned");
      const bool training_entry = e.type == "training.recorded" &&
                                  DetailString(e, "training_output_digest") == training_digest;
      const bool monitoring = e.timestamp >= audit.deployed_at && e.sequence > current->sequence &&
                              (e.type.ends_with(".checked") || e.type == "policy.reevaluated");
      if (training_entry) audit.training = e;
      if (monitoring) audit.monitoring.push_back(e);
      if (approval_entry || training_entry || monitoring) cite(e);
    }
    if (previous != nullptr) {
      cite(*previous);
      GOV_ASSIGN_OR_RETURN(ApprovalDiff diff,
                           DiffApprovals(store, options, previous->subject, audit.approval_id, at));
      audit.changes = std::move(diff);
    }
    std::sort(audit.citations.begin(), audit.citations.end(),
              [](const AuditCitation& x, const AuditCitation& y) { return x.sequence < y.sequence; });
  }
  const int64_t size = static_cast<int64_t>(ledger.entries.size());
  Prove(ledger.entries, checkpoint ? std::min(checkpoint->size, size) : size, audit);
  return audit;
}

}  // namespace governance
