// Evaluates one Rego term for the builtin tests: x := <expr> in a module of
// its own (b.rego), giving x as JSON, "undefined", or "error: <message>";
// builtin errors are errors only when `strict`, as in OPA.
#ifndef GOVERNANCE_TESTS_POLICY_BUILTIN_EVAL_H_
#define GOVERNANCE_TESTS_POLICY_BUILTIN_EVAL_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "governance/policy.h"
#include "test_util.h"

namespace governance::testing {

inline std::string EvalTerm(const std::string& expr, bool strict = false,
                            const nlohmann::json& input = nullptr, int64_t now_ns = 0,
                            const BundleOptions& bundle_options = {}) {
  auto b = CompilePolicyModules({{"b.rego", "package b\np := " + expr + "\n"}}, nullptr,
                                bundle_options);
  REQUIRE_MESSAGE(b.ok(), b.status().message());
  QueryOptions opts;
  opts.strict_builtin_errors = strict;
  opts.now_ns = now_ns;
  if (!input.is_null()) opts.input = &input;
  auto rows = b->Query("x := data.b.p", opts);
  if (!rows.ok()) return "error: " + rows.status().message();
  if (rows->empty()) return "undefined";
  return (*rows)[0].at("x").dump();
}

// Output of a shell command that must succeed (openssl, for cross-checks).
inline std::string RunOk(const std::string& command) {
  CommandResult r = RunCommand(command);
  REQUIRE_MESSAGE(r.exit_code == 0, (command + ": " + r.output));
  return r.output;
}

// A file's bytes, for comparing with what a command wrote.
inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
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
