// The three planes of mgov and the rules that bind them.
//
//   auto store = OpenStore("sqlite:.mgov/governance.db", {.ledger_key = ledger_key});
//   PlaneOptions options{.trust = PinnedTrust(root_envelope)};
//
//   TrainingPlane training(**store, options);
//   auto out = training.Record({.model_id = "fraud", .model_version = "3",
//                               .artifact_path = "model/"}, trainer);
//
//   GovernancePlane governance(**store, options);
//   auto approval = governance.Approve(out->envelope, {.environments = {"production"}}, alice);
//   governance.Cosign(approval->approval.approval_id, bob);   // quorum: 2 of N
//
//   ServingPlane serving(**store, options);
//   auto result = serving.Deploy({.approval_id = approval->approval.approval_id,
//                                 .environment = "production", .artifact_path = "model/"},
//                                deployer);
//   if (!result->promoted) std::cerr << result->FirstFailure()->reason;
//
// No single key can carry a model through: the trainer signs the training
// output, approvers (never the trainer) sign the approval until the
// environment's quorum of distinct identities is met, policy is evaluated
// with the bundle the admins require, and a deployer runs the serving gate,
// which re-checks everything. Keys, roles and rules come from the chain of
// admin-signed changes under the pinned root (state.h), never from a table
// alone. Every action, allowed or denied, appends to the evidence ledger in
// the same transaction; an action on a store whose state does not verify is
// refused and records nothing.
//
// Thread-safety: the planes hold no mutable state of their own; they are as
// thread-safe as the Store and TrustStore they use.
#ifndef GOVERNANCE_COORDINATOR_H_
#define GOVERNANCE_COORDINATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/artifact.h"
#include "governance/artifact_inspection.h"
#include "governance/config.h"
#include "governance/dsse.h"
#include "governance/keys.h"
#include "governance/status.h"
#include "governance/store.h"
#include "governance/trust.h"
#include "governance/types.h"

namespace governance {

struct PlaneOptions {
  // Unix seconds. Default: the wall clock.
  std::function<int64_t()> clock;
  // What this host trusts (trust.h): the pinned governance root and the
  // newest ledger state seen. Required: without it every action is refused.
  std::shared_ptr<TrustStore> trust;
  // The oldest store snapshot the serving gate accepts, in seconds, when
  // this host wants fresher state than the admins' snapshot_ttl
  // (StateCheck::max_snapshot_age_seconds). 0: the admins' window.
  int64_t max_snapshot_age_seconds = 0;
};

// Ledger actor of an action that no key signed (a verification, a check
// recorded without a key).
inline constexpr char kUnsignedActor[] = "(unsigned)";

// What the training plane is asked to record.
struct TrainingRequest {
  std::string model_id;
  std::string model_version;
  std::string artifact_path;
  nlohmann::json manifest = nlohmann::json::object();
  nlohmann::json metrics = nlohmann::json::object();
  std::string correlation_id;  // generated when empty
  DecisionStack decision_stack;
  // Signed into the output as it is (release_notes.h); policy reads it.
  std::optional<ReleaseNotes> release_notes;
  HashOptions hash_options;
  // Bounds on inspecting the artifact's bytes (artifact_inspection.h).
  InspectOptions inspect_options;
  // Called with the signed envelope inside the store transaction, before it
  // commits (for example to write it to a file): an error aborts the
  // transaction, so nothing is stored or ledgered. It may run more than once
  // when a transaction is retried.
  std::function<Status(const Envelope&)> before_commit;
};

struct SignedTrainingOutput {
  TrainingOutput output;
  Envelope envelope;   // payloadType kTrainingOutputPayloadType, signed by the trainer
  std::string digest;  // "sha256:<hex>" of envelope.payload
};

// Parses a training output envelope (as written by `mgov train`) and its
// payload. It does not check signatures; the governance plane does.
StatusOr<SignedTrainingOutput> ParseTrainingOutputEnvelope(std::string_view json,
                                                           std::string_view origin);

class TrainingPlane {
 public:
  TrainingPlane(Store& store, PlaneOptions options);
  // Hashes and inspects the artifact (InspectArtifact: its digest and the
  // facts policy judges), builds and signs the TrainingOutput with `trainer`
  // (an enrolled, unrevoked key with the trainer role), stores it and
  // records "training.recorded". PermissionDenied for a key that may not
  // train, or when the store's governance state does not verify.
  // InvalidArgument for a manifest with a top-level "mgov" key: policy reads
  // mgov's own facts there (input.mgov), which a manifest may not forge.
  StatusOr<SignedTrainingOutput> Record(const TrainingRequest& request, const PrivateKey& trainer);

 private:
  Store& store_;
  PlaneOptions options_;
};

// How far ahead of its issue an approval may start to be valid: a year.
inline constexpr int64_t kMaxApprovalLeadSeconds = 366 * 86400;

struct ApprovalRequest {
  std::vector<std::string> environments;
  std::vector<std::string> scopes;        // empty: every scope
  std::optional<int64_t> ttl_seconds;     // default: config.default_ttl_seconds
  // Default now; at most kMaxApprovalLeadSeconds ahead, never in the past.
  std::optional<int64_t> not_before;
  int required_approvers = 0;             // 0: the environments' floor
  // As TrainingRequest::before_commit, with the approval's envelope; called
  // only when the approval is granted.
  std::function<Status(const Envelope&)> before_commit;
};

struct ApprovalOutcome {
  bool approved = false;
  std::vector<std::string> denials;   // why not, when !approved
  std::vector<std::string> warnings;  // policy warnings
  ModelApproval approval;             // the predicate (when approved)
  Envelope envelope;                  // signed by the first approver (when approved)
  int64_t ledger_sequence = 0;
};

struct CosignOutcome {
  int distinct_approvers = 0;  // verified, trusted identities after this signature
  int required_approvers = 0;  // the strictest of the approval's and its environments' floors
  bool quorum_met = false;
  int64_t ledger_sequence = 0;
};

// A monitoring result about a deployed model, for the evidence ledger.
struct MonitoringCheck {
  std::string kind;      // "drift", "fairness", "data-quality"
  std::string model_id;
  nlohmann::json result = nlohmann::json::object();
  double severity = 0;   // 0 (healthy) to 1
};

struct MonitoringOutcome {
  int64_t ledger_sequence = 0;                 // the "<kind>.checked" entry
  std::optional<int64_t> revocation_sequence;  // when the check revoked the model
  std::string note;  // why nothing was revoked, when revocation was asked for
};

class GovernancePlane {
 public:
  GovernancePlane(Store& store, PlaneOptions options);

  // Checks the training output's signature (an enrolled trainer key), the
  // approver (enrolled, unrevoked, approver role, not the trainer), that
  // neither the model nor its artifact is revoked, and policy: the bundle
  // the configuration requires for the requested environments, loaded from
  // the store by digest and evaluated on the manifest, strict about builtin
  // errors. Then issues the approval signed by `approver`. A "no" is an
  // outcome with denials and an "approval.denied" ledger entry; malformed
  // input, unknown environments, a TTL above an environment's maximum, and
  // environments that require different bundles are errors.
  StatusOr<ApprovalOutcome> Approve(const Envelope& training_output, const ApprovalRequest& request,
                                    const PrivateKey& approver);

  // Adds `approver`'s signature to an approval, atomically, after evaluating
  // the required policy again, so that every signer vouches for it.
  // PermissionDenied for a key that may not approve this model, or when
  // this identity already signed; FailedPrecondition for a revoked or
  // expired approval.
  StatusOr<CosignOutcome> Cosign(const std::string& approval_id, const PrivateKey& approver);

  // Revocations, signed by `actor` (an enrolled, unrevoked approver or
  // deployer). Revoking a model also blocks the artifacts of its approvals
  // under any model id. Returns the ledger sequence number.
  StatusOr<int64_t> RevokeApproval(const std::string& approval_id, const std::string& reason,
                                   const PrivateKey& actor);
  StatusOr<int64_t> RevokeModel(const std::string& model_id, const std::string& reason,
                                const PrivateKey& actor);

  // One deployed model judged again by the current policy.
  struct Reevaluation {
    Deployment deployment;
    std::string bundle_digest;  // the bundle its environment requires now; "" none
    bool compliant = true;
    std::vector<std::string> denials;
    bool revoked = false;  // this run revoked its approval
  };

  // Judges every current deployment's manifest with the bundle its
  // environment requires now (policy changed, or a waiver expired), on a
  // read-only view: records and revokes nothing (what `mgov report` shows).
  // Results are in deployment order; evaluation runs on all cores.
  StatusOr<std::vector<Reevaluation>> AssessDeployed();

  // As AssessDeployed, then records a "policy.reevaluated" ledger entry.
  // With `revoker`, the approval of every deployment that no longer complies
  // is revoked.
  StatusOr<std::vector<Reevaluation>> ReevaluateDeployed(const PrivateKey* revoker);

  // Records a monitoring check as "<kind>.checked" evidence. With
  // `auto_revoke` (the key that signs a revocation), every approval of the
  // model is revoked once check.severity reaches `revoke_severity`.
  StatusOr<MonitoringOutcome> RecordCheck(const MonitoringCheck& check,
                                          const PrivateKey* auto_revoke = nullptr,
                                          double revoke_severity = 0.8);

 private:
  Store& store_;
  PlaneOptions options_;
};

struct GateRequest {
  std::string approval_id;
  std::string environment;
  std::string scope;                        // empty: no particular scope
  std::optional<std::string> artifact_path; // hashed and compared with the subject
  // Verify this envelope (e.g. a file a serving host received) instead of
  // the stored one; its approval must still be known to the store.
  std::optional<Envelope> envelope;
  // A digest already known for the artifact (what a deployment recorded),
  // compared when no artifact_path is given.
  std::optional<std::string> artifact_digest;
};

// The names of the serving gate's checks, in order ("deployer" follows for
// deployments and rollbacks).
inline constexpr const char* kGateNames[] = {
    "trust",    "snapshot",    "envelope", "statement", "signatures",      "quorum",
    "validity", "environment", "scope",    "policy",    "training",        "revocation",
    "keys",     "artifact",    "promotion-order", "downgrade", "exceptions"};

class ServingPlane {
 public:
  ServingPlane(Store& store, PlaneOptions options);

  // Runs every gate and records "verify.allowed" or "verify.denied".
  // `requested_by` is noted in the entry as the caller's own claim; no key
  // signs a verification.
  StatusOr<PromotionResult> Verify(const GateRequest& request,
                                   const std::string& requested_by = "");

  // Runs every gate on a read-only view and records nothing (what `mgov
  // status` shows for each deployment).
  StatusOr<PromotionResult> Assess(const GateRequest& request);

  // Runs every gate plus the deployer's own check ("deployer": enrolled,
  // unrevoked, deployer role, not the model's trainer, and not one of its
  // approvers where the environment separates duties); when all pass,
  // records the deployment, signed by `deployer`. Either way the decision
  // is in the ledger.
  StatusOr<PromotionResult> Deploy(const GateRequest& request, const PrivateKey& deployer);

  // Returns `environment` to the newest earlier deployment of `model_id`
  // whose approval still passes the gate (the downgrade gate excepted: that
  // is what a rollback is for), recording `reason`. NotFound when there is none.
  StatusOr<PromotionResult> Rollback(const std::string& model_id, const std::string& environment,
                                     const std::string& reason, const PrivateKey& deployer);

 private:
  StatusOr<PromotionResult> Run(const GateRequest& request, const PrivateKey* deployer,
                                const std::string& requested_by, const std::string& kind,
                                const std::string& reason, bool record);
  Store& store_;
  PlaneOptions options_;
};

}  // namespace governance

#endif  // GOVERNANCE_COORDINATOR_H_
