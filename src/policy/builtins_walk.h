// walk: the builtin that is a relation.
//
//   walk(x, [path, value])
//
// holds for every document `value` nested in `x` (x itself included, at path
// []) and the array of keys `path` that reaches it: array indices, object
// keys, and for a set the element itself. Pairs come in pre-order, children
// in Rego order. The output may be partly bound, `walk(x, [["a", _], v])`,
// or a pattern, `[p, v] := walk(x)`: each pair is unified with it in turn.
//
// A builtin returns one value, so walk's function returns every pair as one
// array and the evaluator enumerates it (IsRelation). A call of a relation
// has as many values as there are pairs, so it is never a single term
// (policy/single_terms.h).
#ifndef GOVERNANCE_SRC_POLICY_BUILTINS_WALK_H_
#define GOVERNANCE_SRC_POLICY_BUILTINS_WALK_H_

#include "policy/builtins.h"

namespace governance::rego {

// Whether `builtin`'s result is the array of its solutions rather than its
// value.
bool IsRelation(const Builtin& builtin);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_BUILTINS_WALK_H_
