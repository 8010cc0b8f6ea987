#include "governance/policy_validator.h"

#include "core/time.h"

namespace governance {

nlohmann::json PolicyInput(const TrainingOutput& output,
                           const std::vector<std::string>& environments) {
  nlohmann::json input = output.manifest.is_object() ? output.manifest : nlohmann::json::object();
  input[kPolicyFactsKey] = {
      {"artifact", output.artifact_facts ? ToJson(*output.artifact_facts) : nlohmann::json()},
      {"release_notes", output.release_notes ? ToJson(*output.release_notes) : nlohmann::json()},
      {"environments", environments}};
  return input;
}

StatusOr<nlohmann::json> PolicyInput(const nlohmann::json& manifest, const ArtifactFacts* facts,
                                     const ReleaseNotes* release_notes,
                                     const std::vector<std::string>& environments) {
  if (manifest.is_object() && manifest.contains(kPolicyFactsKey)) {
    return InvalidArgumentError(
        "the manifest holds a top-level \"mgov\" key, which is reserved for the facts mgov "
        "records about the artifact (input.mgov.artifact); rename it");
  }
  if (facts == nullptr) {
    if (release_notes != nullptr || !environments.empty()) {
      return InvalidArgumentError(
          "release notes and environments are judged with the artifact's facts, as an approval "
          "judges them; give the artifact too");
    }
    return manifest;
  }
  if (!manifest.is_object()) {
    return InvalidArgumentError("the manifest must be a mapping to be judged with artifact facts");
  }
  TrainingOutput output;
  output.manifest = manifest;
  output.artifact_facts = *facts;
  if (release_notes != nullptr) output.release_notes = *release_notes;
  return PolicyInput(output, environments);
}

StatusOr<PolicyValidator::Decision> PolicyValidator::Validate(
    const TrainingOutput& output, const std::vector<std::string>& environments,
    int64_t now) const {
  EvaluateOptions options;
  options.policy_namespace = namespace_;
  options.now_unix_seconds = now;
  GOV_ASSIGN_OR_RETURN(PolicyDecision d, bundle_.Evaluate(PolicyInput(output, environments), options));
  Decision out;
  out.allowed = d.allowed();
  for (const auto& m : d.denials) out.denials.push_back(m.message);
  out.record.evaluated = true;
  out.record.bundle_digest = d.bundle_digest;
  out.record.input_digest = d.input_digest;
  for (const auto& w : d.warnings) out.record.warnings.push_back(w.message);
  for (const auto& e : d.exceptions_applied) {
    if (e.source != "manifest") {
      out.record.warnings.push_back(e.rule + " waived by an exception rule of the policy bundle");
      continue;
    }
    auto expires = ParseRfc3339(e.expires);
    if (!expires.ok()) return expires.status().WithContext("exception for " + e.rule);
    out.record.exceptions.push_back({e.rule, e.reason, e.approver, *expires});
  }
  return out;
}

}  // namespace governance
