// Inlining: a call to a one-line function is replaced, at compile time, by
// the function's value with the call's operands in place of its parameters.
//
// Helpers such as
//
//   dependency_name(dep) := lower(regex.find_n(`^\s*[A-Za-z0-9][A-Za-z0-9._-]*`, dep, 1)[0])
//
// cost more to call than to compute: binding the parameters in a new frame,
// evaluating the definition with conflict checks and copying the result out
// were ~550 instructions a call, a tenth of the default bundle's evaluation.
//
// A function is inlined when it has a single definition, no else and no
// default, no body, parameters that are distinct variables, and a value that
// binds no variable of its own (no comprehension, no `_`) and calls no user
// function (so nothing recursive is unrolled). A call is inlined when it is
// in the same file as the function (errors name the same place), passes
// exactly the parameters (no output operand), and every operand is a
// literal, a variable or a constant ref, so that substituting an operand
// cannot evaluate or enumerate anything twice.
//
// The call keeps its original form (Term::inlined holds the replacement).
// The evaluator takes the replacement only when it computes the call as a
// single term (policy/single_terms.h), which it does not while a `with`
// replaces a function (Evaluator::StrategiesUnder) nor while an operand
// variable is unbound; anywhere else it calls the function as written, where
// the replacement saved nothing measurable.
#ifndef GOVERNANCE_SRC_POLICY_INLINE_FUNCTIONS_H_
#define GOVERNANCE_SRC_POLICY_INLINE_FUNCTIONS_H_

#include "policy/compiler.h"

namespace governance::rego {

// Sets Term::inlined on every call of `program`'s rules that can be inlined.
void InlineFunctions(Program* program);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_INLINE_FUNCTIONS_H_
