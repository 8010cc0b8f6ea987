// The shared, immutable state behind a PolicyBundle.
#ifndef GOVERNANCE_SRC_POLICY_BUNDLE_IMPL_H_
#define GOVERNANCE_SRC_POLICY_BUNDLE_IMPL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "governance/policy.h"
#include "policy/compiler.h"

namespace governance {

// The rules of one package that PolicyBundle::Evaluate reads, by the
// conftest conventions: deny/violation rules fail, warn rules warn, exception
// rules waive. Found once per package when the bundle is built, rather than
// by splitting the namespace and matching every rule name per evaluation.
struct DecisionRules {
  enum class Role { kDeny, kWarn, kException };
  struct Rule {
    std::string name;
    const rego::RuleNode* node;
    Role role;
  };
  std::vector<Rule> rules;  // by name
  // No rule above the package changes what its paths mean, so each rule is
  // evaluated by its node rather than by path.
  bool by_node = true;
};

// The decision rules of the package `policy_namespace` ("model.governance";
// a leading "data." is optional). NotFound when the bundle has no such
// package.
StatusOr<DecisionRules> FindDecisionRules(const rego::Program& program,
                                          std::string_view policy_namespace);

// Parses and compiles bundle files ({relative path, content}, sorted by
// path); `base` prefixes paths in error messages, `directory` is where they
// came from ("" when not from disk).
StatusOr<PolicyBundle> CompileBundleFiles(std::vector<std::pair<std::string, std::string>> files,
                                          const std::string& base, const std::string& directory,
                                          const BundleOptions& options);

// The decision rules of every package that has any, by dotted namespace.
std::map<std::string, DecisionRules, std::less<>> AllDecisionRules(const rego::Program& program);

struct PolicyBundle::Impl {
  std::unique_ptr<rego::Program> program;
  std::map<std::string, DecisionRules, std::less<>> decision_rules;
  BundleOptions options;
  std::string digest;
  std::string directory;
  std::vector<std::string> files;
  // {relative path, content} of every file, sorted: what Serialize writes.
  std::vector<std::pair<std::string, std::string>> sources;
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_POLICY_BUNDLE_IMPL_H_
