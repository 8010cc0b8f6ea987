#include <string>
#include <utility>
#include <vector>

#include "governance/policy.h"
#include "policy/bundle_impl.h"

namespace governance {

StatusOr<PolicyBundle> DefaultPolicyBundle() {
  // Compiled once: every initialisation and every caller shares it.
  static const StatusOr<PolicyBundle>* bundle = new StatusOr<PolicyBundle>(
      CompileBundleFiles(DefaultPolicyBundleFiles(), "<default bundle>/", "", BundleOptions{}));
  return *bundle;
}

}  // namespace governance
