// Evaluator: top-down evaluation of a compiled Program, OPA semantics.
//
// Evaluation is continuation-passing: each expression calls its continuation
// once per solution, binding variables in the rule's frame before the call
// and unbinding after, so backtracking needs no trail. A continuation returns
// false to stop the enumeration (`not` and `every` stop at the first
// solution); an error also stops it and is kept in the evaluator. Terms
// with one value (policy/single_terms.h) are computed directly instead, and a
// body's tests and assignments of such terms are taken in a loop, each
// assignment bound for the rest of the body and unbound on the way back.
//
// Rule values are computed once per evaluation and cached by rule-tree node;
// `with` gives the expression it modifies a fresh cache. Terms the compiler
// prepared (constant refs, inlined calls, single terms) take a shorter path
// only while what they assume holds: StrategiesUnder() says which do under
// the `with` modifiers in force.
//
// Undefined is not false: a rule with no solution and no default is absent
// from its package, and `not` of an undefined expression succeeds.
//
// Thread-safety: an Evaluator is single-use state for one evaluation on one
// thread. Many Evaluators may share one Program concurrently.
#ifndef GOVERNANCE_SRC_POLICY_EVALUATOR_H_
#define GOVERNANCE_SRC_POLICY_EVALUATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "governance/policy.h"
#include "governance/status.h"
#include "policy/builtins.h"
#include "policy/compiler.h"
#include "policy/function_ref.h"
#include "policy/value.h"

namespace governance::rego {

struct EvalOptions {
  // Builtin errors become evaluation errors instead of undefined. Default: false.
  bool strict_builtin_errors = false;
  // time.now_ns; 0 means the wall clock at the start of the evaluation.
  int64_t now_ns = 0;
  // Receives print() output; null discards it.
  std::function<void(const std::string&)> print;
  PolicyBudget budget;
  // BundleOptions::read_host_files.
  bool read_host_files = false;
};

class Evaluator {
 public:
  Evaluator(const Program& program, const EvalOptions& options);
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Runs `query` with `input` (undefined: no input). `on_result` receives the
  // frame of each solution (index it with the query's output slots: the
  // address of each variable's value, null if unbound, valid during the
  // call) and returns false to stop.
  Status Run(const CompiledQuery& query, const Value& input,
             FunctionRef<bool(const Value* const* frame)> on_result);

  // The value of the document at `path` below data (a rule, a package or base
  // data); undefined when it has none.
  StatusOr<Value> EvalPath(const std::vector<std::string>& path, const Value& input);

  // The value of the rules at `node`: what EvalPath(node->path, input) gives
  // without looking the path up again. REQUIRES: node->has_rules(), and no
  // node above it has rules.
  StatusOr<Value> EvalRule(const RuleNode* node, const Value& input);

  // The first value of `term`, evaluated with no input and no variables
  // bound; undefined when it has none. REQUIRES: `term` has no variables.
  StatusOr<Value> EvalClosed(const Term& term);

 private:
  // A rule's variables, by slot: the address of the value each is bound to,
  // null while unbound. A binding is made for the duration of a
  // continuation, during which the value it points to lives, so binding
  // copies nothing.
  using Slots = const Value**;
  using Cont = FunctionRef<bool()>;
  using ValueCont = FunctionRef<bool(const Value&)>;

  bool EvalBody(const Body& body, size_t i, Slots f, Cont k);
  bool EvalExpr(const Expr& e, Slots f, Cont k);
  bool EvalExprPlain(const Expr& e, Slots f, Cont k);
  bool EvalExprNeg(const Expr& e, Slots f, Cont k);
  bool UnifyPairs(const Term& a, const Term& b, size_t i, Slots f, Cont k);
  // Unifies the values of object terms `a` and `b` (as many keys each) key
  // by key, from a's i-th key on; undefined when b lacks one of a's keys.
  bool UnifyObjectPairs(const Term& a, const Term& b, size_t i, Slots f, Cont k);
  bool EvalArgs(const Term& call, size_t end, size_t i, const Value** acc, Slots f, Cont k);
  // The value of a literal, a bound variable or a constant ref, without
  // evaluating; null for any other term (and for an unbound variable).
  const Value* Immediate(const Term& t, Slots f) const {
    if (t.ground) return &t.value;
    if (t.kind == TermKind::kVar && t.binding == VarBinding::kLocal) return f[t.slot];
    if (t.constant && Holds(kConstantRefs)) return &t.value;
    return nullptr;
  }
  bool EvalTerm(const Term& t, Slots f, ValueCont k);
  // EvalTerm for a single term (policy/single_terms.h): computed by Direct
  // when SingleReady, else as written.
  [[gnu::noinline]] bool EvalSingle(const Term& t, Slots f, ValueCont k);
  // The variables of single term `t` are bound and single terms hold.
  bool SingleReady(const Term& t, const Slots f) const;
  // The value of single term `t`, when SingleReady: *out points to it (into
  // `tmp`, a term, the input or a rule's cached value, all of which outlive
  // the caller's use) or is null when `t` is undefined. False on error.
  bool Direct(const Term& t, Slots f, Value* tmp, const Value** out);
  bool DirectRef(const Term& ref, Slots f, Value* tmp, const Value** out);
  bool DirectCall(const Term& call, Slots f, Value* tmp, const Value** out);
  // Computes operands i.. of `call` into args[i - 1]..., then calls it.
  bool DirectArgs(const Term& call, size_t i, const Value** args, Slots f, Value* tmp,
                  const Value** out);
  // EvalTerm for everything Immediate() does not answer.
  [[gnu::noinline]] bool EvalCompound(const Term& t, Slots f, ValueCont k);
  bool EvalTerms(const std::vector<std::unique_ptr<Term>>& terms, size_t i,
                 ValueVector* acc, Slots f, Cont k);
  bool Unify(const Term& a, const Term& b, Slots f, Cont k);
  bool UnifyValue(const Term& t, const Value& v, Slots f, Cont k);
  bool UnifyArray(const Term& t, const Value& v, size_t i, Slots f, Cont k);
  bool UnifyObject(const Term& t, const Value& v, size_t i, Slots f, Cont k);
  bool IsPattern(const Term& t, const Slots f) const;
  bool EvalRef(const Term& ref, Slots f, ValueCont k);
  bool EvalOps(const Value& v, const Term& ref, size_t i, Slots f, ValueCont k);
  bool EvalDataNode(const RuleNode* node, const Value& base, const Term& ref, size_t i, Slots f,
                    ValueCont k);
  bool EvalCall(const Term& call, Slots f, ValueCont k);
  bool Invoke(const Term& call, const Builtin* builtin, const RuleNode* function, Operands args,
              Value* out);
  bool CallBuiltin(const Term& call, const Builtin* builtin, Operands args, Value* out);
  bool CallFunction(const RuleNode* fn, Operands args, Value* out);
  bool BindParams(const Rule& rule, Operands args, size_t i, Slots f, Cont k);
  // Binds parameters that are distinct variables straight to the operands'
  // addresses; false (nothing bound) when one is a pattern or repeated.
  bool BindPlainParams(const Rule& rule, Operands args, Slots f);
  bool EvalCompr(const Term& t, Slots f, ValueCont k);
  bool EvalSomeIn(const Expr& e, Slots f, Cont k);
  bool EvalEvery(const Expr& e, Slots f, Cont k);
  bool EvalWith(const Expr& e, Slots f, Cont k);

  // The value of the rules at `node`, computed once per State and handed out
  // by address (no reference-count traffic per use); false on error. The
  // address stays valid while the State that owns it lives: the RuleCache
  // never grows, and swapping States for `with` moves buffers, not values.
  bool RuleValue(const RuleNode* node, const Value** out);
  bool ComputeRuleValue(const RuleNode* node, Value* out);
  bool EvalRuleChain(const Rule& rule, Slots f, bool* produced, Value* result,
                     const RuleNode* node, bool function);
  // Full extent of a subtree (base data merged with rule values).
  bool Extent(const RuleNode* node, const Value& base, Value* out);
  bool IsMasked(const RuleNode* node) const;

  // Counts one step; every few thousand steps (or after builtins built
  // large values) checks the budget. False, with error_ set, when spent.
  bool Step(const std::string* file, Location loc) {
    if (++steps_ < next_check_) return true;
    return CheckBudget(file, loc);
  }
  [[gnu::noinline]] bool CheckBudget(const std::string* file, Location loc);
  // Counts what a builtin produced towards the next memory check.
  void Produced(const Value& v);

  bool Fail(const Term& at, std::string_view code, std::string_view message);
  bool FailAt(const std::string* file, Location loc, std::string_view code,
              std::string_view message);
  bool FailStatus(const Term& at, const Status& s);

  // Per-node cache of rule values: state 0 unknown, 1 computing, 2 done.
  // Sized once, so addresses of its values stay valid while it lives (and
  // when States are swapped). Its buffers go back to a per-thread spare list
  // and are reused by the next evaluation: allocating ~1.5 KB for the
  // default bundle each time is a large request that makes malloc
  // consolidate its free lists, 4% of an evaluation.
  class RuleCache {
   public:
    RuleCache() = default;
    explicit RuleCache(size_t nodes);
    ~RuleCache();
    RuleCache(RuleCache&& other) noexcept;
    RuleCache& operator=(RuleCache&& other) noexcept;

    size_t size() const { return values_.size(); }
    Value& value(size_t id) { return values_[id]; }
    uint8_t& state(size_t id) { return state_[id]; }

   private:
    std::vector<Value> values_;
    std::vector<uint8_t> state_;
  };

  // The compile-time strategies: each computes some terms ahead of, or
  // instead of, evaluating them as written, and each assumes something that a
  // `with` may replace. Which of them hold under the modifiers in force is
  // decided in one place, StrategiesUnder(); the evaluator asks Holds()
  // before taking one, and evaluates the term as written otherwise.
  //
  // Measured on BM_EvaluateValid (instructions per evaluation, callgrind):
  // 196k with both, 203k with no ref folded as constant, 239k without single
  // terms, 335k without either. Inlined calls (policy/inline_functions.h)
  // are taken only as part of a single term: evaluated as written, an
  // inlined call saved nothing measurable, so it is called as written there.
  enum Strategy : uint8_t {
    // policy/constant_refs.h, and the rule-tree node a data ref was resolved
    // to at compile time (Term::data_node, data_base): data as compiled.
    kConstantRefs = 1 << 0,
    // policy/single_terms.h, inlined calls included: calls the functions
    // compiled and reads the rules and constant refs compiled, without
    // looking for replacements. Never holds without kConstantRefs.
    kSingleTerms = 1 << 1,
    kAllStrategies = kConstantRefs | kSingleTerms,
  };
  // The strategies that hold when `with` replaces data (or not) and
  // functions (or not). Replacing input changes neither: both read the
  // input of the State in force.
  static uint8_t StrategiesUnder(bool data_replaced, bool functions_replaced);
  bool Holds(Strategy s) const { return (st_.strategies & s) != 0; }

  struct FunctionMock {
    Value value;
    const Builtin* builtin = nullptr;
    const RuleNode* function = nullptr;
  };

  // Everything `with` replaces, swapped as one unit.
  struct State {
    Value input;
    Value data;
    bool data_replaced = false;
    std::vector<const RuleNode*> masked;
    std::unordered_map<std::string, FunctionMock> mocks;
    uint8_t strategies = kAllStrategies;  // StrategiesUnder(data_replaced, !mocks.empty())
    RuleCache cache;
  };

  const Program& program_;
  const EvalOptions& options_;
  BuiltinContext builtin_ctx_;
  Status error_;
  State st_;
  const std::string* file_ = nullptr;
  int depth_ = 0;
  uint64_t steps_ = 0;
  uint64_t next_check_ = 0;
  uint64_t next_memory_check_ = 0;
  int64_t deadline_ns_ = 0;
  size_t resident_at_start_ = 0;
  size_t produced_bytes_ = 0;
  static const std::string kQueryFile;
};

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_EVALUATOR_H_
