// Single terms: terms the evaluator computes directly, without continuations.
//
// The evaluator is continuation-passing (evaluator.h) because a Rego term may
// have many values: `input.xs[i]` with `i` unbound enumerates. Most terms a
// policy writes have at most one, though:
//
//   name := trim_space(lower(regex.find_n(`^\s*[A-Za-z0-9._-]+`, dep, 1)[0]))
//
// Evaluated as written, each call, ref and operand there is its own step with
// its own continuation, some 30-60 instructions each before any work is done.
//
// A term is single when it has at most one value and binds no variable once
// every local variable in it is bound: a literal, a bound variable, `input`,
// a constant ref; a ref whose head and operands are single (into data: one
// that reaches a rule, whose value is one document); an array, set or object
// of single terms; a call of a builtin or a function with single operands and
// no output operand. Comprehensions and bare `data` are not single.
//
// The compiler marks such terms (Term::single) and lists the slots of the
// variables they use (Term::single_slots). At run time the evaluator computes
// a single term in one recursive descent when those slots are bound and the
// strategy holds under the `with` modifiers in force (it does not when one
// replaces a function or data: Evaluator::StrategiesUnder decides, for every
// strategy, in one place); otherwise it evaluates the term as written.
// Because the check comes first, a term is never half computed one way and
// then again the other.
#ifndef GOVERNANCE_SRC_POLICY_SINGLE_TERMS_H_
#define GOVERNANCE_SRC_POLICY_SINGLE_TERMS_H_

#include "policy/ast.h"
#include "policy/compiler.h"

namespace governance::rego {

// Calls with more operands than this are evaluated as written.
inline constexpr size_t kMaxSingleOperands = 4;

// Marks the single terms of every rule of `program`, inlined calls included.
// REQUIRES: after FoldConstantRefs and InlineFunctions.
void MarkSingleTerms(Program* program);

// Marks the single terms of a compiled query.
void MarkSingleTerms(Body* query);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_SINGLE_TERMS_H_
