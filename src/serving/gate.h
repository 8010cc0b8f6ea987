// The serving gate: every check of DESIGN.md, run in order, all reported,
// judged on a verified governance state and on facts that are each signed:
// the approval, its training output, the deployment histories. The facts come
// from the store, or from an exported bundle on a host without one.
#ifndef GOVERNANCE_SRC_SERVING_GATE_H_
#define GOVERNANCE_SRC_SERVING_GATE_H_

#include <optional>
#include <string>
#include <vector>

#include "governance/authority.h"
#include "governance/coordinator.h"
#include "governance/policy.h"
#include "governance/state.h"
#include "governance/store.h"
#include "governance/types.h"

namespace governance {

class GateFacts {
 public:
  virtual ~GateFacts() = default;
  // NotFound when the approval is unknown.
  virtual StatusOr<ApprovalRecord> Approval(const std::string& approval_id) = 0;
  // nullopt when it is not available.
  virtual StatusOr<std::optional<TrainingOutputRecord>> TrainingOutput(
      const std::string& digest) = 0;
  // The deployments of a model to an environment, newest first.
  virtual StatusOr<std::vector<Deployment>> History(const std::string& model_id,
                                                    const std::string& environment) = 0;
  // The policy bundle named by `digest`, to evaluate an approval's policy
  // again; nullopt where the facts do not carry bundles (an exported
  // bundle), and then the gate relies on what the approval records.
  virtual StatusOr<std::optional<PolicyBundle>> RequiredBundle(const std::string& digest) = 0;
};

// Facts read from a store transaction.
class StoreFacts final : public GateFacts {
 public:
  explicit StoreFacts(StoreTransaction& txn) : txn_(txn) {}
  StatusOr<ApprovalRecord> Approval(const std::string& approval_id) override;
  StatusOr<std::optional<TrainingOutputRecord>> TrainingOutput(const std::string& digest) override;
  StatusOr<std::vector<Deployment>> History(const std::string& model_id,
                                            const std::string& environment) override;
  StatusOr<std::optional<PolicyBundle>> RequiredBundle(const std::string& digest) override;

 private:
  StoreTransaction& txn_;
};

struct GateInputs {
  std::string approval_id;
  std::string environment;
  std::string scope;
  // The envelope to judge; the stored one when not given.
  std::optional<Envelope> envelope;
  // What the artifact hashes to now; nullopt when no artifact was given.
  std::optional<std::string> artifact_digest;
  std::string artifact_origin;  // where the digest came from, for reasons
  std::string kind = "verify";  // "verify", "deploy" or "rollback"
  int64_t now = 0;
};

// A (model, environment) history whose records all verify, newest first.
struct VerifiedHistory {
  std::vector<Deployment> deployments;  // every record, legacy ones included
  std::string problem;                  // why the history does not verify; "" when it does
  // The newest record, when there is one.
  const Deployment* current() const { return deployments.empty() ? nullptr : &deployments[0]; }
};

// Reads and verifies a history: each signed record by an enrolled deployer
// key (before any revocation of it), of this domain, equal to its row, and
// naming the digest of the record before it.
StatusOr<VerifiedHistory> VerifyHistory(const GovernanceState& state, GateFacts& facts,
                                        const std::string& model_id,
                                        const std::string& environment);

// Runs every gate of kGateNames. When the state is not trusted, "trust"
// fails and every other gate is reported as not checked. NotFound when the
// approval id is unknown.
StatusOr<PromotionResult> EvaluateGate(const StateVerdict& verdict, GateFacts& facts,
                                       const GateInputs& inputs);

// The deployer's own check, appended to the gate's ("deployer"): `who` may
// deploy, did not train the model, and, where the environment separates
// duties, is not one of the approval's verified approvers.
void CheckDeployer(const GovernanceState& state, const Authority& who, const ModelApproval& approval,
                   PromotionResult& result);

}  // namespace governance

#endif  // GOVERNANCE_SRC_SERVING_GATE_H_
