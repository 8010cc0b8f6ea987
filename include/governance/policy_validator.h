// Plugs a Rego policy bundle into the governance plane: approvals are issued
// only when no deny/violation rule fires on the training output's manifest.
//
//   StatusOr<PolicyBundle> bundle = LoadPolicyBundle("policies/");
//   PolicyValidator validator(*bundle);
//   GovernancePlane governance(store, {}, &validator);
#ifndef GOVERNANCE_POLICY_VALIDATOR_H_
#define GOVERNANCE_POLICY_VALIDATOR_H_

#include <string>

#include "governance/coordinator.h"
#include "governance/policy.h"

namespace governance {

class PolicyValidator final : public ApprovalValidator {
 public:
  explicit PolicyValidator(PolicyBundle bundle, std::string policy_namespace = "model.governance")
      : bundle_(std::move(bundle)), namespace_(std::move(policy_namespace)) {}

  // Evaluates the manifest at `now`. Denials are "<message>"; warnings,
  // exceptions from the manifest (which the serving gate later checks against
  // the approval's signers) and the bundle and input digests go into the
  // record. Exceptions granted by the bundle itself are recorded as warnings.
  StatusOr<Decision> Validate(const TrainingOutput& output, int64_t now) override;
  // A PolicyBundle evaluates concurrently.
  bool concurrent() const override { return true; }

  const PolicyBundle& bundle() const { return bundle_; }

 private:
  PolicyBundle bundle_;
  std::string namespace_;
};

}  // namespace governance

#endif  // GOVERNANCE_POLICY_VALIDATOR_H_
