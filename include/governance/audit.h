// Answers for people and auditors, read from a store whose governance state
// verifies: the approvals and where each stands, and a model's history from
// the evidence ledger.
//
//   auto views = ListApprovalViews(*store, planes, {.model_id = "fraud"}, now);
//   for (const ApprovalView& v : *views) std::cout << ApprovalStateName(v.state);
//   auto history = ModelHistory(*store, planes, "fraud", {.environment = "production"});
//
// Nothing here trusts a row alone: the state is read with ReadTrustedState
// (PermissionDenied when it does not verify), every approval's signatures
// are counted against the effective keyring, and the ledger is verified
// entry by entry before a history is read from it.
#ifndef GOVERNANCE_AUDIT_H_
#define GOVERNANCE_AUDIT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/coordinator.h"
#include "governance/ledger.h"
#include "governance/status.h"
#include "governance/store.h"
#include "governance/types.h"

namespace governance {

// Where an approval stands at one instant, in the order a reader checks:
//   invalid     its signatures do not verify, or no approver signed it (a
//               forged or tampered row): it satisfies nothing
//   revoked     it, its model or its artifact was revoked
//   expired     past expires_at
//   pending     fewer distinct approvers than its environments require, or
//               not valid before not_before
//   superseded  every environment it names has a newer approval of the same
//               model that is not revoked, expired or invalid
//   expiring    active, and expires within the window asked for
//   active      valid now
enum class ApprovalState { kInvalid, kRevoked, kExpired, kPending, kSuperseded, kExpiring, kActive };

std::string_view ApprovalStateName(ApprovalState state);
// InvalidArgument naming the states for anything else.
StatusOr<ApprovalState> ParseApprovalState(std::string_view name);

struct ApprovalSigner {
  std::string keyid;
  std::string identity;  // "" when the key is not enrolled
  bool counts = false;   // towards the quorum
  std::string note;      // why it does not count: revoked key, bad signature, trainer...
};

struct ApprovalView {
  ModelApproval approval;
  int64_t stored_at = 0;
  ApprovalState state = ApprovalState::kInvalid;
  std::string state_reason;  // one line: why this state
  std::vector<ApprovalSigner> signers;
  int distinct_approvers = 0;
  // The approvers each environment requires of it (the strictest of the
  // approval's own floor and the environment's).
  std::map<std::string, int> required_approvers;
  std::optional<Revocation> revocation;  // the one that revoked it
  std::string superseded_by;             // the newest approval that did
};

struct ApprovalFilter {
  std::optional<std::string> model_id;
  std::optional<std::string> environment;
  std::optional<ApprovalState> state;
  // An active approval that expires within this many seconds is "expiring".
  int64_t expiring_within_seconds = 14 * 86400;
};

// Every approval matching `filter`, in the order they were issued (the
// ledger's), judged at `now`.
StatusOr<std::vector<ApprovalView>> ListApprovalViews(Store& store, const PlaneOptions& options,
                                                      const ApprovalFilter& filter, int64_t now);

// One approval; NotFound for an unknown id.
StatusOr<ApprovalView> GetApprovalView(Store& store, const PlaneOptions& options,
                                       std::string_view approval_id, int64_t now,
                                       int64_t expiring_within_seconds = 14 * 86400);

// An approval as `mgov approval show --json` prints it (docs/audit.md): the
// predicate's fields, "state", "state_reason", "distinct_approvers",
// "required_approvers", "signers" [{keyid, identity, counts, note}],
// "policy" {evaluated, bundle_digest, input_digest, warnings, exceptions},
// "revocation" (null or ToJson(Revocation)) and "superseded_by"; RFC 3339
// times. Exceptions are [{rule, reason, approver, expires_at}]; a
// revocation {kind, target, reason, revoked_by, revoked_at}.
nlohmann::json ToJson(const ApprovalView& view);
nlohmann::json ToJson(const Revocation& revocation);
nlohmann::json ToJson(const std::vector<PolicyException>& exceptions);

// The identities whose signatures count towards the view's quorum.
std::vector<std::string> CountedApprovers(const ApprovalView& view);

// The training output `approval` was issued for, read from the store and
// checked against the digest the approval signed: DataLoss when the stored
// one does not hash to it or does not parse; NotFound when it is missing.
StatusOr<TrainingOutput> ApprovedTrainingOutput(Store& store, const ModelApproval& approval);

// One line of a model's history: a verified ledger entry about it.
struct HistoryEvent {
  int64_t sequence = 0;
  int64_t timestamp = 0;
  std::string type;         // "training.recorded", "deploy.allowed", ...
  std::string actor;
  std::string subject;
  std::string environment;  // "" when the entry names none
  std::string summary;      // one line for people
  nlohmann::json details;
};

// {"sequence", "time" (RFC 3339), "type", "actor", "subject",
// "environment", "summary", "details"}: a line of `mgov history --json`.
nlohmann::json ToJson(const HistoryEvent& event);

struct HistoryFilter {
  std::string environment;  // "": every environment
  int64_t since = 0;        // Unix seconds; entries at or after it
};

// The ledger entries about `model_id`, in ledger order: training records,
// policy decisions (denials included), approvals and co-signatures,
// deployments and rollbacks, monitoring checks, re-evaluations that judged
// it, revocations of it, its approvals or its artifacts. An entry is about
// the model when it names it, one of its approvals, or one of its
// artifacts. PermissionDenied when the state or the ledger does not verify
// (naming the first bad entry); NotFound when no entry is about the model.
StatusOr<std::vector<HistoryEvent>> ModelHistory(Store& store, const PlaneOptions& options,
                                                 std::string_view model_id,
                                                 const HistoryFilter& filter = {});

// One difference between two approvals' releases. `section` is "approval"
// (version, artifact, environments, signers), "metrics", "manifest",
// "decision_stack" (components included), "release_notes" or "policy"; `path` a JSON pointer within it; null
// `before` or `after` for something added or removed.
struct ReleaseChange {
  std::string section;
  std::string path;
  nlohmann::json before;
  nlohmann::json after;
};

struct ApprovalDiff {
  ApprovalView from, to;
  std::vector<ReleaseChange> changes;  // by section, then path
};

// What changed from approval `from_id` to `to_id`: the approvals' own
// fields, and the metrics, manifest and decision stack of the training
// outputs they approved (read from the store and checked against the digest
// each approval signed: DataLoss when one does not match), and the policy
// record. NotFound for an unknown id.
StatusOr<ApprovalDiff> DiffApprovals(Store& store, const PlaneOptions& options,
                                     std::string_view from_id, std::string_view to_id,
                                     int64_t now);

// One ledger entry an audit answer rests on, with its RFC 6962 inclusion
// proof in the tree the checkpoint signed (the whole ledger without one).
struct AuditCitation {
  int64_t sequence = 0;
  std::string type;
  std::string leaf_hash;                // hex
  std::vector<std::string> audit_path;  // hex, leaf to root
  bool verified = false;                // the path leads to the root
  std::string note;                     // why not, when not verified
};

// What was deployed to an environment at one instant, and why it was allowed.
struct DeploymentAudit {
  std::string model_id;
  std::string environment;
  int64_t at = 0;
  bool deployed = false;  // false: nothing of the model was deployed there then

  // 1. What was deployed: the deploy or rollback entry in force at `at`.
  HistoryEvent deployment;
  std::string model_version, artifact_digest, approval_id, deployed_by;
  int64_t deployed_at = 0;
  // 2. The approval, its policy record (bundle digest, input digest,
  //    warnings, exceptions), who approved (its signers) and the bundle's
  //    base documents, the thresholds (null when no bundle was required or
  //    the store does not hold it).
  ApprovalView approval;
  nlohmann::json policy_data;
  // 3. The training record it was approved from, and the release record
  //    and decision stack that output signed.
  HistoryEvent training;
  std::optional<ReleaseNotes> release_notes;
  DecisionStack decision_stack;
  // 4. What changed from the approval deployed there before it.
  std::optional<ApprovalDiff> changes;
  // 5. Monitoring after launch, up to `at`: checks and policy re-evaluations.
  std::vector<HistoryEvent> monitoring;

  // The entries each answer rests on, and the tree their proofs verify in.
  std::vector<AuditCitation> citations;
  int64_t tree_size = 0;
  std::string root_hash;  // hex
};

// Answers for model `model_id` in `environment` at `at` (Unix seconds),
// from the verified ledger. With `checkpoint` (a tree head saved earlier,
// mgov ledger checkpoint), the ledger must extend it (PermissionDenied
// otherwise) and every citation carries a proof against its root; a cited
// entry after the checkpoint is unverified, with a note.
StatusOr<DeploymentAudit> AuditDeployment(Store& store, const PlaneOptions& options,
                                          std::string_view model_id,
                                          std::string_view environment, int64_t at,
                                          const std::optional<LedgerCheckpoint>& checkpoint);

}  // namespace governance

#endif  // GOVERNANCE_AUDIT_H_
