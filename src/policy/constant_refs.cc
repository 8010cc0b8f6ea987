#include "policy/constant_refs.h"

#include <unordered_map>

#include "policy/evaluator.h"

namespace governance::rego {
namespace {

class ConstantRefs {
 public:
  explicit ConstantRefs(const Program& program) : evaluator_(program, options_) {}

  void Fold(Term* t) {
    if (t->kind != TermKind::kRef || t->constant || !IsConstantRef(*t)) return;
    StatusOr<Value> v = evaluator_.EvalClosed(*t);
    if (!v.ok() || !v->defined()) return;
    t->value = *std::move(v);
    t->constant = true;
  }

 private:
  bool IsConstantRef(const Term& ref) {
    const Term& head = *ref.args[0];
    if (head.kind != TermKind::kVar || head.binding != VarBinding::kData) return false;
    for (size_t i = 1; i < ref.args.size(); ++i) {
      if (!ref.args[i]->ground) return false;
    }
    // The compiler walked the rule tree along the operands as far as a rule
    // or a key with no node below it (Term::data_node). Past a rule the rest
    // of the ref looks inside its value; past a missing key, inside base
    // data only.
    const RuleNode* node = ref.data_node;
    if (node == nullptr) return false;
    if (node->has_rules()) return IsConstantRule(node);
    if (1 + ref.data_prefix < ref.args.size()) return true;
    return IsConstantTree(node);
  }

  // Every rule at or below `node` is constant (its extent is fixed).
  bool IsConstantTree(const RuleNode* node) {
    if (node->has_rules()) return IsConstantRule(node);
    for (const auto& [name, child] : node->children) {
      if (!IsConstantTree(child.get())) return false;
    }
    return true;
  }

  bool IsConstantRule(const RuleNode* node) {
    auto [it, inserted] = rules_.try_emplace(node, State::kVisiting);
    if (!inserted) return it->second == State::kConstant;  // a cycle is not constant
    bool constant = false;
    if (node->kind == RuleKind::kComplete && node->rules.size() == 1 &&
        node->default_rule == nullptr) {
      const Rule& r = *node->rules[0];
      constant = r.else_rule == nullptr && r.body.empty() && r.value != nullptr &&
                 (r.value->ground || (r.value->kind == TermKind::kRef && IsConstantRef(*r.value)));
    }
    rules_[node] = constant ? State::kConstant : State::kVariable;
    return constant;
  }

  enum class State { kVisiting, kConstant, kVariable };

  const EvalOptions options_;
  Evaluator evaluator_;
  std::unordered_map<const RuleNode*, State> rules_;
};

}  // namespace

void FoldConstantRefs(Program* program) {
  ConstantRefs refs(*program);
  for (const auto& m : program->modules) {
    for (const auto& r : m->rules) ForEachTerm(r.get(), [&](Term* t) { refs.Fold(t); });
  }
}

void FoldConstantRefs(const Program& program, Body* query) {
  ConstantRefs refs(program);
  ForEachTerm(*query, [&](Term* t) { refs.Fold(t); });
}

}  // namespace governance::rego
