// The typed objects the three planes hand to each other.
//
//   Training plane  → TrainingOutput   (signed by the trainer, DSSE)
//   Governance plane → ModelApproval    (in-toto Statement in a DSSE envelope,
//                                        signed by M of N approvers)
//   Serving plane    → PromotionResult  (every gate, pass or fail, with reasons)
//
// Each object converts to and from JSON; the From… functions validate every
// field and name the first bad one by JSON path.
#ifndef GOVERNANCE_TYPES_H_
#define GOVERNANCE_TYPES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/artifact_facts.h"
#include "governance/dsse.h"
#include "governance/release_notes.h"
#include "governance/status.h"

namespace governance {

inline constexpr std::string_view kTrainingOutputPayloadType =
    "application/vnd.mgov.training-output+json";
inline constexpr std::string_view kInTotoStatementType = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kApprovalPredicateType = "https://mgov.dev/approval/v1";

// One file of an artifact.
struct FileDigest {
  std::string path;    // relative to the artifact root, '/'-separated
  uint64_t size = 0;
  std::string sha256;  // lowercase hex
};

// What an artifact hashes to. For a single file, `digest` is the file's
// SHA-256; for a directory, the SHA-256 of its manifest (see artifact.h).
struct ArtifactDigest {
  std::string digest;  // "sha256:<hex>"
  bool is_directory = false;
  uint64_t total_bytes = 0;
  std::vector<FileDigest> files;  // sorted by path
};

// Where a model came from: everything its behaviour depends on.
struct DecisionStack {
  std::string dataset_version;
  std::string code_revision;
  std::string evaluation_report_digest;  // "sha256:<hex>" or empty
  // Named parts released with it (`--component sdk=android_sdk_2.3.0`):
  // name ([a-z0-9][a-z0-9._-]*, at most 64) → version or digest (printable,
  // at most 256 characters). CheckDecisionStack enforces both.
  std::map<std::string, std::string> components;
};

// InvalidArgument naming the first component whose name or value breaks the
// rules above.
Status CheckDecisionStack(const DecisionStack& stack);

struct TrainingOutput {
  std::string model_id;
  std::string model_version;
  ArtifactDigest artifact;
  nlohmann::json metrics = nlohmann::json::object();   // name → number
  nlohmann::json manifest = nlohmann::json::object();  // what policies read
  std::string trainer;        // identity of the trainer key
  std::string trainer_keyid;
  std::string correlation_id;
  int64_t created_at = 0;     // Unix seconds
  DecisionStack decision_stack;
  // What the training plane found in the artifact's bytes (artifact_facts.h),
  // for policy to judge beside the manifest. Absent only in training outputs
  // recorded before mgov inspected artifacts; the default bundle denies those.
  std::optional<ArtifactFacts> artifact_facts;
  // What the release changes and who answers for it (release_notes.h);
  // absent when the trainer wrote none.
  std::optional<ReleaseNotes> release_notes;
};

nlohmann::json ToJson(const TrainingOutput& out);
// Also validates `artifact_facts` when present (ArtifactFactsFromJson) and
// that its files are the artifact's: the same paths, sizes and SHA-256s in
// the same order, all of them unless the facts say why not.
StatusOr<TrainingOutput> TrainingOutputFromJson(const nlohmann::json& j, std::string_view origin);

// An exception (waiver) that let a policy rule pass.
struct PolicyException {
  std::string rule;
  std::string reason;
  std::string approver;  // identity that must be among the approval's signers
  int64_t expires_at = 0;
};

// What policy said when the approval was issued.
struct PolicyRecord {
  bool evaluated = false;          // false: approved without a policy bundle
  std::string bundle_digest;       // "sha256:<hex>"
  std::string input_digest;        // "sha256:<hex>" of the canonical manifest
  std::vector<std::string> warnings;
  std::vector<PolicyException> exceptions;
};

// The predicate of an approval statement (predicateType kApprovalPredicateType).
struct ModelApproval {
  std::string approval_id;
  // The governance domain (trust.h) it was issued in; empty only in
  // approvals issued before the store had a governance root.
  std::string domain;
  std::string model_id;
  std::string model_version;
  std::string artifact_digest;  // "sha256:<hex>", also the statement subject
  std::vector<std::string> environments;
  std::vector<std::string> scopes;  // empty: any scope
  int64_t issued_at = 0;
  int64_t not_before = 0;
  int64_t expires_at = 0;
  int required_approvers = 1;
  PolicyRecord policy;
  std::string training_output_digest;  // "sha256:<hex>" of the TrainingOutput payload
  std::string trainer;                 // identity; never counts as an approver
  DecisionStack decision_stack;
};

// The in-toto Statement v1 bytes for `approval` (the DSSE payload).
std::string ApprovalStatement(const ModelApproval& approval);
// Parses and validates a statement payload: _type, subject (exactly one, with
// a sha256 digest equal to the predicate's artifact digest), predicateType and
// every predicate field. InvalidArgument names the JSON path.
StatusOr<ModelApproval> ParseApprovalStatement(std::string_view payload, std::string_view origin);

// One named check of the serving gate.
struct GateCheck {
  std::string name;  // e.g. "signatures", "quorum", "expiry"
  bool passed = false;
  // A check that had nothing to examine (e.g. no artifact path was given to
  // `verify`); it does not fail the gate and is reported as skipped.
  bool skipped = false;
  std::string reason;
};

struct PromotionResult {
  bool promoted = false;     // for a verification: every gate passed
  std::string environment;
  std::string scope;
  std::string model_id;
  std::string model_version;
  std::string approval_id;
  std::vector<GateCheck> gates;      // every gate, in order, none skipped
  int64_t ledger_sequence = 0;       // the entry that recorded the decision
  std::optional<std::string> previous_approval_id;  // what was deployed before
  std::vector<std::string> verified_approvers;      // identities counted for quorum

  // The first failed gate, or nullptr.
  const GateCheck* FirstFailure() const;
};

nlohmann::json ToJson(const PromotionResult& result);

}  // namespace governance

#endif  // GOVERNANCE_TYPES_H_
