// The shared, immutable state behind a PolicyBundle.
#ifndef GOVERNANCE_SRC_POLICY_BUNDLE_IMPL_H_
#define GOVERNANCE_SRC_POLICY_BUNDLE_IMPL_H_

#include <memory>
#include <string>
#include <vector>

#include "governance/policy.h"
#include "policy/compiler.h"

namespace governance {

struct PolicyBundle::Impl {
  std::unique_ptr<rego::Program> program;
  BundleOptions options;
  std::string digest;
  std::string directory;
  std::vector<std::string> files;
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_POLICY_BUNDLE_IMPL_H_
