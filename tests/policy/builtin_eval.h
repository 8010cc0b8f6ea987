// Evaluates one Rego term for the builtin tests: x := <expr> in a module of
// its own, giving x as JSON, "undefined", or "error: <message>".
#ifndef GOVERNANCE_TESTS_POLICY_BUILTIN_EVAL_H_
#define GOVERNANCE_TESTS_POLICY_BUILTIN_EVAL_H_

#include <doctest/doctest.h>

#include <string>

#include "governance/policy.h"

namespace governance::testing {

inline std::string EvalTerm(const std::string& expr, bool strict = false) {
  auto b = CompilePolicyModules({{"b.rego", "package b\np := " + expr + "\n"}}, nullptr);
  REQUIRE_MESSAGE(b.ok(), b.status().message());
  QueryOptions opts;
  opts.strict_builtin_errors = strict;
  auto rows = b->Query("x := data.b.p", opts);
  if (!rows.ok()) return "error: " + rows.status().message();
  if (rows->empty()) return "undefined";
  return (*rows)[0].at("x").dump();
}

// The message of the error `expr` raises in strict mode, without the
// "b.rego:2: " location; "" when it raises none.
inline std::string EvalError(const std::string& expr) {
  std::string got = EvalTerm(expr, true);
  const std::string prefix = "error: b.rego:2: ";
  if (got.rfind(prefix, 0) != 0) return "";
  return got.substr(prefix.size());
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_POLICY_BUILTIN_EVAL_H_
