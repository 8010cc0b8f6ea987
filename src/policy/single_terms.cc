#include "policy/single_terms.h"

#include <algorithm>
#include <vector>

#include "policy/builtins.h"
#include "policy/builtins_walk.h"

namespace governance::rego {
namespace {

// Adds `t`'s slots to `slots` when `t` is single; false otherwise.
bool AddSingle(const Term& t, std::vector<int>* slots) {
  if (!t.single) return false;
  for (int s : t.single_slots) {
    if (std::find(slots->begin(), slots->end(), s) == slots->end()) slots->push_back(s);
  }
  return true;
}

// Number of operands `call` must be given to have no output operand.
size_t Arity(const Term& call) {
  if (call.target == CallTarget::kBuiltin) {
    return call.builtin->arity < 0 ? call.args.size() - 1 : static_cast<size_t>(call.builtin->arity);
  }
  const Rule* r = !call.function->rules.empty() ? call.function->rules[0]
                                                : call.function->default_rule;
  return r->params.size();
}

// Whether `t` is single, given that the terms below it are marked.
bool IsSingle(const Term& t, std::vector<int>* slots) {
  if (t.ground || t.constant) return true;
  switch (t.kind) {
    case TermKind::kScalar:
      return true;
    case TermKind::kVar:
      if (t.binding == VarBinding::kLocal) {
        slots->push_back(t.slot);
        return true;
      }
      return t.binding == VarBinding::kInput;
    case TermKind::kRef: {
      const Term& head = *t.args[0];
      size_t first = 1;
      if (head.kind == TermKind::kVar && head.binding == VarBinding::kData) {
        // One rule's value; a package or base data may need their extent.
        if (t.data_node == nullptr || !t.data_node->has_rules()) return false;
        first = 1 + t.data_prefix;
      } else if (!AddSingle(head, slots)) {
        return false;
      }
      for (size_t i = first; i < t.args.size(); ++i) {
        if (!AddSingle(*t.args[i], slots)) return false;
      }
      return true;
    }
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (const TermPtr& a : t.args) {
        if (!AddSingle(*a, slots)) return false;
      }
      return true;
    case TermKind::kCall: {
      size_t given = t.args.size() - 1;
      if (t.target == CallTarget::kUnresolved || given != Arity(t)) return false;
      if (t.target == CallTarget::kBuiltin && IsRelation(*t.builtin)) return false;
      if (given > kMaxSingleOperands && t.inlined == nullptr) return false;
      // Every operand, even one an inlined value drops: an unbound one is an
      // error when the call is evaluated as written.
      for (size_t i = 1; i < t.args.size(); ++i) {
        if (!AddSingle(*t.args[i], slots)) return false;
      }
      return t.inlined == nullptr || AddSingle(*t.inlined, slots);
    }
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
      return false;
  }
  return false;
}

void Mark(Term* t) {
  std::vector<int> slots;
  t->single = IsSingle(*t, &slots);
  t->single_slots = t->single ? std::move(slots) : std::vector<int>();
}

// Marks `terms`, a pre-order listing, children before their parents.
void MarkAll(const std::vector<Term*>& terms);

void MarkTree(Term* t) {
  std::vector<Term*> terms;
  ForEachTerm(t, [&](Term* x) { terms.push_back(x); });
  MarkAll(terms);
}

void MarkAll(const std::vector<Term*>& terms) {
  for (auto it = terms.rbegin(); it != terms.rend(); ++it) {
    if ((*it)->inlined != nullptr) MarkTree((*it)->inlined.get());
    Mark(*it);
  }
}

}  // namespace

void MarkSingleTerms(Program* program) {
  std::vector<Term*> terms;
  for (const auto& m : program->modules) {
    for (const auto& r : m->rules) {
      terms.clear();
      ForEachTerm(r.get(), [&](Term* t) { terms.push_back(t); });
      MarkAll(terms);
    }
  }
}

void MarkSingleTerms(Body* query) {
  std::vector<Term*> terms;
  ForEachTerm(*query, [&](Term* t) { terms.push_back(t); });
  MarkAll(terms);
}

}  // namespace governance::rego
