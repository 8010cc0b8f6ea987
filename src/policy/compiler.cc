#include "policy/compiler.h"

#include <functional>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "policy/builtins.h"
#include "policy/constant_refs.h"
#include "policy/inline_functions.h"
#include "policy/metadata.h"
#include "policy/single_terms.h"

namespace governance::rego {

const RuleNode* Program::FindNode(const std::vector<std::string>& path) const {
  const RuleNode* node = root.get();
  for (const std::string& p : path) {
    auto it = node->children.find(p);
    if (it == node->children.end()) return nullptr;
    node = it->second.get();
  }
  return node;
}

namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += '.';
    out += p;
  }
  return out;
}

Status CompileError(const std::string& file, Location loc, std::string_view code,
                    std::string_view what) {
  return InvalidArgumentError(fmt::format("{}:{}: {}: {}", file, loc.row, code, what));
}

bool IsStringScalar(const Term& t) { return t.kind == TermKind::kScalar && t.value.is_string(); }

TermPtr NewVar(const std::string& name, VarBinding binding, Location loc) {
  auto t = std::make_unique<Term>();
  t->kind = TermKind::kVar;
  t->name = name;
  t->binding = binding;
  t->loc = loc;
  return t;
}

TermPtr NewString(const std::string& s, Location loc) {
  auto t = std::make_unique<Term>();
  t->kind = TermKind::kScalar;
  t->value = Value::String(s);
  t->ground = true;
  t->loc = loc;
  return t;
}

// A data or input reference to `path` ({"data", "a", "b"}).
TermPtr NewPathRef(const std::vector<std::string>& path, Location loc) {
  auto ref = std::make_unique<Term>();
  ref->kind = TermKind::kRef;
  ref->loc = loc;
  ref->args.push_back(
      NewVar(path[0], path[0] == "input" ? VarBinding::kInput : VarBinding::kData, loc));
  for (size_t i = 1; i < path.size(); ++i) ref->args.push_back(NewString(path[i], loc));
  return ref;
}

struct Scope {
  Scope* parent = nullptr;
  std::unordered_map<std::string, int> vars;
  std::vector<std::string> order;  // declaration order, for query outputs
};

class RuleCompiler {
 public:
  RuleCompiler(Program* program, const Module* module, const std::set<std::string>* rule_names)
      : program_(program), module_(module), rule_names_(rule_names) {
    file_ = module != nullptr ? module->file : std::string("query");
  }

  Status CompileRule(Rule* rule);
  Status CompileQueryBody(Body* body, Scope* scope) { return CompileBody(body, scope); }
  int num_slots() const { return next_slot_; }
  void set_file(std::string file) { file_ = std::move(file); }

 private:
  int NewSlot() { return next_slot_++; }
  static int Find(const Scope* s, const std::string& name) {
    for (; s != nullptr; s = s->parent) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) return it->second;
    }
    return -1;
  }
  static void Declare(Scope* s, const std::string& name, int slot) {
    if (s->vars.find(name) == s->vars.end()) s->order.push_back(name);
    s->vars[name] = slot;
  }
  const Import* FindImport(const std::string& name) const {
    if (module_ == nullptr) return nullptr;
    for (const Import& imp : module_->imports) {
      if (imp.alias == name && (imp.path[0] == "data" || imp.path[0] == "input")) return &imp;
    }
    return nullptr;
  }
  bool IsRuleName(const std::string& name) const {
    return rule_names_ != nullptr && rule_names_->count(name) > 0;
  }
  bool IsGlobal(const std::string& name) const {
    return name == "input" || name == "data" || FindImport(name) != nullptr || IsRuleName(name);
  }

  Status CompileBody(Body* body, Scope* scope);
  Status CompileExpr(Expr* e, Scope* scope);
  Status CompileTerm(TermPtr* tp, Scope* scope);
  Status CompileVar(TermPtr* tp, Scope* scope);
  Status CompileCall(Term* t, Scope* scope);
  Status CompileWith(With* w, Scope* scope);
  // Resolves a callee (var or ref of names) to a builtin or function.
  Status ResolveCallable(const Term& callee, Scope* scope, const Builtin** builtin,
                         const RuleNode** function, std::string* name, bool* found);
  void DeclarePatternVars(Term* t, Scope* scope);
  void CollectTermVars(const Term& t, std::vector<std::string>* out) const;
  void CollectExprVars(const Expr& e, std::vector<std::string>* out) const;
  void ResolveDataPrefix(Term* ref) const;
  void FoldGround(Term* t) const;

  Program* program_;
  const Module* module_;
  const std::set<std::string>* rule_names_;
  std::string file_;
  int next_slot_ = 0;
};

void RuleCompiler::CollectTermVars(const Term& t, std::vector<std::string>* out) const {
  switch (t.kind) {
    case TermKind::kVar:
      if (t.name != "_") out->push_back(t.name);
      return;
    case TermKind::kCall:
      for (size_t i = 1; i < t.args.size(); ++i) CollectTermVars(*t.args[i], out);
      return;
    case TermKind::kRef:
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (const TermPtr& a : t.args) CollectTermVars(*a, out);
      return;
    default:
      return;
  }
}

void RuleCompiler::CollectExprVars(const Expr& e, std::vector<std::string>* out) const {
  switch (e.kind) {
    case ExprKind::kTerm:
    case ExprKind::kUnify:
      if (e.lhs) CollectTermVars(*e.lhs, out);
      if (e.rhs) CollectTermVars(*e.rhs, out);
      break;
    case ExprKind::kAssign:
      if (e.rhs) CollectTermVars(*e.rhs, out);
      break;
    case ExprKind::kSomeIn:
    case ExprKind::kEvery:
      CollectTermVars(*e.domain, out);
      break;
    case ExprKind::kSome:
      break;
  }
  // A bare name as a `with` value is a function, a global or an already
  // bound local; it never introduces a variable.
  for (const With& w : e.withs) {
    if (w.value->kind != TermKind::kVar) CollectTermVars(*w.value, out);
  }
}

Status RuleCompiler::CompileBody(Body* body, Scope* scope) {
  std::vector<std::string> used;
  for (const auto& e : *body) CollectExprVars(*e, &used);
  for (const std::string& name : used) {
    if (Find(scope, name) < 0 && !IsGlobal(name)) Declare(scope, name, NewSlot());
  }
  for (auto& e : *body) GOV_RETURN_IF_ERROR(CompileExpr(e.get(), scope));
  return Status::Ok();
}

void RuleCompiler::DeclarePatternVars(Term* t, Scope* scope) {
  switch (t->kind) {
    case TermKind::kVar:
      if (t->name != "_") Declare(scope, t->name, NewSlot());
      return;
    case TermKind::kArray:
      for (TermPtr& a : t->args) DeclarePatternVars(a.get(), scope);
      return;
    case TermKind::kObject:
      for (size_t i = 1; i < t->args.size(); i += 2) DeclarePatternVars(t->args[i].get(), scope);
      return;
    default:
      return;
  }
}

Status RuleCompiler::CompileExpr(Expr* e, Scope* scope) {
  for (With& w : e->withs) GOV_RETURN_IF_ERROR(CompileWith(&w, scope));
  switch (e->kind) {
    case ExprKind::kTerm:
      return CompileTerm(&e->lhs, scope);
    case ExprKind::kUnify:
      GOV_RETURN_IF_ERROR(CompileTerm(&e->lhs, scope));
      return CompileTerm(&e->rhs, scope);
    case ExprKind::kAssign:
      GOV_RETURN_IF_ERROR(CompileTerm(&e->rhs, scope));
      if (e->lhs->kind != TermKind::kVar && e->lhs->kind != TermKind::kArray &&
          e->lhs->kind != TermKind::kObject) {
        return CompileError(file_, e->loc, "rego_parse_error",
                            "cannot assign to " + std::string(e->lhs->kind == TermKind::kRef
                                                                  ? "ref"
                                                                  : "non-variable"));
      }
      DeclarePatternVars(e->lhs.get(), scope);
      return CompileTerm(&e->lhs, scope);
    case ExprKind::kSome:
      for (const std::string& n : e->names) Declare(scope, n, NewSlot());
      return Status::Ok();
    case ExprKind::kSomeIn:
      GOV_RETURN_IF_ERROR(CompileTerm(&e->domain, scope));
      if (e->key) DeclarePatternVars(e->key.get(), scope);
      DeclarePatternVars(e->val.get(), scope);
      if (e->key) GOV_RETURN_IF_ERROR(CompileTerm(&e->key, scope));
      return CompileTerm(&e->val, scope);
    case ExprKind::kEvery: {
      GOV_RETURN_IF_ERROR(CompileTerm(&e->domain, scope));
      auto child = std::make_unique<Scope>();
      child->parent = scope;
      if (e->key) DeclarePatternVars(e->key.get(), child.get());
      DeclarePatternVars(e->val.get(), child.get());
      if (e->key) GOV_RETURN_IF_ERROR(CompileTerm(&e->key, child.get()));
      GOV_RETURN_IF_ERROR(CompileTerm(&e->val, child.get()));
      return CompileBody(e->body.get(), child.get());
    }
  }
  return Status::Ok();
}

Status RuleCompiler::CompileWith(With* w, Scope* scope) {
  Term& target = *w->target;
  std::vector<std::string> names;
  bool is_path = target.kind == TermKind::kVar;
  if (target.kind == TermKind::kVar) {
    names.push_back(target.name);
  } else if (target.kind == TermKind::kRef && target.args[0]->kind == TermKind::kVar) {
    names.push_back(target.args[0]->name);
    is_path = true;
    for (size_t i = 1; i < target.args.size(); ++i) {
      if (!IsStringScalar(*target.args[i])) {
        is_path = false;
        break;
      }
      names.push_back(target.args[i]->value.str());
    }
  }
  if (!is_path) {
    return CompileError(file_, w->loc, "rego_type_error",
                        "with keyword target must reference existing input, data, or a function");
  }
  const Builtin* builtin = nullptr;
  const RuleNode* function = nullptr;
  std::string name;
  bool found = false;
  if (names[0] != "input") {
    // A function may be named by its full path too (with data.p.f as g).
    GOV_RETURN_IF_ERROR(ResolveCallable(target, scope, &builtin, &function, &name, &found));
  }
  if (found) {
    w->kind = With::Kind::kFunction;
    w->function = name;
  } else if (names[0] == "input" || names[0] == "data") {
    w->kind = names[0] == "input" ? With::Kind::kInput : With::Kind::kData;
    for (size_t i = 1; i < names.size(); ++i) w->path.push_back(Value::String(names[i]));
  } else if (IsRuleName(names[0]) || FindImport(names[0]) != nullptr) {
    // A package-relative or imported reference to a (non-function) rule.
    std::vector<std::string> path;
    if (const Import* imp = FindImport(names[0])) {
      path = imp->path;
    } else {
      path.push_back("data");
      for (const std::string& p : module_->package) path.push_back(p);
      path.push_back(names[0]);
    }
    for (size_t i = 1; i < names.size(); ++i) path.push_back(names[i]);
    w->kind = path[0] == "input" ? With::Kind::kInput : With::Kind::kData;
    for (size_t i = 1; i < path.size(); ++i) w->path.push_back(Value::String(path[i]));
  } else {
    return CompileError(file_, w->loc, "rego_compile_error",
                        fmt::format("with keyword target `{}` is not input, data or a known "
                                    "function",
                                    Join(names)));
  }
  // A function may be replaced by another function rather than a value.
  if (w->kind == With::Kind::kFunction &&
      (w->value->kind == TermKind::kVar || w->value->kind == TermKind::kRef)) {
    const Term& v = *w->value;
    bool local = v.kind == TermKind::kVar ? Find(scope, v.name) >= 0
                                          : (v.args[0]->kind == TermKind::kVar &&
                                             Find(scope, v.args[0]->name) >= 0);
    if (!local) {
      std::string replacement;
      bool callable = false;
      GOV_RETURN_IF_ERROR(ResolveCallable(v, scope, &w->repl_builtin, &w->repl_function,
                                          &replacement, &callable));
      if (callable) return Status::Ok();
    }
  }
  return CompileTerm(&w->value, scope);
}

Status RuleCompiler::ResolveCallable(const Term& callee, Scope* scope, const Builtin** builtin,
                                     const RuleNode** function, std::string* name,
                                     bool* found) {
  *found = false;
  std::vector<std::string> parts;
  if (callee.kind == TermKind::kVar) {
    parts.push_back(callee.name);
  } else if (callee.kind == TermKind::kRef && callee.args[0]->kind == TermKind::kVar) {
    parts.push_back(callee.args[0]->name);
    for (size_t i = 1; i < callee.args.size(); ++i) {
      if (!IsStringScalar(*callee.args[i])) return Status::Ok();
      parts.push_back(callee.args[i]->value.str());
    }
  } else {
    return Status::Ok();
  }
  if (Find(scope, parts[0]) >= 0) return Status::Ok();
  std::vector<std::string> path;
  bool is_data = false;
  if (parts[0] == "data") {
    is_data = true;
    path.assign(parts.begin() + 1, parts.end());
  } else if (const Import* imp = FindImport(parts[0])) {
    if (imp->path[0] != "data") return Status::Ok();
    is_data = true;
    path.assign(imp->path.begin() + 1, imp->path.end());
    path.insert(path.end(), parts.begin() + 1, parts.end());
  } else if (IsRuleName(parts[0])) {
    is_data = true;
    path = module_->package;
    path.insert(path.end(), parts.begin(), parts.end());
  }
  if (is_data) {
    const RuleNode* node = program_->FindNode(path);
    if (node != nullptr && node->kind == RuleKind::kFunction && node->has_rules()) {
      *function = node;
      *name = node->path_text;
      *found = true;
      return Status::Ok();
    }
    if (parts[0] == "data" || FindImport(parts[0]) != nullptr) return Status::Ok();
  }
  const Builtin* b = LookupBuiltin(Join(parts));
  if (b != nullptr) {
    *builtin = b;
    *name = std::string(b->name);
    *found = true;
  }
  return Status::Ok();
}

Status RuleCompiler::CompileCall(Term* t, Scope* scope) {
  const Term& callee = *t->args[0];
  bool found = false;
  GOV_RETURN_IF_ERROR(
      ResolveCallable(callee, scope, &t->builtin, &t->function, &t->call_name, &found));
  if (!found) {
    std::string name = callee.kind == TermKind::kVar ? callee.name : "";
    if (callee.kind == TermKind::kRef) {
      for (const TermPtr& a : callee.args) {
        if (!name.empty()) name += '.';
        name += a->kind == TermKind::kVar ? a->name
                                          : (a->value.is_string() ? a->value.str() : "?");
      }
    }
    if (std::string_view why = UnsupportedBuiltinReason(name); !why.empty()) {
      return CompileError(file_, t->loc, "rego_type_error",
                          fmt::format("builtin {} is not supported by mgov: {}", name, why));
    }
    return CompileError(file_, t->loc, "rego_type_error",
                        fmt::format("undefined function {}", name));
  }
  int nargs = static_cast<int>(t->args.size()) - 1;
  if (t->builtin != nullptr) {
    t->target = CallTarget::kBuiltin;
    int arity = t->builtin->arity;
    if (arity >= 0 && nargs != arity && nargs != arity + 1) {
      return CompileError(file_, t->loc, "rego_type_error",
                          fmt::format("{}: arity mismatch: expected {} arguments, got {}",
                                      t->call_name, arity, nargs));
    }
  } else {
    t->target = CallTarget::kFunction;
    const Rule* first = !t->function->rules.empty() ? t->function->rules[0]
                                                    : t->function->default_rule;
    int arity = static_cast<int>(first->params.size());
    if (nargs != arity && nargs != arity + 1) {
      return CompileError(file_, t->loc, "rego_type_error",
                          fmt::format("{}: arity mismatch: expected {} arguments, got {}",
                                      t->call_name, arity, nargs));
    }
  }
  for (size_t i = 1; i < t->args.size(); ++i) GOV_RETURN_IF_ERROR(CompileTerm(&t->args[i], scope));
  return Status::Ok();
}

Status RuleCompiler::CompileVar(TermPtr* tp, Scope* scope) {
  Term& t = **tp;
  if (t.name == "_") {
    t.binding = VarBinding::kLocal;
    t.slot = NewSlot();
    return Status::Ok();
  }
  int slot = Find(scope, t.name);
  if (slot >= 0) {
    t.binding = VarBinding::kLocal;
    t.slot = slot;
    return Status::Ok();
  }
  if (t.name == "input") {
    t.binding = VarBinding::kInput;
    return Status::Ok();
  }
  if (t.name == "data") {
    t.binding = VarBinding::kData;
    return Status::Ok();
  }
  if (const Import* imp = FindImport(t.name)) {
    *tp = NewPathRef(imp->path, t.loc);
    if (imp->path[0] == "data") ResolveDataPrefix(tp->get());
    return Status::Ok();
  }
  if (IsRuleName(t.name)) {
    std::vector<std::string> path = {"data"};
    path.insert(path.end(), module_->package.begin(), module_->package.end());
    path.push_back(t.name);
    *tp = NewPathRef(path, t.loc);
    ResolveDataPrefix(tp->get());
    return Status::Ok();
  }
  Declare(scope, t.name, NewSlot());
  t.binding = VarBinding::kLocal;
  t.slot = Find(scope, t.name);
  return Status::Ok();
}

void RuleCompiler::ResolveDataPrefix(Term* ref) const {
  const RuleNode* node = program_->root.get();
  Value base = program_->data;
  size_t i = 1;
  while (i < ref->args.size() && !node->has_rules() && IsStringScalar(*ref->args[i])) {
    const std::string& key = ref->args[i]->value.str();
    auto it = node->children.find(key);
    if (it == node->children.end()) break;
    node = it->second.get();
    const Value* b = base.FindString(key);
    base = b != nullptr ? *b : Value();
    ++i;
  }
  ref->data_node = node;
  ref->data_prefix = i - 1;
  ref->data_base = base;
}

void RuleCompiler::FoldGround(Term* t) const {
  for (const TermPtr& a : t->args) {
    if (!a->ground) return;
  }
  ValueVector items;
  items.reserve(t->args.size());
  switch (t->kind) {
    case TermKind::kArray:
      for (const TermPtr& a : t->args) items.push_back(a->value);
      t->value = Value::Array(std::move(items));
      break;
    case TermKind::kSet:
      for (const TermPtr& a : t->args) items.push_back(a->value);
      t->value = Value::Set(std::move(items));
      break;
    case TermKind::kObject: {
      ObjectEntries entries;
      for (size_t i = 0; i + 1 < t->args.size(); i += 2) {
        entries.emplace_back(t->args[i]->value, t->args[i + 1]->value);
      }
      t->value = Value::Object(std::move(entries));
      break;
    }
    default:
      return;
  }
  t->ground = true;
}

Status RuleCompiler::CompileTerm(TermPtr* tp, Scope* scope) {
  Term* t = tp->get();
  switch (t->kind) {
    case TermKind::kScalar:
      t->ground = true;
      return Status::Ok();
    case TermKind::kVar:
      return CompileVar(tp, scope);
    case TermKind::kRef: {
      GOV_RETURN_IF_ERROR(CompileTerm(&t->args[0], scope));
      if (t->args[0]->kind == TermKind::kRef) {
        // The head was a package-relative or imported name: splice it in.
        TermPtr head = std::move(t->args[0]);
        std::vector<TermPtr> args = std::move(head->args);
        for (size_t i = 1; i < t->args.size(); ++i) args.push_back(std::move(t->args[i]));
        t->args = std::move(args);
      }
      for (size_t i = 1; i < t->args.size(); ++i) {
        GOV_RETURN_IF_ERROR(CompileTerm(&t->args[i], scope));
      }
      if (t->args[0]->kind == TermKind::kVar && t->args[0]->binding == VarBinding::kData) {
        ResolveDataPrefix(t);
      }
      return Status::Ok();
    }
    case TermKind::kArray:
    case TermKind::kSet:
    case TermKind::kObject:
      for (TermPtr& a : t->args) GOV_RETURN_IF_ERROR(CompileTerm(&a, scope));
      FoldGround(t);
      return Status::Ok();
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr: {
      auto child = std::make_unique<Scope>();
      child->parent = scope;
      GOV_RETURN_IF_ERROR(CompileBody(t->body.get(), child.get()));
      if (t->key) GOV_RETURN_IF_ERROR(CompileTerm(&t->key, child.get()));
      return CompileTerm(&t->head, child.get());
    }
    case TermKind::kCall:
      return CompileCall(t, scope);
  }
  return Status::Ok();
}

Status RuleCompiler::CompileRule(Rule* rule) {
  Scope root;
  if (rule->kind == RuleKind::kFunction) {
    for (TermPtr& p : rule->params) DeclarePatternVars(p.get(), &root);
    for (TermPtr& p : rule->params) GOV_RETURN_IF_ERROR(CompileTerm(&p, &root));
  }
  for (Rule* r = rule; r != nullptr; r = r->else_rule.get()) {
    r->file = &module_->file;
    Scope scope;
    scope.parent = &root;
    GOV_RETURN_IF_ERROR(CompileBody(&r->body, &scope));
    if (r->key) GOV_RETURN_IF_ERROR(CompileTerm(&r->key, &scope));
    if (r->value) GOV_RETURN_IF_ERROR(CompileTerm(&r->value, &scope));
    if (r == rule) {
      for (size_t i = 1; i < rule->head_ref.size(); ++i) {
        GOV_RETURN_IF_ERROR(CompileTerm(&rule->head_ref[i], &scope));
      }
      rule->key_terms.clear();
      for (size_t i = rule->path.size() - module_->package.size(); i < rule->head_ref.size();
           ++i) {
        rule->key_terms.push_back(rule->head_ref[i].get());
      }
    }
  }
  rule->num_slots = next_slot_;
  return Status::Ok();
}

// Places a rule in the tree; `path` is set on the rule.
Status AddRule(Program* program, Module* module, Rule* rule, int* next_id) {
  std::vector<std::string> path = module->package;
  size_t i = 0;
  for (; i < rule->head_ref.size(); ++i) {
    const Term& t = *rule->head_ref[i];
    if (!IsStringScalar(t)) break;
    path.push_back(t.value.str());
  }
  if (i < rule->head_ref.size() && rule->kind != RuleKind::kObject) {
    return CompileError(module->file, rule->loc, "rego_type_error",
                        "rule head must be a reference of names");
  }
  if (rule->kind == RuleKind::kObject && i == rule->head_ref.size()) {
    rule->kind = RuleKind::kComplete;
  }
  rule->path = path;
  RuleNode* node = program->root.get();
  for (size_t k = 0; k < path.size(); ++k) {
    auto it = node->children.find(path[k]);
    if (it == node->children.end()) {
      auto child = std::make_unique<RuleNode>();
      child->path.assign(path.begin(), path.begin() + static_cast<long>(k) + 1);
      child->path_text = PathToString(child->path);
      child->id = (*next_id)++;
      it = node->children.emplace(path[k], std::move(child)).first;
    }
    node = it->second.get();
  }
  if (node->has_rules() && node->kind != rule->kind) {
    return CompileError(module->file, rule->loc, "rego_type_error",
                        fmt::format("conflicting rules {} found", node->path_text));
  }
  node->kind = rule->kind;
  if (rule->is_default) {
    if (node->default_rule != nullptr) {
      return CompileError(module->file, rule->loc, "rego_type_error",
                          fmt::format("multiple default rules {} found", node->path_text));
    }
    node->default_rule = rule;
  } else {
    node->rules.push_back(rule);
  }
  return Status::Ok();
}

void CollectStrings(Rule* r, Program* program) {
  ForEachTerm(r, [&](Term* t) {
    if (t->kind == TermKind::kScalar && t->value.is_string()) program->strings.Add(t->value);
  });
}

// `v` with every object key found in `strings` replaced by the entry there
// (same text, shared representation).
Value InternKeys(const Value& v, const StringTable& strings) {
  switch (v.kind()) {
    case Value::Kind::kObject: {
      ObjectEntries entries;
      entries.reserve(v.entries().size());
      for (const auto& [key, val] : v.entries()) {
        const StringTable::Entry* interned = key.is_string() ? strings.Find(key.str()) : nullptr;
        entries.emplace_back(interned != nullptr ? interned->value : key, InternKeys(val, strings));
      }
      return Value::SortedObject(std::move(entries));
    }
    case Value::Kind::kArray:
    case Value::Kind::kSet: {
      ValueVector items;
      items.reserve(v.items().size());
      for (const Value& item : v.items()) items.push_back(InternKeys(item, strings));
      return v.is_array() ? Value::Array(std::move(items)) : Value::SortedSet(std::move(items));
    }
    default:
      return v;
  }
}

// Pins the values evaluation copies from the program: base data and each
// term's literal, precomputed value and base document, inlined calls' and
// rule heads' too.
void PinValues(Program* program) {
  program->data = program->pinned.Pin(program->data);
  std::function<void(Term*)> pin = [&](Term* t) {
    // A string literal takes the string table's entry: one pinned
    // representation per text.
    const StringTable::Entry* interned =
        t->value.is_string() ? program->strings.Find(t->value.str()) : nullptr;
    t->value = interned != nullptr ? interned->value : program->pinned.Pin(t->value);
    t->data_base = program->pinned.Pin(t->data_base);
    if (t->inlined != nullptr) ForEachTerm(t->inlined.get(), pin);
  };
  for (const auto& m : program->modules) {
    for (const auto& r : m->rules) {
      ForEachTerm(r.get(), pin);
      for (const TermPtr& h : r->head_ref) ForEachTerm(h.get(), pin);  // key_terms
    }
  }
}

}  // namespace

StatusOr<std::unique_ptr<Program>> Compile(std::vector<std::unique_ptr<Module>> modules,
                                           Value data) {
  auto program = std::make_unique<Program>();
  program->modules = std::move(modules);
  // rego.metadata.* calls are constants of the rule they are in.
  RewriteMetadataCalls(program->modules);
  // The literals as written, so that base data shares its keys with them
  // (compiling adds the path segments it generates below).
  for (const auto& m : program->modules) {
    for (const auto& r : m->rules) CollectStrings(r.get(), program.get());
  }
  program->data = data.defined() ? InternKeys(data, program->strings) : Value::Object({});
  program->root = std::make_unique<RuleNode>();
  int next_id = 1;
  std::map<std::vector<std::string>, std::set<std::string>> rule_names;
  for (auto& m : program->modules) {
    for (auto& r : m->rules) {
      GOV_RETURN_IF_ERROR(AddRule(program.get(), m.get(), r.get(), &next_id));
      rule_names[m->package].insert(r->head_ref[0]->value.str());
    }
  }
  program->num_nodes = next_id;
  for (auto& m : program->modules) {
    const std::set<std::string>* names = &rule_names[m->package];
    for (auto& r : m->rules) {
      RuleCompiler rc(program.get(), m.get(), names);
      GOV_RETURN_IF_ERROR(rc.CompileRule(r.get()));
    }
  }
  // Functions sharing a path must agree on arity.
  std::vector<const RuleNode*> stack = {program->root.get()};
  while (!stack.empty()) {
    const RuleNode* n = stack.back();
    stack.pop_back();
    if (n->kind == RuleKind::kFunction && n->rules.size() > 1) {
      size_t arity = n->rules[0]->params.size();
      for (const Rule* r : n->rules) {
        if (r->params.size() != arity) {
          return CompileError(*r->file, r->loc, "rego_type_error",
                              fmt::format("conflicting rules {} found", n->path_text));
        }
      }
    }
    for (const auto& [k, c] : n->children) stack.push_back(c.get());
  }
  for (const auto& m : program->modules) {
    for (const auto& r : m->rules) CollectStrings(r.get(), program.get());
  }
  FoldConstantRefs(program.get());
  InlineFunctions(program.get());
  MarkSingleTerms(program.get());
  PinValues(program.get());
  return program;
}

StatusOr<CompiledQuery> CompileQuery(const Program& program, Body body, std::string origin) {
  CompiledQuery q;
  q.body = std::move(body);
  q.origin = std::move(origin);
  RuleCompiler rc(const_cast<Program*>(&program), nullptr, nullptr);
  rc.set_file(q.origin);
  Scope scope;
  GOV_RETURN_IF_ERROR(rc.CompileQueryBody(&q.body, &scope));
  FoldConstantRefs(program, &q.body);
  MarkSingleTerms(&q.body);
  q.num_slots = rc.num_slots();
  for (const std::string& name : scope.order) {
    if (name.rfind("__", 0) == 0) continue;
    q.outputs.emplace_back(name, scope.vars[name]);
  }
  return q;
}

}  // namespace governance::rego
