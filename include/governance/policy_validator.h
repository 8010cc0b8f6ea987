// Turns a Rego policy bundle's decision on a training output into what an
// approval records: allowed or not, every denial, and the policy record
// (bundle and input digests, warnings, exceptions from the manifest).
//
//   StatusOr<PolicyBundle> bundle = LoadPolicyBundle("policies/");
//   PolicyValidator validator(*bundle);
//   StatusOr<PolicyValidator::Decision> d = validator.Validate(output, now);
//
// The governance plane uses it with the bundle the configuration requires;
// callers use it for dry runs (`mgov policy eval`).
#ifndef GOVERNANCE_POLICY_VALIDATOR_H_
#define GOVERNANCE_POLICY_VALIDATOR_H_

#include <string>
#include <vector>

#include "governance/policy.h"
#include "governance/types.h"

namespace governance {

class PolicyValidator {
 public:
  struct Decision {
    bool allowed = false;
    std::vector<std::string> denials;  // every message of every failing rule
    PolicyRecord record;               // what the approval will record
  };

  explicit PolicyValidator(PolicyBundle bundle, std::string policy_namespace = "model.governance")
      : bundle_(std::move(bundle)), namespace_(std::move(policy_namespace)) {}

  // Evaluates the manifest at `now`. Denials are "<message>"; warnings,
  // exceptions from the manifest (which the serving gate later checks against
  // the approval's signers) and the bundle and input digests go into the
  // record. Exceptions granted by the bundle itself are recorded as warnings.
  // An error means the policy could not be evaluated, which is not a yes.
  // Safe to call from several threads at once.
  StatusOr<Decision> Validate(const TrainingOutput& output, int64_t now) const;

  const PolicyBundle& bundle() const { return bundle_; }

 private:
  PolicyBundle bundle_;
  std::string namespace_;
};

}  // namespace governance

#endif  // GOVERNANCE_POLICY_VALIDATOR_H_
