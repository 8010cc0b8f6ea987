// Constant refs: references into data that no input can change, evaluated
// once, when the program is compiled.
//
// Policies read their configuration through rules such as
//
//   cfg := data.governance
//   limits := cfg.thresholds
//
// and refer to limits.min_accuracy or cfg.approved_dependencies from many
// rules. Evaluated as written, every such reference walks the rule tree,
// finds the rule's value in the per-evaluation cache (computing it the first
// time) and looks the keys up: about 350 instructions a reference, some 15 a
// time for the default bundle, and the two rules computed again for every
// evaluation.
//
// A ref is constant when its head is `data`, every operand is a literal, and
// everything it reaches is base data or a constant rule: a complete rule with
// a single definition, no body, no else and no default, whose value is a
// literal or a constant ref. Such a rule reads no input, calls nothing and
// binds no variable, so its value is fixed by the bundle. The compiler stores
// a constant ref's value in the term (Term::constant); the evaluator uses it
// unless a `with` replaces part of data (Evaluator::StrategiesUnder), and
// evaluates the ref as written then. A ref whose value is undefined, or whose evaluation fails, is left as
// it is, so that it fails at evaluation time as before.
#ifndef GOVERNANCE_SRC_POLICY_CONSTANT_REFS_H_
#define GOVERNANCE_SRC_POLICY_CONSTANT_REFS_H_

#include "policy/ast.h"
#include "policy/compiler.h"

namespace governance::rego {

// Marks the constant refs of every rule of `program`.
void FoldConstantRefs(Program* program);

// Marks the constant refs of a query compiled against `program`.
void FoldConstantRefs(const Program& program, Body* query);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_CONSTANT_REFS_H_
