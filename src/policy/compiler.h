// Compiler: turns parsed modules and base data into a Program, the prepared
// form the evaluator runs.
//
// Compiling builds the rule tree (every rule under its path below `data`),
// checks that the rules sharing a path agree on their kind, resolves every
// variable to a frame slot or to `input` / `data`, rewrites package-relative
// and imported names into data references, binds each call to a builtin or a
// user function, precomputes ground terms and constant refs
// (policy/constant_refs.h) and inlines one-line functions
// (policy/inline_functions.h). After that the evaluator never looks a name
// up by string.
//
// Errors are InvalidArgument "<file>:<line>: <rego_*_error>: <what>".
//
// Thread-safety: a Program is immutable once built and may be evaluated from
// many threads at once (each evaluation has its own Evaluator).
#ifndef GOVERNANCE_SRC_POLICY_COMPILER_H_
#define GOVERNANCE_SRC_POLICY_COMPILER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"
#include "policy/ast.h"
#include "policy/string_table.h"
#include "policy/value.h"

namespace governance::rego {

// A node of the rule tree: one path segment below `data`.
struct RuleNode {
  std::vector<std::string> path;
  std::string path_text;  // "data.test.p"
  std::map<std::string, std::unique_ptr<RuleNode>, std::less<>> children;
  std::vector<Rule*> rules;  // definitions at exactly this path (defaults excluded)
  Rule* default_rule = nullptr;
  RuleKind kind = RuleKind::kComplete;
  int id = 0;  // index into the evaluator's per-node cache
  bool has_rules() const { return !rules.empty() || default_rule != nullptr; }
};

struct Program {
  std::vector<std::unique_ptr<Module>> modules;
  std::unique_ptr<RuleNode> root;
  Value data;  // base documents (an object)
  int num_nodes = 0;
  // The policy's string literals by text (keys point into the values).
  // ConvertInput takes an input's object keys from here, and base data's
  // keys are taken from here too, so a literal and the key it looks up are
  // one representation and Value::Find matches them by address.
  StringTable strings;
  // Owns the literals, precomputed values and base data, pinned once the
  // program is complete: threads evaluating the program copy those without
  // contending for their counts.
  ValuePins pinned;

  // The node at `path` below data, or null.
  const RuleNode* FindNode(const std::vector<std::string>& path) const;
};

StatusOr<std::unique_ptr<Program>> Compile(std::vector<std::unique_ptr<Module>> modules,
                                           Value data);

// A query compiled against a program. `outputs` are the named variables of the
// query (in order of first appearance) and their frame slots.
struct CompiledQuery {
  Body body;
  int num_slots = 0;
  std::vector<std::pair<std::string, int>> outputs;
  std::string origin;
};

StatusOr<CompiledQuery> CompileQuery(const Program& program, Body body, std::string origin);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_COMPILER_H_
