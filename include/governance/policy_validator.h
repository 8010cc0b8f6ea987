// Turns a Rego policy bundle's decision on a training output into what an
// approval records: allowed or not, every denial, and the policy record
// (bundle and input digests, warnings, exceptions from the manifest).
//
//   StatusOr<PolicyBundle> bundle = LoadPolicyBundle("policies/");
//   PolicyValidator validator(*bundle);
//   StatusOr<PolicyValidator::Decision> d = validator.Validate(output, {"production"}, now);
//
// The governance plane uses it with the bundle the configuration requires;
// callers use it for dry runs (`mgov policy eval`).
//
// Policy judges facts beside claims: the input is the manifest (what the
// trainer wrote) with `input.mgov` written by mgov alone:
//   input.mgov.artifact       the facts the training plane recorded about the
//                             artifact's bytes (artifact_facts.h), or null for
//                             a training output recorded before mgov
//                             inspected artifacts
//   input.mgov.release_notes  the signed release record (release_notes.h,
//                             every field present), or null when none
//   input.mgov.environments   the environments the decision is for: those
//                             an approval names, or the one a deployment is
//                             re-evaluated in A manifest's own top-level "mgov" key is refused at
// training and overwritten here, so no manifest can forge a fact.
#ifndef GOVERNANCE_POLICY_VALIDATOR_H_
#define GOVERNANCE_POLICY_VALIDATOR_H_

#include <string>
#include <vector>

#include "governance/policy.h"
#include "governance/types.h"

namespace governance {

// The top-level key of the policy input that only mgov writes.
inline constexpr char kPolicyFactsKey[] = "mgov";

// What policy judges `output` by for `environments`: its manifest, with
// input.mgov set as above, whatever the manifest held under "mgov".
nlohmann::json PolicyInput(const TrainingOutput& output,
                           const std::vector<std::string>& environments);

// The same for a manifest and facts given apart (`mgov policy eval
// --artifact [--release-notes F] [--environment E]`). InvalidArgument when
// `manifest` holds a top-level "mgov" key, as TrainingPlane::Record refuses
// it, when `facts` is given and the manifest is not a mapping, or when
// release notes or environments come without facts. Without any of them the
// input is the manifest alone: no input.mgov, so rules on what mgov records
// have nothing to judge (the default bundle says nothing about them then;
// approvals always carry input.mgov).
StatusOr<nlohmann::json> PolicyInput(const nlohmann::json& manifest, const ArtifactFacts* facts,
                                     const ReleaseNotes* release_notes = nullptr,
                                     const std::vector<std::string>& environments = {});

class PolicyValidator {
 public:
  struct Decision {
    bool allowed = false;
    std::vector<std::string> denials;  // every message of every failing rule
    PolicyRecord record;               // what the approval will record
  };

  explicit PolicyValidator(PolicyBundle bundle, std::string policy_namespace = "model.governance")
      : bundle_(std::move(bundle)), namespace_(std::move(policy_namespace)) {}

  // Evaluates PolicyInput(output, environments) at `now`. Denials are "<message>"; warnings,
  // exceptions from the manifest (which the serving gate later checks against
  // the approval's signers) and the bundle and input digests go into the
  // record. Exceptions granted by the bundle itself are recorded as warnings.
  // An error means the policy could not be evaluated, which is not a yes.
  // Safe to call from several threads at once.
  StatusOr<Decision> Validate(const TrainingOutput& output,
                              const std::vector<std::string>& environments, int64_t now) const;

  const PolicyBundle& bundle() const { return bundle_; }

 private:
  PolicyBundle bundle_;
  std::string namespace_;
};

}  // namespace governance

#endif  // GOVERNANCE_POLICY_VALIDATOR_H_
