// The policy bundle an approval must be evaluated with: the configuration
// names it per environment by digest, and the store holds its files.
#ifndef GOVERNANCE_SRC_GOVERNANCE_REQUIRED_POLICY_H_
#define GOVERNANCE_SRC_GOVERNANCE_REQUIRED_POLICY_H_

#include <string>
#include <vector>

#include "governance/config.h"
#include "governance/policy.h"
#include "governance/policy_validator.h"
#include "governance/store.h"

namespace governance {

// The one bundle digest `environments` require ("" when none requires one).
// InvalidArgument when two of them require different bundles (approve them
// separately) or an environment is unknown.
StatusOr<std::string> RequiredBundleDigest(const GovernanceConfig& config,
                                           const std::vector<std::string>& environments);

// The bundle `digest` from the store, compiled once per process and shared
// after that. DataLoss when the store lacks it or its files do not hash to it.
StatusOr<PolicyBundle> LoadRequiredBundle(StoreTransaction& txn, const std::string& digest);

// What `bundle` decides on `output` (whose envelope hashes to
// `output_digest`) for `environments` at `at`, the approval's environments
// and issue time: the evaluation an approval claims, run again.
// Deterministic for the same four, so the decision is kept per process and
// repeated checks of one approval evaluate once. An error means it cannot
// be evaluated.
StatusOr<PolicyValidator::Decision> JudgeAgain(const PolicyBundle& bundle,
                                               const TrainingOutput& output,
                                               const std::string& output_digest,
                                               const std::vector<std::string>& environments,
                                               int64_t at);

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_REQUIRED_POLICY_H_
