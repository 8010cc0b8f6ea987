// The three planes of mgov and the rules that bind them.
//
//   auto store = OpenStore("sqlite:.mgov/governance.db", {.ledger_key = ledger_key});
//   Keyring keyring(**store);
//   keyring.Enroll(trainer.public_key(), "trainer-ci", {Role::kTrainer});
//
//   TrainingPlane training(**store);
//   auto out = training.Record({.model_id = "fraud", .model_version = "3",
//                               .artifact_path = "model/"}, trainer);
//
//   GovernancePlane governance(**store, {}, &policy_validator);
//   auto approval = governance.Approve(out->envelope, {.environments = {"production"}}, alice);
//   governance.Cosign(approval->approval_id, bob);           // quorum: 2 of N
//
//   ServingPlane serving(**store);
//   auto result = serving.Deploy({.approval_id = approval->approval_id,
//                                 .environment = "production", .artifact_path = "model/"},
//                                deployer);
//   if (!result->promoted) std::cerr << result->FirstFailure()->reason;
//
// No single key can carry a model through: the trainer signs the training
// output, approvers (never the trainer) sign the approval until the
// environment's quorum of distinct identities is met, and a deployer runs
// the serving gate, which re-checks everything. Every action, allowed or
// denied, appends to the evidence ledger in the same transaction.
//
// Thread-safety: the planes hold no mutable state of their own; they are as
// thread-safe as the Store they use.
#ifndef GOVERNANCE_COORDINATOR_H_
#define GOVERNANCE_COORDINATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/artifact.h"
#include "governance/dsse.h"
#include "governance/keys.h"
#include "governance/status.h"
#include "governance/store.h"
#include "governance/types.h"

namespace governance {

inline constexpr int64_t kDefaultTtlSeconds = 90LL * 24 * 3600;

// What an environment demands of every approval used to deploy to it.
struct EnvironmentRule {
  std::string name;
  // Distinct approver identities needed; an approval may ask for more, never fewer.
  int min_approvers = 1;
  // Longest validity an approval for this environment may have.
  int64_t max_ttl_seconds = kDefaultTtlSeconds;
  // Environments the same artifact must have been deployed to first.
  std::vector<std::string> requires_prior;
};

struct GovernanceConfig {
  // Known environments. Approving for or deploying to any other is refused.
  // Default: development (1 approver), staging (1), production (2, after staging).
  std::vector<EnvironmentRule> environments;
  // Validity of an approval when none is asked for. Default 90 days.
  int64_t default_ttl_seconds = kDefaultTtlSeconds;
  // Tolerance for clocks that disagree, applied to not_before and expires_at.
  // Default 60 s.
  int64_t clock_skew_seconds = 60;

  static GovernanceConfig Default();
  const EnvironmentRule* Find(std::string_view environment) const;
};

nlohmann::json ToJson(const GovernanceConfig& config);
StatusOr<GovernanceConfig> GovernanceConfigFromJson(const nlohmann::json& j,
                                                    std::string_view origin);
// The store's configuration (setting "governance.config"), or the default.
StatusOr<GovernanceConfig> LoadGovernanceConfig(StoreTransaction& txn);

// The hook through which policy decides whether a training output may be
// approved. mgov's Rego engine plugs in here (see policy.h).
class ApprovalValidator {
 public:
  struct Decision {
    bool allowed = false;
    std::vector<std::string> denials;  // every message of every failing rule
    PolicyRecord record;               // what the approval will record
  };
  virtual ~ApprovalValidator() = default;
  // Evaluates `output` (its manifest) at time `now`. An error means the
  // policy could not be evaluated (not a denial).
  virtual StatusOr<Decision> Validate(const TrainingOutput& output, int64_t now) = 0;
  // True when Validate may be called from several threads at once. Re-evaluating
  // the deployed fleet then spreads it over the machine's cores. Default: false.
  virtual bool concurrent() const { return false; }
};

struct PlaneOptions {
  // Unix seconds. Default: the wall clock.
  std::function<int64_t()> clock;
};

// Enrolment and revocation of the keys that sign.
class Keyring {
 public:
  explicit Keyring(Store& store, PlaneOptions options = {});
  // Enrols `key` for `identity` with `roles`; AlreadyExists when enrolled.
  // `actor` is who enrolled it, for the ledger.
  StatusOr<KeyRecord> Enroll(const PublicKey& key, const std::string& identity,
                             const std::vector<Role>& roles, const std::string& actor);
  // Revokes a key: its signatures stop counting, and approvals it signed fail
  // the "keys" gate. NotFound / AlreadyExists.
  Status Revoke(const std::string& keyid, const std::string& reason, const std::string& actor);

 private:
  Store& store_;
  PlaneOptions options_;
};

// What the training plane is asked to record.
struct TrainingRequest {
  std::string model_id;
  std::string model_version;
  std::string artifact_path;
  nlohmann::json manifest = nlohmann::json::object();
  nlohmann::json metrics = nlohmann::json::object();
  std::string correlation_id;  // generated when empty
  DecisionStack decision_stack;
  HashOptions hash_options;
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
  explicit TrainingPlane(Store& store, PlaneOptions options = {});
  // Hashes the artifact, builds and signs the TrainingOutput with `trainer`
  // (an enrolled, unrevoked key with the trainer role), stores it and
  // records "training.recorded". PermissionDenied for a key that may not train.
  StatusOr<SignedTrainingOutput> Record(const TrainingRequest& request, const PrivateKey& trainer);

 private:
  Store& store_;
  PlaneOptions options_;
};

struct ApprovalRequest {
  std::vector<std::string> environments;
  std::vector<std::string> scopes;        // empty: every scope
  std::optional<int64_t> ttl_seconds;     // default: config.default_ttl_seconds
  std::optional<int64_t> not_before;      // default: now
  int required_approvers = 0;             // 0: the environments' floor
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

class GovernancePlane {
 public:
  // `validator` may be null: approvals then record that no policy was evaluated.
  GovernancePlane(Store& store, PlaneOptions options = {}, ApprovalValidator* validator = nullptr);

  // Checks the training output's signature (an enrolled trainer key), the
  // approver (enrolled, unrevoked, approver role, not the trainer) and policy;
  // then issues the approval signed by `approver`. A "no" is an outcome with
  // denials and an "approval.denied" ledger entry; malformed input, unknown
  // environments and a TTL above an environment's maximum are errors.
  StatusOr<ApprovalOutcome> Approve(const Envelope& training_output, const ApprovalRequest& request,
                                    const PrivateKey& approver);

  // Adds `approver`'s signature to an approval, atomically. PermissionDenied
  // for a key that may not approve this model; AlreadyExists when this key
  // already signed; FailedPrecondition for a revoked or expired approval.
  StatusOr<CosignOutcome> Cosign(const std::string& approval_id, const PrivateKey& approver);

  // Revocations; `actor` must be an enrolled, unrevoked approver or deployer.
  // Returns the ledger sequence number.
  StatusOr<int64_t> RevokeApproval(const std::string& approval_id, const std::string& reason,
                                   const PrivateKey& actor);
  StatusOr<int64_t> RevokeModel(const std::string& model_id, const std::string& reason,
                                const PrivateKey& actor);

  // One deployed model judged again by the current policy.
  struct Reevaluation {
    Deployment deployment;
    bool compliant = true;
    std::vector<std::string> denials;
    bool revoked = false;  // this run revoked its approval
  };

  // Re-evaluates every current deployment's manifest against the validator
  // (policy changed, or a waiver expired) and records a "policy.reevaluated"
  // ledger entry. With `revoker`, the approval of every deployment that no
  // longer complies is revoked. FailedPrecondition without a validator.
  // Results are in deployment order; a concurrent() validator evaluates the
  // deployments on all cores.
  StatusOr<std::vector<Reevaluation>> ReevaluateDeployed(const PrivateKey* revoker);

 private:
  Store& store_;
  PlaneOptions options_;
  ApprovalValidator* validator_;
};

struct GateRequest {
  std::string approval_id;
  std::string environment;
  std::string scope;                        // empty: no particular scope
  std::optional<std::string> artifact_path; // hashed and compared with the subject
  // Verify this envelope (e.g. a file a serving host received) instead of
  // the stored one; its approval must still be known to the store.
  std::optional<Envelope> envelope;
};

// The names of the serving gate's checks, in order.
inline constexpr const char* kGateNames[] = {
    "envelope", "statement",  "signatures", "quorum",   "validity",  "environment",
    "scope",    "revocation", "keys",       "artifact", "promotion-order", "exceptions"};

class ServingPlane {
 public:
  explicit ServingPlane(Store& store, PlaneOptions options = {});

  // Runs every gate and records "verify.allowed" or "verify.denied" by `actor`.
  StatusOr<PromotionResult> Verify(const GateRequest& request, const std::string& actor);

  // Runs every gate plus the deployer's own check ("deployer": enrolled,
  // unrevoked, deployer role, not the model's trainer); when all pass, records
  // the deployment. Either way the decision is in the ledger.
  StatusOr<PromotionResult> Deploy(const GateRequest& request, const PrivateKey& deployer);

  // Returns `environment` to the newest earlier deployment of `model_id`
  // whose approval still passes the gate. NotFound when there is none.
  StatusOr<PromotionResult> Rollback(const std::string& model_id, const std::string& environment,
                                     const PrivateKey& deployer);

 private:
  StatusOr<PromotionResult> Run(const GateRequest& request, const PrivateKey* deployer,
                                const std::string& actor, const std::string& kind,
                                const std::optional<std::string>& recorded_artifact_digest);
  Store& store_;
  PlaneOptions options_;
};

}  // namespace governance

#endif  // GOVERNANCE_COORDINATOR_H_
