#include "governance/policy_validator.h"

#include "core/time.h"

namespace governance {

StatusOr<PolicyValidator::Decision> PolicyValidator::Validate(const TrainingOutput& output,
                                                              int64_t now) const {
  EvaluateOptions options;
  options.policy_namespace = namespace_;
  options.now_unix_seconds = now;
  GOV_ASSIGN_OR_RETURN(PolicyDecision d, bundle_.Evaluate(output.manifest, options));
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
