// Parser: Rego source text to the AST of ast.h.
//
// Rego v1 is the default: `import rego.v1` is accepted, rule bodies need `if`,
// multi-value rules need `contains`, and `in`, `every`, `some ... in` are
// keywords. With `v0_compatible`, a module may also use v0 forms: `p { ... }`,
// `p[x] { ... }` (a partial set), `default p = false`. A v0 module that
// imports rego.v1 is parsed as v1.
//
// Newer syntax, desugared into terms the evaluator already runs:
//   - template strings $"..{expr}.." and $`..{expr}..` become calls of the
//     builtin internal.template_string (policy/builtins_template.cc);
//   - `not { ... }` blocks (import rego.v2 or future.keywords.not) and the
//     `and` / `or` keywords (import future.keywords.and / .or) become tests
//     that a comprehension has a solution;
//   - METADATA comment blocks are attached to the package or rule after them
//     (policy/metadata.h).
// Calls, function heads, arrays, sets and objects accept a trailing comma.
//
//   StatusOr<std::unique_ptr<Module>> m = ParseModule(text, "policy.rego", {});
//
// Errors are InvalidArgument "<file>:<line>:<col>: rego_parse_error: <what>".
#ifndef GOVERNANCE_SRC_POLICY_PARSER_H_
#define GOVERNANCE_SRC_POLICY_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "governance/status.h"
#include "policy/ast.h"

namespace governance::rego {

struct ParseOptions {
  // Accept Rego v0 syntax (no `if`/`contains` required). Default: false.
  bool v0_compatible = false;
};

StatusOr<std::unique_ptr<Module>> ParseModule(std::string_view source, const std::string& file,
                                              const ParseOptions& options);

// Parses a query: one or more expressions separated by `;` or newlines.
StatusOr<Body> ParseQuery(std::string_view source, const std::string& origin);

// Parses a single term, e.g. `{"a": [1, 2]}`.
StatusOr<TermPtr> ParseTerm(std::string_view source, const std::string& origin);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_PARSER_H_
