// RunPolicyTests: `opa test` for a bundle's test_* rules.
#include <algorithm>
#include <chrono>

#include "governance/policy.h"
#include "policy/bundle_impl.h"
#include "policy/evaluator.h"

namespace governance {
namespace {

void CollectTests(const rego::RuleNode* node, std::vector<const rego::RuleNode*>* out) {
  for (const auto& [name, child] : node->children) {
    if (name.rfind("test_", 0) == 0 && child->has_rules() &&
        child->kind == rego::RuleKind::kComplete) {
      out->push_back(child.get());
    }
    CollectTests(child.get(), out);
  }
}

}  // namespace

StatusOr<std::vector<PolicyTestResult>> RunPolicyTests(const PolicyBundle& bundle,
                                                       std::string_view filter) {
  const rego::Program& program = *bundle.impl_->program;
  std::vector<const rego::RuleNode*> tests;
  CollectTests(program.root.get(), &tests);
  std::vector<PolicyTestResult> results;
  for (const rego::RuleNode* node : tests) {
    if (!filter.empty() && node->path_text.find(filter) == std::string::npos) continue;
    PolicyTestResult r;
    const rego::Rule* rule = !node->rules.empty() ? node->rules[0] : node->default_rule;
    r.file = rule->file != nullptr ? *rule->file : "";
    for (size_t i = 0; i + 1 < node->path.size(); ++i) {
      if (i > 0) r.package += '.';
      r.package += node->path[i];
    }
    r.name = node->path.back();
    rego::EvalOptions eo;
    eo.strict_builtin_errors = bundle.impl_->options.strict_builtin_errors;
    eo.read_host_files = bundle.impl_->options.read_host_files;
    eo.print = [&r](const std::string& line) { r.output += line + "\n"; };
    rego::Evaluator ev(program, eo);
    auto start = std::chrono::steady_clock::now();
    StatusOr<rego::Value> v = ev.EvalPath(node->path, rego::Value());
    r.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (!v.ok()) {
      r.error = v.status().message();
    } else {
      r.passed = v->defined() && !v->is_false();
    }
    results.push_back(std::move(r));
  }
  std::sort(results.begin(), results.end(), [](const auto& a, const auto& b) {
    return a.package != b.package ? a.package < b.package : a.name < b.name;
  });
  return results;
}

}  // namespace governance
