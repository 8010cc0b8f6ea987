// The default policy bundle (policies/ at build time), embedded in mgov.
#ifndef GOVERNANCE_SRC_CLI_DEFAULT_BUNDLE_H_
#define GOVERNANCE_SRC_CLI_DEFAULT_BUNDLE_H_

#include <string>
#include <utility>
#include <vector>

namespace governance {

// {relative path, content} of every file of the default bundle.
const std::vector<std::pair<std::string, std::string>>& DefaultPolicyBundleFiles();

}  // namespace governance

#endif  // GOVERNANCE_SRC_CLI_DEFAULT_BUNDLE_H_
