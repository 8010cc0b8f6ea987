#include "policy/inline_functions.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "policy/builtins_walk.h"

namespace governance::rego {
namespace {

// The definition of `fn` when it can be inlined, else null.
const Rule* InlinableDefinition(const RuleNode& fn) {
  if (fn.kind != RuleKind::kFunction || fn.rules.size() != 1 || fn.default_rule != nullptr) {
    return nullptr;
  }
  Rule* r = fn.rules[0];
  if (r->else_rule != nullptr || !r->body.empty() || r->value == nullptr) return nullptr;
  std::vector<int> params;
  for (const TermPtr& p : r->params) {
    if (p->kind != TermKind::kVar || p->binding != VarBinding::kLocal) return nullptr;
    if (std::find(params.begin(), params.end(), p->slot) != params.end()) return nullptr;
    params.push_back(p->slot);
  }
  bool inlinable = true;
  ForEachTerm(r->value.get(), [&](Term* t) {
    if (t->body != nullptr) inlinable = false;
    if (t->kind == TermKind::kCall && t->target != CallTarget::kBuiltin) inlinable = false;
    // A relation has many values where the function must have one.
    if (t->kind == TermKind::kCall && t->target == CallTarget::kBuiltin &&
        IsRelation(*t->builtin)) {
      inlinable = false;
    }
    if (t->kind == TermKind::kVar && t->binding == VarBinding::kLocal &&
        std::find(params.begin(), params.end(), t->slot) == params.end()) {
      inlinable = false;
    }
  });
  return inlinable ? r : nullptr;
}

// An operand that substitutes for a parameter without changing what is
// evaluated: it names a value rather than computing one.
bool IsSubstitutable(const Term& t) {
  return t.ground || t.constant || (t.kind == TermKind::kVar && t.binding == VarBinding::kLocal);
}

// A deep copy of `t` in which each variable of slot s in `params` becomes a
// copy of (*params)[s].
TermPtr Substitute(const Term& t, const std::unordered_map<int, const Term*>& params) {
  if (t.kind == TermKind::kVar && t.binding == VarBinding::kLocal) {
    auto it = params.find(t.slot);
    if (it != params.end()) return Substitute(*it->second, {});
  }
  auto c = std::make_unique<Term>();
  c->kind = t.kind;
  c->loc = t.loc;
  c->value = t.value;
  c->name = t.name;
  for (const TermPtr& a : t.args) c->args.push_back(Substitute(*a, params));
  // REQUIRES (InlinableDefinition, IsSubstitutable): no comprehension, so
  // no key, head or body to copy.
  c->binding = t.binding;
  c->slot = t.slot;
  c->ground = t.ground;
  c->constant = t.constant;
  c->data_node = t.data_node;
  c->data_prefix = t.data_prefix;
  c->data_base = t.data_base;
  c->target = t.target;
  c->builtin = t.builtin;
  c->function = t.function;
  c->call_name = t.call_name;
  return c;
}

class Inliner {
 public:
  void Inline(Term* call, const std::string& file) {
    if (call->kind != TermKind::kCall || call->target != CallTarget::kFunction) return;
    auto [it, added] = definitions_.try_emplace(call->function, nullptr);
    if (added) it->second = InlinableDefinition(*call->function);
    const Rule* def = it->second;
    if (def == nullptr || *def->file != file || call->args.size() != def->params.size() + 1) return;
    std::unordered_map<int, const Term*> params;
    for (size_t i = 0; i < def->params.size(); ++i) {
      const Term& operand = *call->args[i + 1];
      if (!IsSubstitutable(operand)) return;
      params[def->params[i]->slot] = &operand;
    }
    call->inlined = Substitute(*def->value, params);
  }

 private:
  // InlinableDefinition of each function called so far.
  std::unordered_map<const RuleNode*, const Rule*> definitions_;
};

}  // namespace

void InlineFunctions(Program* program) {
  Inliner inliner;
  for (const auto& m : program->modules) {
    for (const auto& r : m->rules) {
      ForEachTerm(r.get(), [&](Term* t) { inliner.Inline(t, m->file); });
    }
  }
}

}  // namespace governance::rego
