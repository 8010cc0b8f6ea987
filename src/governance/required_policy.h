// The policy bundle an approval must be evaluated with: the configuration
// names it per environment by digest, and the store holds its files.
#ifndef GOVERNANCE_SRC_GOVERNANCE_REQUIRED_POLICY_H_
#define GOVERNANCE_SRC_GOVERNANCE_REQUIRED_POLICY_H_

#include <string>
#include <vector>

#include "governance/config.h"
#include "governance/policy.h"
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

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_REQUIRED_POLICY_H_
