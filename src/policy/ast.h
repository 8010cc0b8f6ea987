// The Rego abstract syntax tree: modules, rules, bodies, expressions, terms.
//
// The parser builds it; the compiler (compiler.h) then annotates it in place
// with resolved variables slots, data paths and call targets, so the
// evaluator never looks a name up by string. A tree is owned by its Module and
// is immutable once compiled.
#ifndef GOVERNANCE_SRC_POLICY_AST_H_
#define GOVERNANCE_SRC_POLICY_AST_H_

#include <memory>
#include <string>
#include <vector>

#include "policy/lexer.h"
#include "policy/value.h"

namespace governance::rego {

struct Term;
struct Expr;
struct Rule;
struct RuleNode;
struct Builtin;
using TermPtr = std::unique_ptr<Term>;
using Body = std::vector<std::unique_ptr<Expr>>;

enum class TermKind {
  kScalar,       // null, boolean, number or string literal: `value`
  kVar,          // a name: `name`; resolved to a slot, `input` or `data`
  kRef,          // args[0] is the head, args[1..] the operands (a.b is a["b"])
  kArray,        // args
  kSet,          // args
  kObject,       // args = key0, value0, key1, value1, ...
  kArrayCompr,   // [head | body]
  kSetCompr,     // {head | body}
  kObjectCompr,  // {key: head | body}
  kCall,         // args[0] is the callee (a var or ref of names), args[1..] arguments
};

// How the compiler resolved a variable.
enum class VarBinding {
  kUnresolved,
  kLocal,  // a slot in the rule's frame
  kInput,  // the `input` document
  kData,   // the root of `data`
};

// How the compiler resolved a call.
enum class CallTarget { kUnresolved, kBuiltin, kFunction };

struct Term {
  TermKind kind = TermKind::kScalar;
  Location loc;
  Value value;       // kScalar; for a ground composite, its precomputed value
  std::string name;  // kVar
  std::vector<TermPtr> args;
  TermPtr key;   // object comprehension key
  TermPtr head;  // comprehension head
  std::unique_ptr<Body> body;

  // Filled in by the compiler.
  VarBinding binding = VarBinding::kUnresolved;
  int slot = -1;
  bool ground = false;  // no variables anywhere: `value` holds the result
  // kRef into data that no input can change (policy/constant_refs.h):
  // `value` holds its value, which holds while no `with` replaces data.
  bool constant = false;
  // kRef into data: the rule-tree node reached by the longest constant
  // prefix of operands, and how many operands that prefix used.
  const RuleNode* data_node = nullptr;
  size_t data_prefix = 0;
  Value data_base;  // base document at data_node's path (may be undefined)
  // kCall.
  CallTarget target = CallTarget::kUnresolved;
  const Builtin* builtin = nullptr;
  const RuleNode* function = nullptr;
  std::string call_name;  // "count", "data.test.f": used for `with` mocks and errors
  // kCall of a function inlined at compile time (policy/inline_functions.h):
  // its value with the operands in place of the parameters.
  TermPtr inlined;
  // At most one value and binds nothing once the variables of these slots
  // are bound (policy/single_terms.h).
  bool single = false;
  std::vector<int> single_slots;
};

// `with <target> as <value>`.
struct With {
  Location loc;
  TermPtr target;
  TermPtr value;
  // Filled in by the compiler.
  enum class Kind { kInput, kData, kFunction } kind = Kind::kInput;
  std::vector<Value> path;  // below input / data
  std::string function;     // call_name of the replaced function
  // kFunction: the replacement when `value` names a function rather than a value.
  const Builtin* repl_builtin = nullptr;
  const RuleNode* repl_function = nullptr;
};

enum class ExprKind {
  kTerm,    // a term that must be defined and not false
  kUnify,   // a = b
  kAssign,  // a := b
  kSome,    // some x, y (declaration only)
  kSomeIn,  // some [key,] value in domain
  kEvery,   // every [key,] value in domain { body }
};

struct Expr {
  ExprKind kind = ExprKind::kTerm;
  Location loc;
  bool negated = false;
  TermPtr lhs;  // kTerm: the term; kUnify/kAssign: left side
  TermPtr rhs;
  // kSomeIn / kEvery.
  TermPtr key;
  TermPtr val;
  TermPtr domain;
  std::unique_ptr<Body> body;  // kEvery
  std::vector<std::string> names;  // kSome
  std::vector<With> withs;
};

// A METADATA comment block (policy/metadata.h): its scope ("rule",
// "document", "package" or "subpackages") and the object
// rego.metadata.rule() / chain() return for it, scope included.
struct Annotations {
  Location loc;
  std::string scope;
  Value value;
};

enum class RuleKind {
  kComplete,  // p := v
  kSet,       // p contains x  (v0: p[x])
  kObject,    // p[k] := v (also p[k1][k2] := v)
  kFunction,  // f(x) := v
};

struct Rule {
  Location loc;
  const std::string* file = nullptr;
  RuleKind kind = RuleKind::kComplete;
  bool is_default = false;
  std::vector<TermPtr> head_ref;  // the head name as a ref: p, p.q, p[x]
  std::vector<TermPtr> params;    // functions
  TermPtr key;                    // kSet: the element
  TermPtr value;                  // value, or null for `true`
  Body body;                      // empty: always true
  std::unique_ptr<Rule> else_rule;
  // METADATA blocks written before the rule (rule and document scope).
  std::vector<Annotations> annotations;

  // Filled in by the compiler.
  std::vector<std::string> path;    // full path below data: {"test", "p"}
  std::vector<Term*> key_terms;     // kObject: head operands after the path
  int num_slots = 0;
};

struct Import {
  Location loc;
  std::vector<std::string> path;  // {"data", "foo", "bar"} or {"input", ...}
  std::string alias;              // the name it binds
};

struct Module {
  std::string file;
  Location package_loc;
  std::vector<std::string> package;  // without the leading "data"
  std::vector<Import> imports;
  std::vector<std::unique_ptr<Rule>> rules;
  bool v1 = true;
  // METADATA blocks written before `package` (package and subpackages scope).
  std::vector<Annotations> annotations;
};

// Returns "data.a.b" style text for a path.
std::string PathToString(const std::vector<std::string>& path);

// Calls fn(Term*) for every term of a rule (and its else chain) or body that
// is evaluated: parameters, keys, values, expression operands, comprehensions
// and `with` values, a term before its operands. Rule heads and `with`
// targets are names, not terms evaluated, and are skipped.
template <typename Fn>
void ForEachTerm(Term* t, const Fn& fn);

template <typename Fn>
void ForEachTerm(Body& body, const Fn& fn) {
  for (const auto& e : body) {
    for (Term* t : {e->lhs.get(), e->rhs.get(), e->key.get(), e->val.get(), e->domain.get()}) {
      ForEachTerm(t, fn);
    }
    if (e->body != nullptr) ForEachTerm(*e->body, fn);
    for (With& w : e->withs) ForEachTerm(w.value.get(), fn);
  }
}

template <typename Fn>
void ForEachTerm(Term* t, const Fn& fn) {
  if (t == nullptr) return;
  fn(t);
  for (const TermPtr& a : t->args) ForEachTerm(a.get(), fn);
  ForEachTerm(t->key.get(), fn);
  ForEachTerm(t->head.get(), fn);
  if (t->body != nullptr) ForEachTerm(*t->body, fn);
}

template <typename Fn>
void ForEachTerm(Rule* r, const Fn& fn) {
  for (; r != nullptr; r = r->else_rule.get()) {
    for (const TermPtr& t : r->params) ForEachTerm(t.get(), fn);
    ForEachTerm(r->key.get(), fn);
    ForEachTerm(r->value.get(), fn);
    ForEachTerm(r->body, fn);
  }
}

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_AST_H_
