#include "policy/evaluator.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "policy/builtins_walk.h"
#include "policy/single_terms.h"

namespace governance::rego {

const std::string Evaluator::kQueryFile = "query";

namespace {

// Calls nested deeper than this are reported rather than overflowing the stack.
constexpr int kMaxCallDepth = 200;

const Value* Child(const Value& v, const Value& key) {
  switch (v.kind()) {
    case Value::Kind::kObject:
      return v.Find(key);
    case Value::Kind::kArray: {
      int64_t i;
      if (!key.ToInt(&i) || i < 0 || static_cast<size_t>(i) >= v.items().size()) return nullptr;
      return &v.items()[static_cast<size_t>(i)];
    }
    case Value::Kind::kSet: {
      const ValueVector& items = v.items();
      auto it = std::lower_bound(items.begin(), items.end(), key);
      if (it != items.end() && *it == key) return &*it;
      return nullptr;
    }
    default:
      return nullptr;
  }
}

// Child of base document `v` at `key`. Base data is stored by string keys,
// and a number names the key that is its text (data.nested[2] reads
// {"nested": {"2": ...}}), as OPA's storage paths do; a value a rule or a
// variable holds has no such reading.
const Value* BaseChild(const Value& v, const Value& key) {
  if (key.is_number() && v.is_object()) return v.FindString(FormatNumber(key));
  return Child(v, key);
}

// The array, set or object of term kind `kind` with elements `acc` (an
// object's as key, value, key, value...).
Value Collection(TermKind kind, ValueVector acc) {
  if (kind == TermKind::kArray) return Value::Array(std::move(acc));
  if (kind == TermKind::kSet) return Value::Set(std::move(acc));
  ObjectEntries entries;
  entries.reserve(acc.size() / 2);
  for (size_t i = 0; i + 1 < acc.size(); i += 2) entries.emplace_back(acc[i], acc[i + 1]);
  return Value::Object(std::move(entries));
}

Value SetPath(const Value& doc, const std::vector<Value>& path, size_t i, const Value& v) {
  if (i == path.size()) return v;
  ObjectEntries entries;
  if (doc.is_object()) entries = doc.entries();
  const Value* child = doc.is_object() ? doc.Find(path[i]) : nullptr;
  Value updated = SetPath(child != nullptr ? *child : Value(), path, i + 1, v);
  bool replaced = false;
  for (auto& e : entries) {
    if (e.first == path[i]) {
      e.second = updated;
      replaced = true;
    }
  }
  if (!replaced) entries.emplace_back(path[i], updated);
  return Value::Object(std::move(entries));
}

// A rule's variable slots (see Slots). Most rules have a handful, so small
// frames live on the stack rather than costing an allocation per rule body
// or function call; unbound is null, so setting one up is a memset.
class Frame {
 public:
  explicit Frame(size_t slots) {
    if (slots > kInline) {
      heap_.assign(slots, nullptr);
      slots_ = heap_.data();
    } else {
      std::fill_n(inline_, slots, nullptr);
      slots_ = inline_;
    }
  }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  const Value** data() { return slots_; }

 private:
  static constexpr size_t kInline = 16;
  const Value* inline_[kInline];
  std::vector<const Value*> heap_;
  const Value** slots_;
};

int64_t WallClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The process's resident memory in bytes, from /proc/self/statm (a few
// microseconds; glibc's mallinfo2 walks every free chunk and can take
// milliseconds). 0 when it cannot be read.
size_t ResidentBytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  unsigned long size = 0, resident = 0;
  if (std::sscanf(buf, "%lu %lu", &size, &resident) != 2) return 0;
  return static_cast<size_t>(resident) * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

// Steps between checks of the step count and the clock, and between samples
// of resident memory.
constexpr uint64_t kStepsPerCheck = 1024;
constexpr uint64_t kStepsPerMemoryCheck = 16 * 1024;
// What builtins may produce between two heap samples before one is forced.
constexpr size_t kProducedPerMemoryCheck = 64 << 20;

// Buffers of finished RuleCaches, kept for the next evaluation on the thread.
struct SpareCaches {
  static constexpr size_t kMax = 4;
  std::vector<std::pair<std::vector<Value>, std::vector<uint8_t>>> buffers;
};

SpareCaches& Spares() {
  thread_local SpareCaches spares;
  return spares;
}

}  // namespace

Evaluator::RuleCache::RuleCache(size_t nodes) {
  SpareCaches& spares = Spares();
  if (!spares.buffers.empty()) {
    values_ = std::move(spares.buffers.back().first);
    state_ = std::move(spares.buffers.back().second);
    spares.buffers.pop_back();
  }
  values_.resize(nodes);
  state_.assign(nodes, 0);
}

Evaluator::RuleCache::~RuleCache() {
  if (values_.capacity() == 0) return;
  SpareCaches& spares = Spares();
  if (spares.buffers.size() >= SpareCaches::kMax) return;
  values_.clear();  // drops the rule values now, keeps the buffer
  spares.buffers.emplace_back(std::move(values_), std::move(state_));
}

Evaluator::RuleCache::RuleCache(RuleCache&& other) noexcept
    : values_(std::move(other.values_)), state_(std::move(other.state_)) {}

Evaluator::RuleCache& Evaluator::RuleCache::operator=(RuleCache&& other) noexcept {
  values_.swap(other.values_);
  state_.swap(other.state_);
  return *this;
}

Evaluator::Evaluator(const Program& program, const EvalOptions& options)
    : program_(program), options_(options) {
  builtin_ctx_.now_ns = options.now_ns != 0 ? options.now_ns : WallClockNs();
  builtin_ctx_.print = options.print ? &options.print : nullptr;
  builtin_ctx_.read_host_files = options.read_host_files;
  builtin_ctx_.max_collection_elements =
      std::max<size_t>(1, options.budget.max_memory_bytes / (4 * sizeof(Value)));
  builtin_ctx_.max_string_bytes = std::max<size_t>(1, options.budget.max_memory_bytes / 4);
  deadline_ns_ = WallClockNs() + options.budget.max_wall_ms * 1'000'000;
  // No memory sample in the first steps: reading /proc/self/statm costs more
  // than a whole short evaluation.
  next_memory_check_ = kStepsPerMemoryCheck;
  st_.data = program.data;
  st_.cache = RuleCache(static_cast<size_t>(program.num_nodes));
  file_ = &kQueryFile;
}

Status Evaluator::Run(const CompiledQuery& query, const Value& input,
                      FunctionRef<bool(const Value* const* frame)> on_result) {
  st_.input = input;
  error_ = Status::Ok();
  Frame frame(static_cast<size_t>(query.num_slots));
  Slots f = frame.data();
  file_ = &query.origin;
  EvalBody(query.body, 0, f, [&]() { return on_result(f); });
  file_ = &kQueryFile;
  return error_;
}

StatusOr<Value> Evaluator::EvalPath(const std::vector<std::string>& path, const Value& input) {
  st_.input = input;
  error_ = Status::Ok();
  const RuleNode* node = program_.root.get();
  Value base = st_.data;
  size_t i = 0;
  for (; i < path.size() && node != nullptr && !node->has_rules(); ++i) {
    auto it = node->children.find(path[i]);
    node = it == node->children.end() ? nullptr : it->second.get();
    const Value* b = base.FindString(path[i]);
    base = b != nullptr ? *b : Value();
  }
  Value v;
  if (node == nullptr) {
    v = base;
  } else if (!Extent(node, base, &v)) {
    return error_;
  }
  for (; i < path.size() && v.defined(); ++i) {
    const Value* c = v.FindString(path[i]);
    v = c != nullptr ? *c : Value();
  }
  return v;
}

StatusOr<Value> Evaluator::EvalRule(const RuleNode* node, const Value& input) {
  st_.input = input;
  error_ = Status::Ok();
  const Value* v;
  if (!RuleValue(node, &v)) return error_;
  return *v;
}

StatusOr<Value> Evaluator::EvalClosed(const Term& term) {
  st_.input = Value();
  error_ = Status::Ok();
  Value result;
  EvalTerm(term, nullptr, [&](const Value& v) {
    result = v;
    return false;
  });
  if (!error_.ok()) return error_;
  return result;
}

// ---------------------------------------------------------------- errors

bool Evaluator::FailAt(const std::string* file, Location loc, std::string_view code,
                       std::string_view message) {
  if (error_.ok()) {
    error_ = InvalidArgumentError(
        fmt::format("{}:{}: {}: {}", file != nullptr ? *file : kQueryFile, loc.row, code, message));
  }
  return false;
}

bool Evaluator::CheckBudget(const std::string* file, Location loc) {
  const PolicyBudget& budget = options_.budget;
  next_check_ = steps_ + kStepsPerCheck;
  if (steps_ > budget.max_steps) {
    return FailAt(file, loc, "rego_budget_error",
                  fmt::format("evaluation exceeded {} steps", budget.max_steps));
  }
  if (WallClockNs() > deadline_ns_) {
    return FailAt(file, loc, "rego_budget_error",
                  fmt::format("evaluation exceeded {} ms", budget.max_wall_ms));
  }
  if (steps_ >= next_memory_check_ || produced_bytes_ >= kProducedPerMemoryCheck) {
    next_memory_check_ = steps_ + kStepsPerMemoryCheck;
    produced_bytes_ = 0;
    // The first sample is the baseline, taken only once an evaluation runs
    // long or builds large values, so that short ones never pay for it.
    const size_t resident = ResidentBytes();
    if (resident_at_start_ == 0) {
      resident_at_start_ = resident;
    } else if (resident > resident_at_start_ &&
               resident - resident_at_start_ > budget.max_memory_bytes) {
      return FailAt(file, loc, "rego_budget_error",
                    fmt::format("evaluation grew resident memory by more than {} MiB",
                                budget.max_memory_bytes >> 20));
    }
  }
  return true;
}

void Evaluator::Produced(const Value& v) {
  if (v.is_string()) {
    produced_bytes_ += v.str().size();
  } else if (v.is_array() || v.is_set() || v.is_object()) {
    produced_bytes_ += v.size() * sizeof(Value);
  } else {
    return;
  }
  if (produced_bytes_ >= kProducedPerMemoryCheck) next_check_ = steps_ + 1;
}

bool Evaluator::Fail(const Term& at, std::string_view code, std::string_view message) {
  return FailAt(file_, at.loc, code, message);
}

bool Evaluator::FailStatus(const Term& at, const Status& s) {
  if (error_.ok()) {
    error_ = InvalidArgumentError(fmt::format("{}:{}: {}", *file_, at.loc.row, s.message()));
  }
  return false;
}

// ---------------------------------------------------------------- bodies

namespace {

// `x := <term>` where x is a local variable not yet bound: the usual
// assignment, which binds x to the term's value without unification.
bool AssignsUnboundLocal(const Expr& e, const Value* const* f) {
  return e.kind == ExprKind::kAssign && e.lhs->kind == TermKind::kVar &&
         e.lhs->binding == VarBinding::kLocal && f[e.lhs->slot] == nullptr;
}

}  // namespace

bool Evaluator::EvalBody(const Body& body, size_t i, Slots f, Cont k) {
  // Tests and assignments of single terms, most of a body, are evaluated
  // here in turn rather than each with a continuation for the rest.
  for (; i < body.size(); ++i) {
    const Expr& e = *body[i];
    if (!Step(file_, e.loc)) return false;
    const bool test = e.kind == ExprKind::kTerm;
    const bool assign = !test && !e.negated && AssignsUnboundLocal(e, f);
    const Term* t = test ? e.lhs.get() : assign ? e.rhs.get() : nullptr;
    if (t == nullptr || !e.withs.empty() || !t->single || !SingleReady(*t, f)) break;
    Value tmp;
    const Value* v;
    if (!Direct(*t, f, &tmp, &v)) return false;
    if (test) {
      bool holds = v != nullptr && !v->is_false();
      if (holds == e.negated) return true;
      continue;
    }
    if (v == nullptr) return true;
    const Value*& slot = f[e.lhs->slot];
    slot = v;
    bool r = EvalBody(body, i + 1, f, k);
    slot = nullptr;
    return r;
  }
  // Each solution of the body is a step too, charged to its last expression.
  if (i == body.size()) return Step(file_, i > 0 ? body[i - 1]->loc : Location{}) && k();
  return EvalExpr(*body[i], f, [&]() { return EvalBody(body, i + 1, f, k); });
}

bool Evaluator::EvalExpr(const Expr& e, Slots f, Cont k) {
  if (!e.withs.empty()) return EvalWith(e, f, k);
  return EvalExprNeg(e, f, k);
}

bool Evaluator::EvalExprNeg(const Expr& e, Slots f, Cont k) {
  if (!e.negated) return EvalExprPlain(e, f, k);
  bool found = false;
  EvalExprPlain(e, f, [&]() {
    found = true;
    return false;
  });
  if (!error_.ok()) return false;
  return found ? true : k();
}

bool Evaluator::EvalExprPlain(const Expr& e, Slots f, Cont k) {
  switch (e.kind) {
    case ExprKind::kTerm:
      return EvalTerm(*e.lhs, f, [&](const Value& v) { return v.is_false() ? true : k(); });
    case ExprKind::kAssign:
      // The usual assignment, x := <term> with x unbound, binds x to each
      // value of the term without the pattern analysis of Unify.
      if (AssignsUnboundLocal(e, f)) {
        const Value*& slot = f[e.lhs->slot];
        return EvalTerm(*e.rhs, f, [&](const Value& v) {
          slot = &v;
          bool r = k();
          slot = nullptr;
          return r;
        });
      }
      return Unify(*e.lhs, *e.rhs, f, k);
    case ExprKind::kUnify:
      return Unify(*e.lhs, *e.rhs, f, k);
    case ExprKind::kSome:
      return k();
    case ExprKind::kSomeIn:
      return EvalSomeIn(e, f, k);
    case ExprKind::kEvery:
      return EvalEvery(e, f, k);
  }
  return true;
}

bool Evaluator::EvalSomeIn(const Expr& e, Slots f, Cont k) {
  return EvalTerm(*e.domain, f, [&](const Value& coll) {
    auto each = [&](const Value& key, const Value& val) -> bool {
      if (e.key) {
        return UnifyValue(*e.key, key, f, [&]() { return UnifyValue(*e.val, val, f, k); });
      }
      return UnifyValue(*e.val, val, f, k);
    };
    switch (coll.kind()) {
      case Value::Kind::kArray: {
        const ValueVector& items = coll.items();
        for (size_t i = 0; i < items.size(); ++i) {
          if (!each(Value::Int(static_cast<int64_t>(i)), items[i])) return false;
        }
        return true;
      }
      case Value::Kind::kSet:
        for (const Value& item : coll.items()) {
          if (!each(item, item)) return false;
        }
        return true;
      case Value::Kind::kObject:
        for (const auto& [key, val] : coll.entries()) {
          if (!each(key, val)) return false;
        }
        return true;
      default:
        return true;
    }
  });
}

bool Evaluator::EvalEvery(const Expr& e, Slots f, Cont k) {
  return EvalTerm(*e.domain, f, [&](const Value& coll) {
    bool all = true;
    auto each = [&](const Value& key, const Value& val) -> bool {
      bool found = false;
      auto body = [&]() {
        return EvalBody(*e.body, 0, f, [&]() {
          found = true;
          return false;
        });
      };
      if (e.key) {
        UnifyValue(*e.key, key, f, [&]() { return UnifyValue(*e.val, val, f, body); });
      } else {
        UnifyValue(*e.val, val, f, body);
      }
      if (!error_.ok()) return false;
      if (!found) all = false;
      return found;
    };
    switch (coll.kind()) {
      case Value::Kind::kArray: {
        const ValueVector& items = coll.items();
        for (size_t i = 0; i < items.size() && all; ++i) {
          if (!each(Value::Int(static_cast<int64_t>(i)), items[i])) break;
        }
        break;
      }
      case Value::Kind::kSet:
        for (const Value& item : coll.items()) {
          if (!each(item, item)) break;
        }
        break;
      case Value::Kind::kObject:
        for (const auto& [key, val] : coll.entries()) {
          if (!each(key, val)) break;
        }
        break;
      default:
        // Not a collection: `every` is undefined, as in OPA.
        return true;
    }
    if (!error_.ok()) return false;
    return all ? k() : true;
  });
}

uint8_t Evaluator::StrategiesUnder(bool data_replaced, bool functions_replaced) {
  uint8_t holds = kAllStrategies;
  if (data_replaced) holds &= ~(kConstantRefs | kSingleTerms);
  if (functions_replaced) holds &= ~kSingleTerms;
  return holds;
}

bool Evaluator::EvalWith(const Expr& e, Slots f, Cont k) {
  State inner;
  inner.input = st_.input;
  inner.data = st_.data;
  inner.data_replaced = st_.data_replaced;
  inner.masked = st_.masked;
  inner.mocks = st_.mocks;
  for (const With& w : e.withs) {
    if (w.kind == With::Kind::kFunction && (w.repl_builtin != nullptr || w.repl_function != nullptr)) {
      FunctionMock mock;
      mock.builtin = w.repl_builtin;
      mock.function = w.repl_function;
      inner.mocks[w.function] = mock;
      continue;
    }
    Value v;
    bool got = false;
    EvalTerm(*w.value, f, [&](const Value& x) {
      v = x;
      got = true;
      return false;
    });
    if (!error_.ok()) return false;
    if (!got) return true;
    switch (w.kind) {
      case With::Kind::kInput:
        inner.input = SetPath(inner.input, w.path, 0, v);
        break;
      case With::Kind::kData: {
        inner.data = SetPath(inner.data, w.path, 0, v);
        inner.data_replaced = true;
        const RuleNode* node = program_.root.get();
        for (const Value& p : w.path) {
          if (node == nullptr) break;
          auto it = node->children.find(p.str());
          node = it == node->children.end() ? nullptr : it->second.get();
          if (node != nullptr && node->has_rules()) break;
        }
        if (node != nullptr && node != program_.root.get()) inner.masked.push_back(node);
        break;
      }
      case With::Kind::kFunction: {
        FunctionMock mock;
        mock.value = v;
        inner.mocks[w.function] = mock;
        break;
      }
    }
  }
  inner.strategies = StrategiesUnder(inner.data_replaced, !inner.mocks.empty());
  inner.cache = RuleCache(st_.cache.size());
  std::swap(st_, inner);
  bool r = EvalExprNeg(e, f, [&]() {
    std::swap(st_, inner);
    bool r2 = k();
    std::swap(st_, inner);
    return r2;
  });
  std::swap(st_, inner);
  return r;
}

// ---------------------------------------------------------------- terms

bool Evaluator::EvalTerms(const std::vector<std::unique_ptr<Term>>& terms, size_t i,
                          ValueVector* acc, Slots f, Cont k) {
  if (i == terms.size()) return k();
  return EvalTerm(*terms[i], f, [&](const Value& v) {
    acc->push_back(v);
    bool r = EvalTerms(terms, i + 1, acc, f, k);
    acc->pop_back();
    return r;
  });
}

bool Evaluator::EvalTerm(const Term& t, Slots f, ValueCont k) {
  // Literals and bound variables, most of the terms evaluated, without the
  // set-up of the general case below.
  if (const Value* v = Immediate(t, f)) return k(*v);
  if (t.single) return EvalSingle(t, f, k);
  return EvalCompound(t, f, k);
}

bool Evaluator::SingleReady(const Term& t, const Slots f) const {
  if (!Holds(kSingleTerms)) return false;
  for (int s : t.single_slots) {
    if (f[s] == nullptr) return false;
  }
  return true;
}

bool Evaluator::EvalSingle(const Term& t, Slots f, ValueCont k) {
  if (!SingleReady(t, f)) return EvalCompound(t, f, k);
  Value tmp;
  const Value* v;
  if (!Direct(t, f, &tmp, &v)) return false;
  return v != nullptr ? k(*v) : true;
}

bool Evaluator::Direct(const Term& t, Slots f, Value* tmp, const Value** out) {
  if (const Value* v = Immediate(t, f)) {
    *out = v;
    return true;
  }
  switch (t.kind) {
    case TermKind::kVar:  // `input`: a local variable is bound, so Immediate
      *out = st_.input.defined() ? &st_.input : nullptr;
      return true;
    case TermKind::kRef:
      return DirectRef(t, f, tmp, out);
    case TermKind::kCall:
      return DirectCall(t, f, tmp, out);
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject: {
      ValueVector acc;
      acc.reserve(t.args.size());
      for (const TermPtr& a : t.args) {
        Value at;
        const Value* v;
        if (!Direct(*a, f, &at, &v)) return false;
        if (v == nullptr) {
          *out = nullptr;
          return true;
        }
        acc.push_back(*v);
      }
      *tmp = Collection(t.kind, std::move(acc));
      *out = tmp;
      return true;
    }
    default:  // not single
      *out = nullptr;
      return Fail(t, "rego_compile_error", "term evaluated directly is not single");
  }
}

bool Evaluator::DirectRef(const Term& ref, Slots f, Value* tmp, const Value** out) {
  const Term& head = *ref.args[0];
  const Value* v;
  size_t i = 1;
  if (head.kind == TermKind::kVar && head.binding == VarBinding::kData) {
    // Single: the operands resolved at compile time reach a rule.
    if (!RuleValue(ref.data_node, &v)) return false;
    i = 1 + ref.data_prefix;
  } else if (!Direct(head, f, tmp, &v)) {
    return false;
  }
  for (; v != nullptr && v->defined() && i < ref.args.size(); ++i) {
    const Term& op = *ref.args[i];
    if (const Value* key = Immediate(op, f)) {
      v = Child(*v, *key);
      continue;
    }
    Value key_tmp;
    const Value* key;
    if (!Direct(op, f, &key_tmp, &key)) return false;
    v = key != nullptr ? Child(*v, *key) : nullptr;
  }
  *out = v != nullptr && v->defined() ? v : nullptr;
  return true;
}

bool Evaluator::DirectCall(const Term& call, Slots f, Value* tmp, const Value** out) {
  if (call.inlined != nullptr) return Direct(*call.inlined, f, tmp, out);
  const Value* args[kMaxSingleOperands];
  return DirectArgs(call, 1, args, f, tmp, out);
}

bool Evaluator::DirectArgs(const Term& call, size_t i, const Value** args, Slots f, Value* tmp,
                           const Value** out) {
  // Most operands are literals and variables; each other one gets a Value to
  // hold what it computes, here, for as long as the call needs it.
  size_t end = call.args.size();
  for (; i < end; ++i) {
    if ((args[i - 1] = Immediate(*call.args[i], f)) == nullptr) break;
  }
  if (i < end) {
    Value held;
    if (!Direct(*call.args[i], f, &held, &args[i - 1])) return false;
    if (args[i - 1] == nullptr) {
      *out = nullptr;
      return true;
    }
    return DirectArgs(call, i + 1, args, f, tmp, out);
  }
  Operands operands(args, end - 1);
  bool ok = call.target == CallTarget::kBuiltin ? CallBuiltin(call, call.builtin, operands, tmp)
                                                : CallFunction(call.function, operands, tmp);
  if (!ok) return false;
  *out = tmp->defined() ? tmp : nullptr;
  return true;
}

bool Evaluator::EvalCompound(const Term& t, Slots f, ValueCont k) {
  switch (t.kind) {
    case TermKind::kScalar:
      return k(t.value);
    case TermKind::kVar:
      switch (t.binding) {
        case VarBinding::kLocal:
          if (f[t.slot] != nullptr) return k(*f[t.slot]);
          return Fail(t, "rego_unsafe_var_error", fmt::format("var {} is unsafe", t.name));
        case VarBinding::kInput:
          return st_.input.defined() ? k(st_.input) : true;
        case VarBinding::kData: {
          Value v;
          if (!Extent(program_.root.get(), st_.data, &v)) return false;
          return k(v);
        }
        default:
          return Fail(t, "rego_compile_error", fmt::format("unresolved var {}", t.name));
      }
    case TermKind::kRef:
      return EvalRef(t, f, k);
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject: {
      ValueVector acc;
      acc.reserve(t.args.size());
      return EvalTerms(t.args, 0, &acc, f, [&]() { return k(Collection(t.kind, acc)); });
    }
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
      return EvalCompr(t, f, k);
    case TermKind::kCall:
      return EvalCall(t, f, k);
  }
  return true;
}

bool Evaluator::EvalCompr(const Term& t, Slots f, ValueCont k) {
  if (t.kind == TermKind::kObjectCompr) {
    ObjectEntries entries;
    EvalBody(*t.body, 0, f, [&]() {
      return EvalTerm(*t.key, f, [&](const Value& key) {
        return EvalTerm(*t.head, f, [&](const Value& v) {
          entries.emplace_back(key, v);
          return true;
        });
      });
    });
    if (!error_.ok()) return false;
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    ObjectEntries unique;
    for (auto& e : entries) {
      if (!unique.empty() && unique.back().first == e.first) {
        if (unique.back().second != e.second) {
          return Fail(t, "eval_conflict_error", "object keys must be unique");
        }
        continue;
      }
      unique.push_back(std::move(e));
    }
    return k(Value::SortedObject(std::move(unique)));
  }
  ValueVector items;
  EvalBody(*t.body, 0, f, [&]() {
    return EvalTerm(*t.head, f, [&](const Value& v) {
      items.push_back(v);
      return true;
    });
  });
  if (!error_.ok()) return false;
  return k(t.kind == TermKind::kArrayCompr ? Value::Array(std::move(items))
                                           : Value::Set(std::move(items)));
}

// ---------------------------------------------------------------- unification

bool Evaluator::IsPattern(const Term& t, const Slots f) const {
  if (t.ground) return false;
  switch (t.kind) {
    case TermKind::kVar:
      return t.binding == VarBinding::kLocal && f[t.slot] == nullptr;
    case TermKind::kArray:
      for (const TermPtr& a : t.args) {
        if (IsPattern(*a, f)) return true;
      }
      return false;
    case TermKind::kObject:
      for (size_t i = 1; i < t.args.size(); i += 2) {
        if (IsPattern(*t.args[i], f)) return true;
      }
      return false;
    default:
      return false;
  }
}

bool Evaluator::UnifyPairs(const Term& a, const Term& b, size_t i, Slots f, Cont k) {
  if (i == a.args.size()) return k();
  return Unify(*a.args[i], *b.args[i], f, [&]() { return UnifyPairs(a, b, i + 1, f, k); });
}

bool Evaluator::UnifyObjectPairs(const Term& a, const Term& b, size_t i, Slots f, Cont k) {
  if (2 * i >= a.args.size()) return k();
  return EvalTerm(*a.args[2 * i], f, [&](const Value& key) {
    for (size_t j = 0; 2 * j < b.args.size(); ++j) {
      bool same = false;
      EvalTerm(*b.args[2 * j], f, [&](const Value& other) {
        same = other == key;
        return false;
      });
      if (!error_.ok()) return false;
      if (!same) continue;
      return Unify(*a.args[2 * i + 1], *b.args[2 * j + 1], f,
                   [&]() { return UnifyObjectPairs(a, b, i + 1, f, k); });
    }
    return true;  // a key b lacks: the objects differ
  });
}

bool Evaluator::Unify(const Term& a, const Term& b, Slots f, Cont k) {
  bool pa = IsPattern(a, f);
  bool pb = IsPattern(b, f);
  if (pa && pb) {
    if (a.kind == TermKind::kArray && b.kind == TermKind::kArray) {
      if (a.args.size() != b.args.size()) return true;
      return UnifyPairs(a, b, 0, f, k);
    }
    if (a.kind == TermKind::kObject && b.kind == TermKind::kObject) {
      if (a.args.size() != b.args.size()) return true;
      return UnifyObjectPairs(a, b, 0, f, k);
    }
    // An array and an object never unify; a variable with nothing to take
    // its value from is unsafe.
    if (a.kind != TermKind::kVar && b.kind != TermKind::kVar) return true;
    const Term& var = a.kind == TermKind::kVar ? a : b;
    return Fail(var, "rego_unsafe_var_error",
                fmt::format("var {} is unsafe", var.kind == TermKind::kVar ? var.name : "_"));
  }
  if (pa) return EvalTerm(b, f, [&](const Value& v) { return UnifyValue(a, v, f, k); });
  return EvalTerm(a, f, [&](const Value& v) { return UnifyValue(b, v, f, k); });
}

bool Evaluator::UnifyValue(const Term& t, const Value& v, Slots f, Cont k) {
  if (t.ground) return t.value == v ? k() : true;
  switch (t.kind) {
    case TermKind::kVar:
      if (t.binding == VarBinding::kLocal) {
        const Value*& slot = f[t.slot];
        if (slot != nullptr) return *slot == v ? k() : true;
        slot = &v;
        bool r = k();
        f[t.slot] = nullptr;
        return r;
      }
      break;
    case TermKind::kArray:
      if (!v.is_array() || v.items().size() != t.args.size()) return true;
      return UnifyArray(t, v, 0, f, k);
    case TermKind::kObject:
      if (!v.is_object() || v.entries().size() * 2 != t.args.size()) return true;
      return UnifyObject(t, v, 0, f, k);
    default:
      break;
  }
  return EvalTerm(t, f, [&](const Value& x) { return x == v ? k() : true; });
}

bool Evaluator::UnifyArray(const Term& t, const Value& v, size_t i, Slots f, Cont k) {
  if (i == t.args.size()) return k();
  return UnifyValue(*t.args[i], v.items()[i], f, [&]() { return UnifyArray(t, v, i + 1, f, k); });
}

bool Evaluator::UnifyObject(const Term& t, const Value& v, size_t i, Slots f, Cont k) {
  if (2 * i >= t.args.size()) return k();
  return EvalTerm(*t.args[2 * i], f, [&](const Value& key) {
    const Value* e = v.Find(key);
    if (e == nullptr) return true;
    return UnifyValue(*t.args[2 * i + 1], *e, f, [&]() { return UnifyObject(t, v, i + 1, f, k); });
  });
}

// ---------------------------------------------------------------- references

bool Evaluator::EvalRef(const Term& ref, Slots f, ValueCont k) {
  const Term& head = *ref.args[0];
  if (head.kind == TermKind::kVar) {
    switch (head.binding) {
      case VarBinding::kData:
        if (ref.data_node != nullptr && Holds(kConstantRefs)) {
          return EvalDataNode(ref.data_node, ref.data_base, ref, 1 + ref.data_prefix, f, k);
        }
        return EvalDataNode(program_.root.get(), st_.data, ref, 1, f, k);
      case VarBinding::kInput:
        return st_.input.defined() ? EvalOps(st_.input, ref, 1, f, k) : true;
      case VarBinding::kLocal:
        if (f[head.slot] == nullptr) {
          return Fail(head, "rego_unsafe_var_error", fmt::format("var {} is unsafe", head.name));
        }
        return EvalOps(*f[head.slot], ref, 1, f, k);
      default:
        return Fail(head, "rego_compile_error", fmt::format("unresolved var {}", head.name));
    }
  }
  return EvalTerm(head, f, [&](const Value& v) { return EvalOps(v, ref, 1, f, k); });
}

bool Evaluator::EvalOps(const Value& v, const Term& ref, size_t i, Slots f, ValueCont k) {
  if (i == ref.args.size()) return k(v);
  const Term& op = *ref.args[i];
  if (const Value* key = Immediate(op, f)) {
    const Value* c = Child(v, *key);
    return c != nullptr ? EvalOps(*c, ref, i + 1, f, k) : true;
  }
  if (IsPattern(op, f)) {
    switch (v.kind()) {
      case Value::Kind::kArray: {
        const ValueVector& items = v.items();
        for (size_t j = 0; j < items.size(); ++j) {
          bool r = UnifyValue(op, Value::Int(static_cast<int64_t>(j)), f,
                              [&]() { return EvalOps(items[j], ref, i + 1, f, k); });
          if (!r) return false;
        }
        return true;
      }
      case Value::Kind::kObject:
        for (const auto& entry : v.entries()) {
          const Value& val = entry.second;
          bool r = UnifyValue(op, entry.first, f, [&]() { return EvalOps(val, ref, i + 1, f, k); });
          if (!r) return false;
        }
        return true;
      case Value::Kind::kSet:
        for (const Value& item : v.items()) {
          bool r = UnifyValue(op, item, f, [&]() { return EvalOps(item, ref, i + 1, f, k); });
          if (!r) return false;
        }
        return true;
      default:
        return true;
    }
  }
  return EvalTerm(op, f, [&](const Value& key) {
    const Value* c = Child(v, key);
    return c != nullptr ? EvalOps(*c, ref, i + 1, f, k) : true;
  });
}

bool Evaluator::IsMasked(const RuleNode* node) const {
  for (const RuleNode* m : st_.masked) {
    if (m == node) return true;
  }
  return false;
}

bool Evaluator::EvalDataNode(const RuleNode* node, const Value& base, const Term& ref, size_t i,
                             Slots f, ValueCont k) {
  if (node != nullptr && !st_.masked.empty() && IsMasked(node)) node = nullptr;
  if (node != nullptr && node->has_rules()) {
    const Value* v;
    if (!RuleValue(node, &v)) return false;
    if (!v->defined()) return true;
    return EvalOps(*v, ref, i, f, k);
  }
  if (i == ref.args.size()) {
    Value v;
    if (!Extent(node, base, &v)) return false;
    return v.defined() ? k(v) : true;
  }
  const Term& op = *ref.args[i];
  if (node == nullptr) {
    if (!base.defined()) return true;
    const Value* key = Immediate(op, f);
    if (key == nullptr || !key->is_number() || !base.is_object()) {
      return EvalOps(base, ref, i, f, k);
    }
    const Value* c = BaseChild(base, *key);
    return c != nullptr ? EvalDataNode(nullptr, *c, ref, i + 1, f, k) : true;
  }
  auto step = [&](const Value& key) -> bool {
    if (key.is_string()) {
      auto it = node->children.find(key.str());
      const Value* b = base.FindString(key.str());
      if (it == node->children.end() && b == nullptr) return true;
      return EvalDataNode(it == node->children.end() ? nullptr : it->second.get(),
                          b != nullptr ? *b : Value(), ref, i + 1, f, k);
    }
    const Value* c = base.defined() ? BaseChild(base, key) : nullptr;
    return c != nullptr ? EvalDataNode(nullptr, *c, ref, i + 1, f, k) : true;
  };
  if (const Value* key = Immediate(op, f)) return step(*key);
  if (IsPattern(op, f)) {
    ValueVector keys;
    for (const auto& [name, child] : node->children) keys.push_back(Value::String(name));
    if (base.is_object()) {
      for (const auto& [key, val] : base.entries()) keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const Value& key : keys) {
      if (!UnifyValue(op, key, f, [&]() { return step(key); })) return false;
    }
    return true;
  }
  return EvalTerm(op, f, step);
}

bool Evaluator::Extent(const RuleNode* node, const Value& base, Value* out) {
  if (node != nullptr && !st_.masked.empty() && IsMasked(node)) node = nullptr;
  if (node == nullptr) {
    *out = base;
    return true;
  }
  if (node->has_rules()) {
    const Value* v;
    if (!RuleValue(node, &v)) return false;
    *out = *v;
    return true;
  }
  ObjectEntries entries;
  if (base.is_object()) entries = base.entries();
  for (const auto& [name, child] : node->children) {
    const Value* b = base.FindString(name);
    Value v;
    if (!Extent(child.get(), b != nullptr ? *b : Value(), &v)) return false;
    if (!v.defined()) continue;
    entries.emplace_back(Value::String(name), std::move(v));
  }
  *out = Value::Object(std::move(entries));
  return true;
}

// ---------------------------------------------------------------- rules

bool Evaluator::RuleValue(const RuleNode* node, const Value** out) {
  size_t id = static_cast<size_t>(node->id);
  uint8_t state = st_.cache.state(id);
  if (state == 2) {
    *out = &st_.cache.value(id);
    return true;
  }
  if (state == 1) {
    const Rule* r = !node->rules.empty() ? node->rules[0] : node->default_rule;
    return FailAt(r->file, r->loc, "rego_recursion_error",
                  fmt::format("rule {} is recursive", node->path_text));
  }
  st_.cache.state(id) = 1;
  Value v;
  if (!ComputeRuleValue(node, &v)) return false;
  // A `with` inside the rule may have swapped the cache; index it afresh.
  st_.cache.state(id) = 2;
  st_.cache.value(id) = std::move(v);
  *out = &st_.cache.value(id);
  return true;
}

bool Evaluator::EvalRuleChain(const Rule& rule, Slots f, bool* produced, Value* result,
                              const RuleNode* node, bool function) {
  const std::string* saved = file_;
  file_ = rule.file;
  bool any = false;
  auto record = [&](const Value& v) -> bool {
    any = true;
    if (!result->defined()) {
      *result = v;
      return true;
    }
    if (*result != v) {
      return FailAt(rule.file, rule.loc, "eval_conflict_error",
                    // The rule named, then the language rule it broke, in
                    // OPA's words for topdown.
                    function ? fmt::format("function {} produced conflicting values for the same "
                                           "inputs (functions must not produce multiple outputs "
                                           "for same inputs)",
                                           node->path_text)
                             : fmt::format("rule {} produced conflicting values (complete rules "
                                           "must not produce multiple outputs)",
                                           node->path_text));
    }
    return true;
  };
  if (rule.body.empty() && rule.value != nullptr) {
    EvalTerm(*rule.value, f, record);
  } else {
    EvalBody(rule.body, 0, f, [&]() {
      if (rule.value == nullptr) return record(Value::True());
      return EvalTerm(*rule.value, f, record);
    });
  }
  file_ = saved;
  if (!error_.ok()) return false;
  if (!any && rule.else_rule != nullptr) {
    return EvalRuleChain(*rule.else_rule, f, produced, result, node, function);
  }
  *produced = *produced || any;
  return true;
}

namespace {

// Nested object built by multi-key rules such as p[x][y] := z.
struct ObjectTree {
  Value leaf;
  std::map<Value, ObjectTree> kids;

  Value ToValue() const {
    if (leaf.defined()) return leaf;
    ObjectEntries entries;
    entries.reserve(kids.size());
    for (const auto& [k, v] : kids) entries.emplace_back(k, v.ToValue());
    return Value::SortedObject(std::move(entries));
  }
};

}  // namespace

bool Evaluator::ComputeRuleValue(const RuleNode* node, Value* out) {
  switch (node->kind) {
    case RuleKind::kFunction:
      *out = Value();
      return true;
    case RuleKind::kComplete: {
      Value result;
      for (const Rule* r : node->rules) {
        Frame frame(static_cast<size_t>(r->num_slots));
        bool produced = false;
        if (!EvalRuleChain(*r, frame.data(), &produced, &result, node, false)) return false;
      }
      if (!result.defined() && node->default_rule != nullptr) {
        const Rule* d = node->default_rule;
        Frame frame(static_cast<size_t>(d->num_slots) + 1);
        const std::string* saved = file_;
        file_ = d->file;
        EvalTerm(*d->value, frame.data(), [&](const Value& v) {
          result = v;
          return false;
        });
        file_ = saved;
        if (!error_.ok()) return false;
      }
      *out = std::move(result);
      return true;
    }
    case RuleKind::kSet: {
      ValueVector items;
      for (const Rule* r : node->rules) {
        Frame frame(static_cast<size_t>(r->num_slots));
        Slots f = frame.data();
        const std::string* saved = file_;
        file_ = r->file;
        EvalBody(r->body, 0, f, [&]() {
          return EvalTerm(*r->key, f, [&](const Value& v) {
            items.push_back(v);
            return true;
          });
        });
        file_ = saved;
        if (!error_.ok()) return false;
      }
      *out = Value::Set(std::move(items));
      return true;
    }
    case RuleKind::kObject: {
      ObjectTree tree;
      for (const Rule* r : node->rules) {
        Frame frame(static_cast<size_t>(r->num_slots));
        Slots f = frame.data();
        const std::string* saved = file_;
        file_ = r->file;
        std::vector<Value> keys;
        EvalBody(r->body, 0, f, [&]() {
          // Evaluate each key term in turn, then the value.
          std::function<bool(size_t)> next = [&](size_t i) -> bool {
            if (i == r->key_terms.size()) {
              auto insert = [&](const Value& v) -> bool {
                ObjectTree* t = &tree;
                for (size_t j = 0; j < keys.size(); ++j) {
                  if (t->leaf.defined()) {
                    return FailAt(r->file, r->loc, "eval_conflict_error",
                                  fmt::format("rule {} produced conflicting values",
                                              node->path_text));
                  }
                  t = &t->kids[keys[j]];
                }
                if (t->leaf.defined() && t->leaf != v) {
                  return FailAt(r->file, r->loc, "eval_conflict_error",
                                keys.size() == 1 ? std::string("object keys must be unique")
                                                 : fmt::format("rule {} produced conflicting values",
                                                               node->path_text));
                }
                if (!t->kids.empty()) {
                  return FailAt(r->file, r->loc, "eval_conflict_error",
                                fmt::format("rule {} produced conflicting values", node->path_text));
                }
                t->leaf = v;
                return true;
              };
              if (r->value == nullptr) return insert(Value::True());
              return EvalTerm(*r->value, f, insert);
            }
            return EvalTerm(*r->key_terms[i], f, [&](const Value& key) {
              keys.push_back(key);
              bool res = next(i + 1);
              keys.pop_back();
              return res;
            });
          };
          return next(0);
        });
        file_ = saved;
        if (!error_.ok()) return false;
      }
      // Rules below the object's path (p.foo := 1 beside p[k] := v) define
      // its keys too.
      for (const auto& [name, child] : node->children) {
        Value v;
        if (!Extent(child.get(), Value(), &v)) return false;
        if (!v.defined() || (!child->has_rules() && v.is_object() && v.size() == 0)) continue;
        auto [it, added] = tree.kids.try_emplace(Value::String(name));
        if (!added && it->second.ToValue() != v) {
          const Rule* r = !child->rules.empty() ? child->rules[0] : node->rules[0];
          return FailAt(r->file, r->loc, "eval_conflict_error", "object keys must be unique");
        }
        it->second.leaf = std::move(v);
      }
      *out = tree.ToValue();
      return true;
    }
  }
  return true;
}

// ---------------------------------------------------------------- calls

bool Evaluator::EvalArgs(const Term& call, size_t end, size_t i, const Value** acc, Slots f,
                         Cont k) {
  // Literal and bound-variable operands, the usual kind, are taken in a loop;
  // only one that needs evaluating costs a continuation.
  for (; i < end; ++i) {
    const Value* v = Immediate(*call.args[i], f);
    if (v == nullptr) break;
    acc[i - 1] = v;
  }
  if (i == end) return k();
  return EvalTerm(*call.args[i], f, [&](const Value& v) {
    acc[i - 1] = &v;  // lives until this continuation returns, past the call
    return EvalArgs(call, end, i + 1, acc, f, k);
  });
}

bool Evaluator::EvalCall(const Term& call, Slots f, ValueCont k) {
  size_t given = call.args.size() - 1;
  constexpr size_t kInline = 8;
  size_t arity;
  if (call.target == CallTarget::kBuiltin) {
    arity = call.builtin->arity < 0 ? given : static_cast<size_t>(call.builtin->arity);
  } else {
    const Rule* r = !call.function->rules.empty() ? call.function->rules[0]
                                                  : call.function->default_rule;
    arity = r->params.size();
  }
  bool has_out = given == arity + 1;
  // Operands are addresses of the values the continuations hold: nothing is
  // copied (copies and their reference counts were 4% of an evaluation).
  const Value* inline_args[kInline];
  std::vector<const Value*> heap_args;
  const Value** args = inline_args;
  if (arity > kInline) {
    heap_args.resize(arity);
    args = heap_args.data();
  }
  return EvalArgs(call, 1 + arity, 1, args, f, [&]() {
    Value result;
    if (!Invoke(call, call.builtin, call.function, Operands(args, arity), &result)) return false;
    if (!result.defined()) return true;
    if (call.target == CallTarget::kBuiltin && IsRelation(*call.builtin) &&
        st_.mocks.find(call.call_name) == st_.mocks.end()) {
      // One value per solution of the relation, each unified with the output.
      for (const Value& v : result.items()) {
        bool r = has_out ? UnifyValue(*call.args.back(), v, f, [&]() { return k(Value::True()); })
                         : k(v);
        if (!r) return false;
      }
      return true;
    }
    if (has_out) {
      return UnifyValue(*call.args.back(), result, f, [&]() { return k(Value::True()); });
    }
    return k(result);
  });
}

bool Evaluator::Invoke(const Term& call, const Builtin* builtin, const RuleNode* function,
                       Operands args, Value* out) {
  if (!st_.mocks.empty()) {
    auto it = st_.mocks.find(call.call_name);
    if (it != st_.mocks.end()) {
      const FunctionMock& mock = it->second;
      if (mock.builtin == nullptr && mock.function == nullptr) {
        *out = mock.value;
        return true;
      }
      // The replacement runs with no function replaced, as in OPA: `f with
      // f as g` must not loop, and a `with` replacing what g calls is not
      // applied inside g either.
      std::unordered_map<std::string, FunctionMock> mocks;
      mocks.swap(st_.mocks);
      const uint8_t strategies = st_.strategies;
      st_.strategies = StrategiesUnder(st_.data_replaced, false);
      const FunctionMock& replacement = mocks.find(call.call_name)->second;
      bool r = replacement.builtin != nullptr
                   ? CallBuiltin(call, replacement.builtin, args, out)
                   : CallFunction(replacement.function, args, out);
      st_.strategies = strategies;
      st_.mocks.swap(mocks);
      return r;
    }
  }
  if (builtin != nullptr) return CallBuiltin(call, builtin, args, out);
  return CallFunction(function, args, out);
}

bool Evaluator::CallBuiltin(const Term& call, const Builtin* builtin, Operands args, Value* out) {
  struct Messages {
    explicit Messages(bool wanted) { builtin_error_messages = wanted; }
    ~Messages() { builtin_error_messages = true; }
  } messages(options_.strict_builtin_errors);
  Status s = builtin->fn(builtin_ctx_, args, out);
  if (s.ok()) {
    Produced(*out);
    return true;
  }
  *out = Value();
  if (options_.strict_builtin_errors || builtin_ctx_.abort_evaluation) return FailStatus(call, s);
  return true;
}

bool Evaluator::BindParams(const Rule& rule, Operands args, size_t i, Slots f, Cont k) {
  if (i == rule.params.size()) return k();
  return UnifyValue(*rule.params[i], args[i], f,
                    [&]() { return BindParams(rule, args, i + 1, f, k); });
}

bool Evaluator::BindPlainParams(const Rule& rule, Operands args, Slots f) {
  size_t i = 0;
  for (; i < rule.params.size(); ++i) {
    const Term& p = *rule.params[i];
    if (p.kind != TermKind::kVar || p.binding != VarBinding::kLocal || f[p.slot] != nullptr) break;
    f[p.slot] = &args[i];
  }
  if (i == rule.params.size()) return true;
  while (i-- > 0) f[rule.params[i]->slot] = nullptr;
  return false;
}

bool Evaluator::CallFunction(const RuleNode* fn, Operands args, Value* out) {
  if (depth_ >= kMaxCallDepth) {
    const Rule* r = !fn->rules.empty() ? fn->rules[0] : fn->default_rule;
    return FailAt(r->file, r->loc, "rego_recursion_error",
                  fmt::format("function {} is recursive or nested too deeply", fn->path_text));
  }
  ++depth_;
  Value result;
  for (const Rule* r : fn->rules) {
    Frame frame(static_cast<size_t>(r->num_slots));
    Slots f = frame.data();
    bool produced = false;
    if (BindPlainParams(*r, args, f)) {
      EvalRuleChain(*r, f, &produced, &result, fn, true);
    } else {
      BindParams(*r, args, 0, f, [&]() {
        return EvalRuleChain(*r, f, &produced, &result, fn, true);
      });
    }
    if (!error_.ok()) {
      --depth_;
      return false;
    }
  }
  if (!result.defined() && fn->default_rule != nullptr) {
    const Rule* d = fn->default_rule;
    Frame frame(static_cast<size_t>(d->num_slots) + 1);
    EvalTerm(*d->value, frame.data(), [&](const Value& v) {
      result = v;
      return false;
    });
  }
  --depth_;
  if (!error_.ok()) return false;
  *out = std::move(result);
  return true;
}

}  // namespace governance::rego
