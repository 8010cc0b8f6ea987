// METADATA annotations: OPA's YAML comment blocks that describe a package,
// a document or a rule, and the rego.metadata.rule() / rego.metadata.chain()
// calls that read them.
//
//   # METADATA
//   # title: Deny unsigned models
//   # authors:
//   # - Jane Doe <jane@example.com>
//   deny contains msg if { ... }
//
// A block starts with a comment `# METADATA` in column 1 and runs over the
// comments on the lines right below it; the rest of each line after `#` is
// YAML. It belongs to the package or rule that follows it. Its scope is
// "package" before `package` and "rule" before a rule unless it says
// `scope: document` (every rule of that path) or `scope: subpackages`.
//
// As OPA does, the calls are not evaluated: the compiler replaces each one
// with the constant it returns for the rule it is in (RewriteMetadataCalls),
// so the evaluator never sees them.
#ifndef GOVERNANCE_SRC_POLICY_METADATA_H_
#define GOVERNANCE_SRC_POLICY_METADATA_H_

#include <memory>
#include <string>
#include <vector>

#include "governance/status.h"
#include "policy/ast.h"
#include "policy/lexer.h"

namespace governance::rego {

// Parses the METADATA blocks among `comments` and attaches each to the
// package or rule of `module` that follows it. InvalidArgument
// "<file>:<line>:<col>: rego_parse_error: <what>" for a block that is not a
// YAML mapping, names an unknown scope, or has a scope its target cannot have.
Status AttachAnnotations(const std::vector<Comment>& comments, Module* module);

// Replaces every rego.metadata.chain() and rego.metadata.rule() call in the
// rules of `modules` by its value for the rule it appears in:
//   rule():  the rule's own annotations (rule scope), or {} when it has none;
//   chain(): [{"path": [...], "annotations": {...}}, ...] from the rule out:
//            the rule, its document, its package, then each enclosing
//            package's subpackages scope; an entry without annotations is
//            left out, except the rule's, which is always first.
void RewriteMetadataCalls(const std::vector<std::unique_ptr<Module>>& modules);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_METADATA_H_
