// Where the store's policy bundle lives, and loading it for approvals.
#ifndef GOVERNANCE_SRC_CLI_POLICY_SETTING_H_
#define GOVERNANCE_SRC_CLI_POLICY_SETTING_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "governance/policy.h"
#include "governance/store.h"

namespace governance {

// The default bundle (policies/ at build time): {relative path, content}.
const std::vector<std::pair<std::string, std::string>>& DefaultPolicyBundleFiles();

namespace cli {

// Store setting holding the bundle directory approvals are evaluated against.
inline constexpr char kPolicyBundleSetting[] = "policy.bundle_dir";

// The bundle to use: `override_dir` when given, else the store's setting;
// nullopt when the store was initialised without policy.
StatusOr<std::optional<PolicyBundle>> LoadConfiguredBundle(Store& store,
                                                           const std::string& override_dir);

}  // namespace cli
}  // namespace governance

#endif  // GOVERNANCE_SRC_CLI_POLICY_SETTING_H_
