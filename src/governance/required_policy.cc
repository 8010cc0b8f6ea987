#include "governance/required_policy.h"

#include <map>
#include <mutex>

#include "governance/quorum.h"

namespace governance {

StatusOr<std::string> RequiredBundleDigest(const GovernanceConfig& config,
                                           const std::vector<std::string>& environments) {
  std::string digest;
  std::string first;
  for (const auto& env : environments) {
    const EnvironmentRule* rule = config.Find(env);
    if (!rule) return InvalidArgumentError("unknown environment \"" + env + "\"");
    if (rule->policy_bundle.empty()) continue;
    if (!digest.empty() && digest != rule->policy_bundle) {
      return InvalidArgumentError("environments " + first + " and " + env +
                                  " require different policy bundles; approve them separately");
    }
    digest = rule->policy_bundle;
    first = env;
  }
  return digest;
}

StatusOr<PolicyBundle> LoadRequiredBundle(StoreTransaction& txn, const std::string& digest) {
  // Compiling the default bundle costs milliseconds; a bundle is immutable
  // and named by its digest, so one compiled copy serves every caller.
  static std::mutex mu;
  static std::map<std::string, PolicyBundle>* compiled = new std::map<std::string, PolicyBundle>();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = compiled->find(digest);
    if (it != compiled->end()) return it->second;
  }
  GOV_ASSIGN_OR_RETURN(std::optional<std::string> files, txn.GetPolicyBundle(digest));
  if (!files) {
    return DataLossError("the store does not hold the required policy bundle " + digest +
                         " (table policy_bundles)");
  }
  GOV_ASSIGN_OR_RETURN(PolicyBundle bundle,
                       LoadSerializedPolicyBundle(*files, digest, "stored policy bundle " +
                                                                      digest.substr(0, 19)));
  std::lock_guard<std::mutex> lock(mu);
  if (compiled->size() >= 16) compiled->clear();
  compiled->emplace(digest, bundle);
  return bundle;
}

StatusOr<PolicyValidator::Decision> JudgeAgain(const PolicyBundle& bundle,
                                               const TrainingOutput& output,
                                               const std::string& output_digest,
                                               const std::vector<std::string>& environments,
                                               int64_t at) {
  static std::mutex mu;
  static std::map<std::string, PolicyValidator::Decision>* judged =
      new std::map<std::string, PolicyValidator::Decision>();
  std::string key = bundle.digest() + " " + output_digest + " " + std::to_string(at);
  for (const std::string& e : environments) key += " " + e;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = judged->find(key);
    if (it != judged->end()) return it->second;
  }
  GOV_ASSIGN_OR_RETURN(PolicyValidator::Decision d, PolicyValidator(bundle).Validate(output, environments, at));
  std::lock_guard<std::mutex> lock(mu);
  if (judged->size() >= 1024) judged->clear();
  judged->emplace(key, d);
  return d;
}

}  // namespace governance
