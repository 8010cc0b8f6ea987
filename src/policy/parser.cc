#include "policy/parser.h"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

#include "policy/metadata.h"

namespace governance::rego {

std::string PathToString(const std::vector<std::string>& path) {
  std::string out = "data";
  for (const std::string& p : path) {
    out += '.';
    out += p;
  }
  return out;
}

namespace {

// Deep nesting is refused rather than overflowing the stack.
constexpr int kMaxDepth = 200;

bool IsKeyword(std::string_view s) {
  return s == "not" || s == "some" || s == "every" || s == "with" || s == "as" || s == "if" ||
         s == "contains" || s == "in" || s == "else" || s == "default" || s == "import" ||
         s == "package" || s == "true" || s == "false" || s == "null";
}

TermPtr MakeTerm(TermKind kind, Location loc) {
  auto t = std::make_unique<Term>();
  t->kind = kind;
  t->loc = loc;
  return t;
}

TermPtr MakeScalar(Value v, Location loc) {
  TermPtr t = MakeTerm(TermKind::kScalar, loc);
  t->value = std::move(v);
  return t;
}

TermPtr MakeVar(std::string name, Location loc) {
  TermPtr t = MakeTerm(TermKind::kVar, loc);
  t->name = std::move(name);
  return t;
}

TermPtr MakeCall(const std::string& op, Location loc, TermPtr a, TermPtr b) {
  TermPtr t = MakeTerm(TermKind::kCall, loc);
  t->args.push_back(MakeVar(op, loc));
  t->args.push_back(std::move(a));
  if (b != nullptr) t->args.push_back(std::move(b));
  return t;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string file, bool v0)
      : toks_(std::move(tokens)), file_(std::move(file)), v0_(v0) {}

  StatusOr<std::unique_ptr<rego::Module>> TopModule();
  StatusOr<Body> Query();
  StatusOr<TermPtr> SingleTerm();

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < toks_.size() ? toks_[i] : toks_.back();
  }
  bool At(TokenKind k) const { return Peek().kind == k; }
  bool AtIdent(std::string_view s) const {
    return Peek().kind == TokenKind::kIdent && Peek().text == s;
  }
  const Token& Next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool Failed() const { return !error_.ok(); }

  std::nullptr_t Fail(Location loc, std::string_view what) {
    if (error_.ok()) {
      error_ = InvalidArgumentError(
          fmt::format("{}:{}:{}: rego_parse_error: {}", file_, loc.row, loc.col, what));
    }
    return nullptr;
  }
  std::nullptr_t Unexpected(std::string_view context) {
    const Token& t = Peek();
    std::string found = t.kind == TokenKind::kIdent || t.kind == TokenKind::kNumber
                            ? fmt::format("`{}`", t.text)
                            : std::string(TokenKindName(t.kind));
    return Fail(t.loc, fmt::format("unexpected {} {}", found, context));
  }
  bool Expect(TokenKind k, std::string_view context) {
    if (!At(k)) {
      Unexpected(fmt::format("{} (expected {})", context, TokenKindName(k)));
      return false;
    }
    Next();
    return true;
  }

  bool ParsePackage(rego::Module* m);
  bool ParseImport(rego::Module* m);
  std::unique_ptr<Rule> ParseRule();
  bool ParseRuleBody(Rule* rule, bool allow_no_body);
  std::unique_ptr<Rule> ParseElse(const Rule& parent);
  bool ParseBraceBody(Body* body);
  bool ParseBodyUntil(Body* body, TokenKind end);
  std::unique_ptr<Expr> ParseExpr();
  std::unique_ptr<Expr> ParseExprInner();
  // `and` / `or` (policy/parser.cc, "Logical expressions").
  struct Operand {
    std::unique_ptr<Expr> expr;  // a single expression, as written
    std::unique_ptr<Body> body;  // an explicit body or a conjunction
  };
  std::unique_ptr<Expr> ParseLogical();
  bool ParseDisjunction(std::vector<Operand>* operands);
  bool ParseConjunction(Operand* out, bool after_or);
  bool ParseLogicalOperand(Operand* out, bool after_keyword);
  std::unique_ptr<Expr> DisjunctionExpr(std::vector<Operand> operands, Location loc);
  std::unique_ptr<Expr> OperandExpr(Operand operand, Location loc);
  bool ParseWiths(Expr* e);

  TermPtr ParseTermIn(bool allow_or = true);
  TermPtr ParseKeyValueIn(TermPtr key);
  TermPtr ParseRelation(bool allow_or = true);
  TermPtr ParseOr(bool allow_or);
  TermPtr ParseAnd();
  TermPtr ParseArith();
  TermPtr ParseFactor();
  TermPtr ParsePrimary();
  TermPtr ParsePostfix(TermPtr t);
  TermPtr ParseArrayOrCompr(Location loc);
  TermPtr ParseBraceTerm(Location loc);
  TermPtr ParseNumber(const Token& tok, bool negative);
  TermPtr ParseTemplate();
  TermPtr TemplatePart(TermPtr value, std::vector<With> withs, Location loc);
  TermPtr GeneratedVar(std::string_view what, Location loc);
  void HoistTemplateParams(Rule* rule);
  bool ParseRefPath(std::vector<std::string>* path, std::string_view context);

  std::vector<Token> toks_;
  size_t pos_ = 0;
  std::string file_;
  bool v0_;
  // `not { ... }` blocks: enabled by `import rego.v2` or
  // `import future.keywords.not` (OPA's opt-in for them).
  bool not_blocks_ = false;
  // `and` / `or` keywords: import future.keywords.and / .or / future.keywords.
  bool and_keyword_ = false;
  bool or_keyword_ = false;
  int depth_ = 0;
  int generated_ = 0;  // numbers the variables desugaring introduces
  Status error_;
};

bool IsTemplateCall(const Term& t) {
  return t.kind == TermKind::kCall && t.args[0]->kind == TermKind::kVar &&
         t.args[0]->name == "internal.template_string";
}

struct DepthGuard {
  explicit DepthGuard(int* d) : depth(d) { ++*depth; }
  ~DepthGuard() { --*depth; }
  int* depth;
};

// ---------------------------------------------------------------- modules

StatusOr<std::unique_ptr<rego::Module>> Parser::TopModule() {
  auto m = std::make_unique<rego::Module>();
  m->file = file_;
  m->v1 = !v0_;
  if (!ParsePackage(m.get())) return error_;
  while (AtIdent("import")) {
    if (!ParseImport(m.get())) return error_;
  }
  for (const Import& imp : m->imports) {
    const std::vector<std::string>& p = imp.path;
    if (p.size() == 2 && p[0] == "rego" && (p[1] == "v1" || p[1] == "v2")) m->v1 = true;
    if (p.size() == 2 && p[0] == "rego" && p[1] == "v2") not_blocks_ = true;
    if (p[0] == "future" && p.size() >= 2 && p[1] == "keywords") {
      bool all = p.size() == 2;
      if (all || (p.size() == 3 && p[2] == "not")) not_blocks_ = true;
      if (all || (p.size() == 3 && p[2] == "and")) and_keyword_ = true;
      if (all || (p.size() == 3 && p[2] == "or")) or_keyword_ = true;
    }
  }
  v0_ = !m->v1;
  while (!At(TokenKind::kEof)) {
    if (AtIdent("import")) {
      return Fail(Peek().loc, "import must come before any rule"), error_;
    }
    std::unique_ptr<Rule> r = ParseRule();
    if (r == nullptr) return error_;
    m->rules.push_back(std::move(r));
  }
  return m;
}

bool Parser::ParseRefPath(std::vector<std::string>* path, std::string_view context) {
  if (!At(TokenKind::kIdent)) {
    Unexpected(context);
    return false;
  }
  path->push_back(Next().text);
  while (true) {
    if (At(TokenKind::kDot) && !Peek().space_before) {
      Next();
      if (!At(TokenKind::kIdent)) {
        Unexpected(context);
        return false;
      }
      path->push_back(Next().text);
    } else if (At(TokenKind::kLBracket) && !Peek().space_before) {
      Next();
      if (!At(TokenKind::kString)) {
        Unexpected(context);
        return false;
      }
      path->push_back(Next().text);
      if (!Expect(TokenKind::kRBracket, context)) return false;
    } else {
      return true;
    }
  }
}

bool Parser::ParsePackage(rego::Module* m) {
  if (!AtIdent("package")) {
    Fail(Peek().loc, "package expected");
    return false;
  }
  m->package_loc = Next().loc;
  std::vector<std::string> path;
  if (!ParseRefPath(&path, "in package declaration")) return false;
  if (path[0] == "data") path.erase(path.begin());
  if (path.empty()) {
    Fail(m->package_loc, "package name must not be empty");
    return false;
  }
  m->package = std::move(path);
  return true;
}

bool Parser::ParseImport(rego::Module* m) {
  Import imp;
  imp.loc = Next().loc;
  if (!ParseRefPath(&imp.path, "in import")) return false;
  const std::string& root = imp.path[0];
  if (root != "data" && root != "input" && root != "future" && root != "rego") {
    Fail(imp.loc, fmt::format("invalid import path `{}`: must begin with data or input", root));
    return false;
  }
  imp.alias = imp.path.back();
  if (AtIdent("as")) {
    Next();
    if (!At(TokenKind::kIdent)) {
      Unexpected("after `as` in import");
      return false;
    }
    imp.alias = Next().text;
  }
  m->imports.push_back(std::move(imp));
  return true;
}

std::unique_ptr<Rule> Parser::ParseRule() {
  auto rule = std::make_unique<Rule>();
  rule->loc = Peek().loc;
  if (AtIdent("default")) {
    Next();
    rule->is_default = true;
  }
  if (!At(TokenKind::kIdent) || IsKeyword(Peek().text)) return Unexpected("at start of rule");
  // Head reference: name (.name | [term])*
  Location name_loc = Peek().loc;
  rule->head_ref.push_back(MakeScalar(Value::String(Next().text), name_loc));
  while (true) {
    if (At(TokenKind::kDot) && !Peek().space_before) {
      Next();
      if (!At(TokenKind::kIdent)) return Unexpected("in rule head");
      Location l = Peek().loc;
      rule->head_ref.push_back(MakeScalar(Value::String(Next().text), l));
    } else if (At(TokenKind::kLBracket) && !Peek().space_before) {
      Next();
      TermPtr t = ParseTermIn();
      if (t == nullptr) return nullptr;
      rule->head_ref.push_back(std::move(t));
      if (!Expect(TokenKind::kRBracket, "in rule head")) return nullptr;
    } else {
      break;
    }
  }
  bool is_function = false;
  if (At(TokenKind::kLParen) && !Peek().space_before) {
    is_function = true;
    Next();
    if (!At(TokenKind::kRParen)) {
      while (true) {
        TermPtr p = ParseTermIn();
        if (p == nullptr) return nullptr;
        rule->params.push_back(std::move(p));
        if (At(TokenKind::kComma)) {
          Next();
          if (At(TokenKind::kRParen)) break;  // a trailing comma, as `opa fmt` writes
          continue;
        }
        break;
      }
    }
    if (!Expect(TokenKind::kRParen, "in function arguments")) return nullptr;
  }
  bool has_contains = false;
  if (AtIdent("contains")) {
    if (is_function) return Unexpected("after function head");
    Next();
    has_contains = true;
    rule->key = ParseTermIn();
    if (rule->key == nullptr) return nullptr;
  }
  bool has_value = false;
  if (!has_contains && (At(TokenKind::kAssign) || At(TokenKind::kUnify))) {
    Next();
    has_value = true;
    rule->value = ParseTermIn();
    if (rule->value == nullptr) return nullptr;
  }
  // Classify the rule.
  bool has_var_op = false;
  for (size_t i = 1; i < rule->head_ref.size(); ++i) {
    const Term& t = *rule->head_ref[i];
    if (!(t.kind == TermKind::kScalar && t.value.is_string())) has_var_op = true;
  }
  if (is_function) {
    rule->kind = RuleKind::kFunction;
  } else if (has_contains) {
    rule->kind = RuleKind::kSet;
  } else if (has_var_op) {
    if (!has_value && v0_ && rule->head_ref.size() == 2) {
      rule->kind = RuleKind::kSet;
      rule->key = std::move(rule->head_ref.back());
      rule->head_ref.pop_back();
    } else {
      rule->kind = RuleKind::kObject;
    }
  } else {
    rule->kind = RuleKind::kComplete;
  }
  if (rule->is_default) {
    if (rule->kind == RuleKind::kSet || rule->kind == RuleKind::kObject) {
      return Fail(rule->loc, "default rules must not be multi-value rules");
    }
    if (!has_value) return Fail(rule->loc, "default rule must have a value");
    return rule;
  }
  if (!ParseRuleBody(rule.get(), true)) return nullptr;
  HoistTemplateParams(rule.get());
  // else chains.
  Rule* tail = rule.get();
  while (AtIdent("else")) {
    if (rule->kind != RuleKind::kComplete && rule->kind != RuleKind::kFunction) {
      return Fail(Peek().loc, "else keyword cannot be used on multi-value rules");
    }
    tail->else_rule = ParseElse(*rule);
    if (tail->else_rule == nullptr) return nullptr;
    tail = tail->else_rule.get();
  }
  return rule;
}

// A template string among a function's parameters, f($"{x}-{y}"), may use
// variables the body binds: it becomes a fresh parameter that the end of the
// body compares with the template, once those variables are bound.
void Parser::HoistTemplateParams(Rule* rule) {
  for (TermPtr& p : rule->params) {
    if (!IsTemplateCall(*p)) continue;
    Location loc = p->loc;
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kUnify;
    e->loc = loc;
    e->lhs = GeneratedVar("param", loc);
    e->rhs = std::move(p);
    p = MakeVar(e->lhs->name, loc);
    rule->body.push_back(std::move(e));
  }
}

bool Parser::ParseRuleBody(Rule* rule, bool allow_no_body) {
  if (AtIdent("if")) {
    Next();
    if (At(TokenKind::kLBrace)) return ParseBraceBody(&rule->body);
    std::unique_ptr<Expr> e = ParseExpr();
    if (e == nullptr) return false;
    rule->body.push_back(std::move(e));
    return true;
  }
  if (At(TokenKind::kLBrace) && !Peek().newline_before) {
    if (!v0_) {
      Fail(Peek().loc, "`if` keyword is required before rule body");
      return false;
    }
    return ParseBraceBody(&rule->body);
  }
  if (!allow_no_body) {
    Unexpected("(expected rule body)");
    return false;
  }
  if (rule->value == nullptr && rule->key == nullptr && rule->kind == RuleKind::kComplete &&
      !v0_) {
    // A bare `p` is not a rule in v1.
    Fail(rule->loc, "rule must have a value or a body");
    return false;
  }
  return true;
}

std::unique_ptr<Rule> Parser::ParseElse(const Rule& parent) {
  auto r = std::make_unique<Rule>();
  r->loc = Next().loc;  // else
  r->kind = parent.kind;
  if (At(TokenKind::kAssign) || At(TokenKind::kUnify)) {
    Next();
    r->value = ParseTermIn();
    if (r->value == nullptr) return nullptr;
  }
  if (AtIdent("if") || (At(TokenKind::kLBrace) && !Peek().newline_before)) {
    if (!ParseRuleBody(r.get(), false)) return nullptr;
  } else if (r->value == nullptr) {
    return Unexpected("after else");
  }
  return r;
}

bool Parser::ParseBraceBody(Body* body) {
  Location open = Peek().loc;
  Next();  // {
  if (!ParseBodyUntil(body, TokenKind::kRBrace)) return false;
  if (body->empty()) {
    Fail(open, "found empty body");
    return false;
  }
  return Expect(TokenKind::kRBrace, "in body");
}

bool Parser::ParseBodyUntil(Body* body, TokenKind end) {
  while (!At(end) && !At(TokenKind::kEof)) {
    std::unique_ptr<Expr> e = ParseExpr();
    if (e == nullptr) return false;
    body->push_back(std::move(e));
    if (At(TokenKind::kSemicolon)) {
      Next();
      continue;
    }
    if (At(end) || At(TokenKind::kEof)) break;
    if (!Peek().newline_before) {
      Unexpected("(expected `;` or a new line between expressions)");
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------- expressions

std::unique_ptr<Expr> Parser::ParseExpr() {
  DepthGuard guard(&depth_);
  if (depth_ > kMaxDepth) return Fail(Peek().loc, "nesting too deep");
  std::unique_ptr<Expr> e = and_keyword_ || or_keyword_ ? ParseLogical() : ParseExprInner();
  if (e == nullptr) return nullptr;
  if (!ParseWiths(e.get())) return nullptr;
  return e;
}

// ---------------------------------------------------------------- logical expressions
//
// `a or b and c` reads `a or (b and c)`; an operand is an expression, a
// `not` expression, a parenthesised group or an explicit body `{ ... }`.
// Neither keyword yields a value nor branches evaluation, and an operand
// binds nothing outside itself, so each operand becomes a comprehension
// tested for a solution: `a and b` is a body of the two tests, and
// `a or b` is `true in ({true | a} | {true | b})`. An expression with no
// `and` / `or` stays as written.

std::unique_ptr<Expr> Parser::ParseLogical() {
  Location loc = Peek().loc;
  std::vector<Operand> operands;
  if (!ParseDisjunction(&operands)) return nullptr;
  return DisjunctionExpr(std::move(operands), loc);
}

bool Parser::ParseDisjunction(std::vector<Operand>* operands) {
  Operand first;
  if (!ParseConjunction(&first, false)) return false;
  operands->push_back(std::move(first));
  while (or_keyword_ && AtIdent("or")) {
    Next();
    Operand next;
    if (!ParseConjunction(&next, true)) return false;
    operands->push_back(std::move(next));
  }
  return true;
}

bool Parser::ParseConjunction(Operand* out, bool after_or) {
  Operand first;
  if (!ParseLogicalOperand(&first, after_or)) return false;
  if (!(and_keyword_ && AtIdent("and"))) {
    *out = std::move(first);
    return true;
  }
  Location loc = Peek().loc;
  auto body = std::make_unique<Body>();
  body->push_back(OperandExpr(std::move(first), loc));
  while (and_keyword_ && AtIdent("and")) {
    Next();
    Operand next;
    if (!ParseLogicalOperand(&next, true)) return false;
    body->push_back(OperandExpr(std::move(next), loc));
  }
  out->body = std::move(body);
  return true;
}

bool Parser::ParseLogicalOperand(Operand* out, bool after_keyword) {
  DepthGuard guard(&depth_);
  if (depth_ > kMaxDepth) return Fail(Peek().loc, "nesting too deep"), false;
  size_t save = pos_;
  Location loc = Peek().loc;
  if (At(TokenKind::kLBrace)) {
    // An explicit body when `and` / `or` is on either side of it; otherwise
    // (or when it does not parse as a body) a set, object or comprehension.
    auto body = std::make_unique<Body>();
    if (ParseBraceBody(body.get()) &&
        (after_keyword || (and_keyword_ && AtIdent("and")) || (or_keyword_ && AtIdent("or")))) {
      out->body = std::move(body);
      return true;
    }
    pos_ = save;
    error_ = Status::Ok();
  }
  bool negated_group = not_blocks_ && AtIdent("not") && Peek(1).kind == TokenKind::kLParen;
  if (At(TokenKind::kLParen) || negated_group) {
    // A group, unless it is a parenthesised term: try the term first.
    if (!negated_group) {
      out->expr = ParseExprInner();
      if (out->expr != nullptr && !At(TokenKind::kRParen)) return true;
      pos_ = save;
      error_ = Status::Ok();
    }
    if (negated_group) Next();
    Next();  // (
    std::vector<Operand> inner;
    if (!ParseDisjunction(&inner)) return false;
    std::unique_ptr<Expr> e = DisjunctionExpr(std::move(inner), loc);
    if (e == nullptr || !ParseWiths(e.get())) return false;
    if (!Expect(TokenKind::kRParen, "in group")) return false;
    if (negated_group) {
      if (e->negated) return Fail(loc, "unexpected `not` before this expression"), false;
      e->negated = true;
      e->loc = loc;
    }
    out->expr = std::move(e);
    return true;
  }
  out->expr = ParseExprInner();
  return out->expr != nullptr;
}

// The test that `operand` succeeds, as one expression.
std::unique_ptr<Expr> Parser::OperandExpr(Operand operand, Location loc) {
  if (operand.expr != nullptr) return std::move(operand.expr);
  TermPtr block = MakeTerm(TermKind::kArrayCompr, loc);
  block->head = MakeScalar(Value::Bool(true), loc);
  block->body = std::move(operand.body);
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kTerm;
  e->loc = loc;
  e->lhs = MakeCall("internal.member_2", loc, MakeScalar(Value::Bool(true), loc), std::move(block));
  return e;
}

std::unique_ptr<Expr> Parser::DisjunctionExpr(std::vector<Operand> operands, Location loc) {
  if (operands.size() == 1) return OperandExpr(std::move(operands[0]), loc);
  TermPtr any;
  for (Operand& o : operands) {
    TermPtr set = MakeTerm(TermKind::kSetCompr, loc);
    set->head = MakeScalar(Value::Bool(true), loc);
    set->body = std::make_unique<Body>();
    if (o.expr != nullptr) {
      set->body->push_back(std::move(o.expr));
    } else {
      *set->body = std::move(*o.body);
    }
    any = any == nullptr ? std::move(set) : MakeCall("or", loc, std::move(any), std::move(set));
  }
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kTerm;
  e->loc = loc;
  e->lhs = MakeCall("internal.member_2", loc, MakeScalar(Value::Bool(true), loc), std::move(any));
  return e;
}

bool Parser::ParseWiths(Expr* e) {
  while (AtIdent("with")) {
    With w;
    w.loc = Next().loc;
    w.target = ParsePrimary();
    if (w.target == nullptr) return false;
    if (!AtIdent("as")) {
      Unexpected("in with modifier (expected `as`)");
      return false;
    }
    Next();
    w.value = ParseTermIn();
    if (w.value == nullptr) return false;
    e->withs.push_back(std::move(w));
  }
  return true;
}

std::unique_ptr<Expr> Parser::ParseExprInner() {
  auto e = std::make_unique<Expr>();
  e->loc = Peek().loc;
  if (AtIdent("not")) {
    Next();
    if (not_blocks_ && At(TokenKind::kLBrace)) {
      // `not { a; b }` holds when the block has no solution. It becomes
      // `not true in [true | a; b]`: the comprehension is the block, local
      // variables and all, and the membership test is false exactly when
      // the block never succeeds.
      Location loc = e->loc;
      TermPtr block = MakeTerm(TermKind::kArrayCompr, Peek().loc);
      block->head = MakeScalar(Value::Bool(true), loc);
      block->body = std::make_unique<Body>();
      if (!ParseBraceBody(block->body.get())) return nullptr;
      e->kind = ExprKind::kTerm;
      e->negated = true;
      e->lhs = MakeCall("internal.member_2", loc, MakeScalar(Value::Bool(true), loc),
                        std::move(block));
      return e;
    }
    std::unique_ptr<Expr> inner = ParseExprInner();
    if (inner == nullptr) return nullptr;
    if (inner->negated || inner->kind == ExprKind::kSome || inner->kind == ExprKind::kSomeIn ||
        inner->kind == ExprKind::kEvery) {
      return Fail(e->loc, "unexpected `not` before this expression");
    }
    inner->negated = true;
    inner->loc = e->loc;
    return inner;
  }
  if (AtIdent("some")) {
    Next();
    std::vector<TermPtr> terms;
    while (true) {
      TermPtr t = ParseRelation();
      if (t == nullptr) return nullptr;
      terms.push_back(std::move(t));
      if (At(TokenKind::kComma)) {
        Next();
        continue;
      }
      break;
    }
    if (AtIdent("in")) {
      Next();
      if (terms.size() > 2) return Fail(e->loc, "`some ... in` takes one or two variables");
      e->kind = ExprKind::kSomeIn;
      e->domain = ParseRelation();
      if (e->domain == nullptr) return nullptr;
      if (terms.size() == 2) e->key = std::move(terms[0]);
      e->val = std::move(terms.back());
      return e;
    }
    e->kind = ExprKind::kSome;
    for (const TermPtr& t : terms) {
      if (t->kind != TermKind::kVar) return Fail(t->loc, "expected a variable after `some`");
      e->names.push_back(t->name);
    }
    return e;
  }
  if (AtIdent("every")) {
    Next();
    e->kind = ExprKind::kEvery;
    if (!At(TokenKind::kIdent)) return Unexpected("after every");
    TermPtr first = MakeVar(Peek().text, Peek().loc);
    Next();
    if (At(TokenKind::kComma)) {
      Next();
      if (!At(TokenKind::kIdent)) return Unexpected("in every");
      e->key = std::move(first);
      e->val = MakeVar(Peek().text, Peek().loc);
      Next();
    } else {
      e->val = std::move(first);
    }
    if (!AtIdent("in")) return Unexpected("in every (expected `in`)");
    Next();
    e->domain = ParseRelation();
    if (e->domain == nullptr) return nullptr;
    if (!At(TokenKind::kLBrace)) return Unexpected("in every (expected `{`)");
    e->body = std::make_unique<Body>();
    if (!ParseBraceBody(e->body.get())) return nullptr;
    return e;
  }
  TermPtr lhs = ParseTermIn();
  if (lhs == nullptr) return nullptr;
  if (At(TokenKind::kComma)) {
    // `key, value in collection`
    Next();
    lhs = ParseKeyValueIn(std::move(lhs));
    if (lhs == nullptr) return nullptr;
  }
  if (At(TokenKind::kUnify) || At(TokenKind::kAssign)) {
    e->kind = At(TokenKind::kUnify) ? ExprKind::kUnify : ExprKind::kAssign;
    Next();
    e->lhs = std::move(lhs);
    e->rhs = ParseTermIn();
    if (e->rhs == nullptr) return nullptr;
    return e;
  }
  e->kind = ExprKind::kTerm;
  e->lhs = std::move(lhs);
  return e;
}

// ---------------------------------------------------------------- terms

TermPtr Parser::ParseTermIn(bool allow_or) {
  TermPtr lhs = ParseRelation(allow_or);
  if (lhs == nullptr) return nullptr;
  while (AtIdent("in")) {
    Location loc = Next().loc;
    TermPtr rhs = ParseRelation(allow_or);
    if (rhs == nullptr) return nullptr;
    lhs = MakeCall("internal.member_2", loc, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

TermPtr Parser::ParseKeyValueIn(TermPtr key) {
  TermPtr val = ParseRelation();
  if (val == nullptr) return nullptr;
  if (!AtIdent("in")) return Unexpected("(expected `in`)");
  Location loc = Next().loc;
  TermPtr domain = ParseRelation();
  if (domain == nullptr) return nullptr;
  TermPtr call = MakeTerm(TermKind::kCall, loc);
  call->args.push_back(MakeVar("internal.member_3", loc));
  call->args.push_back(std::move(key));
  call->args.push_back(std::move(val));
  call->args.push_back(std::move(domain));
  while (AtIdent("in")) {
    Location l = Next().loc;
    TermPtr rhs = ParseRelation();
    if (rhs == nullptr) return nullptr;
    call = MakeCall("internal.member_2", l, std::move(call), std::move(rhs));
  }
  return call;
}

TermPtr Parser::ParseRelation(bool allow_or) {
  TermPtr lhs = ParseOr(allow_or);
  if (lhs == nullptr) return nullptr;
  while (true) {
    const char* op = nullptr;
    switch (Peek().kind) {
      case TokenKind::kEq:
        op = "equal";
        break;
      case TokenKind::kNeq:
        op = "neq";
        break;
      case TokenKind::kLt:
        op = "lt";
        break;
      case TokenKind::kLte:
        op = "lte";
        break;
      case TokenKind::kGt:
        op = "gt";
        break;
      case TokenKind::kGte:
        op = "gte";
        break;
      default:
        return lhs;
    }
    Location loc = Next().loc;
    TermPtr rhs = ParseOr(allow_or);
    if (rhs == nullptr) return nullptr;
    lhs = MakeCall(op, loc, std::move(lhs), std::move(rhs));
  }
}

TermPtr Parser::ParseOr(bool allow_or) {
  TermPtr lhs = ParseAnd();
  if (lhs == nullptr) return nullptr;
  while (allow_or && At(TokenKind::kPipe)) {
    Location loc = Next().loc;
    TermPtr rhs = ParseAnd();
    if (rhs == nullptr) return nullptr;
    lhs = MakeCall("or", loc, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

TermPtr Parser::ParseAnd() {
  TermPtr lhs = ParseArith();
  if (lhs == nullptr) return nullptr;
  while (At(TokenKind::kAmpersand)) {
    Location loc = Next().loc;
    TermPtr rhs = ParseArith();
    if (rhs == nullptr) return nullptr;
    lhs = MakeCall("and", loc, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

TermPtr Parser::ParseArith() {
  TermPtr lhs = ParseFactor();
  if (lhs == nullptr) return nullptr;
  while (At(TokenKind::kPlus) || At(TokenKind::kMinus)) {
    // `x -1` on one line is subtraction; a `-` starting a new line is not.
    if (Peek().newline_before) break;
    const char* op = At(TokenKind::kPlus) ? "plus" : "minus";
    Location loc = Next().loc;
    TermPtr rhs = ParseFactor();
    if (rhs == nullptr) return nullptr;
    lhs = MakeCall(op, loc, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

TermPtr Parser::ParseFactor() {
  TermPtr lhs = ParsePrimary();
  if (lhs == nullptr) return nullptr;
  while (At(TokenKind::kStar) || At(TokenKind::kSlash) || At(TokenKind::kPercent)) {
    const char* op = At(TokenKind::kStar) ? "mul" : (At(TokenKind::kSlash) ? "div" : "rem");
    Location loc = Next().loc;
    TermPtr rhs = ParsePrimary();
    if (rhs == nullptr) return nullptr;
    lhs = MakeCall(op, loc, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

TermPtr Parser::ParseNumber(const Token& tok, bool negative) {
  std::string text = negative ? "-" + tok.text : tok.text;
  bool is_float = tok.text.find_first_of(".eE") != std::string::npos;
  if (!is_float) {
    int64_t i = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), i);
    if (res.ec == std::errc() && res.ptr == text.data() + text.size()) {
      return MakeScalar(Value::Int(i), tok.loc);
    }
  }
  // OPA keeps a literal beyond float64 (1e1000) as its exact decimal text;
  // a Value has no such number, so it becomes the signed infinity strtod
  // gives: it still orders above every finite number.
  double d = std::strtod(text.c_str(), nullptr);
  return MakeScalar(Value::Double(d), tok.loc);
}

TermPtr Parser::ParsePrimary() {
  DepthGuard guard(&depth_);
  if (depth_ > kMaxDepth) return Fail(Peek().loc, "nesting too deep");
  const Token& tok = Peek();
  Location loc = tok.loc;
  TermPtr t;
  switch (tok.kind) {
    case TokenKind::kNumber: {
      Token copy = Next();
      t = ParseNumber(copy, false);
      break;
    }
    case TokenKind::kMinus: {
      Next();
      if (At(TokenKind::kNumber) && !Peek().space_before) {
        Token copy = Next();
        t = ParseNumber(copy, true);
      } else {
        TermPtr operand = ParsePrimary();
        if (operand == nullptr) return nullptr;
        t = MakeCall("minus", loc, MakeScalar(Value::Int(0), loc), std::move(operand));
        return t;
      }
      break;
    }
    case TokenKind::kString:
    case TokenKind::kRawString:
      t = MakeScalar(Value::String(Next().text), loc);
      break;
    case TokenKind::kTemplateString:
    case TokenKind::kTemplateHead:
      t = ParseTemplate();
      break;
    case TokenKind::kIdent: {
      std::string text = tok.text;
      if (text == "true" || text == "false") {
        Next();
        t = MakeScalar(Value::Bool(text == "true"), loc);
      } else if (text == "null") {
        Next();
        t = MakeScalar(Value::Null(), loc);
      } else if (IsKeyword(text) &&
                 !(Peek(1).kind == TokenKind::kLParen && !Peek(1).space_before)) {
        // A keyword directly followed by `(` is a call, e.g. contains(s, "x").
        return Unexpected("(a keyword cannot be used as a term)");
      } else if (text == "set" && Peek(1).kind == TokenKind::kLParen &&
                 Peek(2).kind == TokenKind::kRParen) {
        Next();
        Next();
        Next();
        t = MakeTerm(TermKind::kSet, loc);
      } else {
        Next();
        t = MakeVar(text, loc);
      }
      break;
    }
    case TokenKind::kLBracket:
      Next();
      t = ParseArrayOrCompr(loc);
      break;
    case TokenKind::kLBrace:
      Next();
      t = ParseBraceTerm(loc);
      break;
    case TokenKind::kLParen: {
      Next();
      t = ParseTermIn();
      if (t == nullptr) return nullptr;
      if (At(TokenKind::kComma)) {
        Next();
        t = ParseKeyValueIn(std::move(t));
        if (t == nullptr) return nullptr;
      }
      if (!Expect(TokenKind::kRParen, "in parenthesised term")) return nullptr;
      break;
    }
    default:
      return Unexpected("(expected a term)");
  }
  if (t == nullptr) return nullptr;
  return ParsePostfix(std::move(t));
}

TermPtr Parser::GeneratedVar(std::string_view what, Location loc) {
  return MakeVar(fmt::format("__{}{}__", what, generated_++), loc);
}

// One expression of a template string, as the builtin
// internal.template_string takes it: a set of the expression's values, empty
// when it is undefined. A literal is its own singleton set; anything else is
// collected by `{v | expr = v}`, `with` modifiers and all, so the template
// stays defined when the expression is not.
TermPtr Parser::TemplatePart(TermPtr value, std::vector<With> withs, Location loc) {
  if (value->kind == TermKind::kScalar && withs.empty()) {
    TermPtr set = MakeTerm(TermKind::kSet, loc);
    set->args.push_back(std::move(value));
    return set;
  }
  TermPtr compr = MakeTerm(TermKind::kSetCompr, loc);
  compr->head = GeneratedVar("template", loc);
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kUnify;
  e->loc = loc;
  // The expression on the left: an unbound variable in it is the one an
  // unsafe-variable error names.
  e->lhs = std::move(value);
  e->rhs = MakeVar(compr->head->name, loc);
  e->withs = std::move(withs);
  compr->body = std::make_unique<Body>();
  compr->body->push_back(std::move(e));
  return compr;
}

// $"text{expr}text..." becomes internal.template_string([parts]), as OPA
// compiles it: text pieces are strings, expressions sets (TemplatePart).
TermPtr Parser::ParseTemplate() {
  Location loc = Peek().loc;
  TermPtr parts = MakeTerm(TermKind::kArray, loc);
  auto add_text = [&](const Token& piece) {
    if (!piece.text.empty()) parts->args.push_back(MakeScalar(Value::String(piece.text), piece.loc));
  };
  const Token& first = Next();
  add_text(first);
  bool open = first.kind == TokenKind::kTemplateHead;
  while (open) {
    Location expr_loc = Peek().loc;
    if (At(TokenKind::kTemplateMiddle) || At(TokenKind::kTemplateTail)) {
      return Fail(expr_loc, "empty template expression");
    }
    TermPtr value = ParseTermIn();
    if (value == nullptr) return nullptr;
    Expr holder;
    if (!ParseWiths(&holder)) return nullptr;
    if (!At(TokenKind::kTemplateMiddle) && !At(TokenKind::kTemplateTail)) {
      return Unexpected("in template expression (expected `}`)");
    }
    parts->args.push_back(TemplatePart(std::move(value), std::move(holder.withs), expr_loc));
    const Token& piece = Next();
    add_text(piece);
    open = piece.kind == TokenKind::kTemplateMiddle;
  }
  TermPtr call = MakeTerm(TermKind::kCall, loc);
  call->args.push_back(MakeVar("internal.template_string", loc));
  call->args.push_back(std::move(parts));
  return call;
}

TermPtr Parser::ParsePostfix(TermPtr t) {
  while (true) {
    const Token& tok = Peek();
    if (tok.kind == TokenKind::kDot && !tok.space_before) {
      Next();
      if (!At(TokenKind::kIdent)) return Unexpected("after `.`");
      Location l = Peek().loc;
      TermPtr key = MakeScalar(Value::String(Next().text), l);
      if (t->kind != TermKind::kRef) {
        TermPtr ref = MakeTerm(TermKind::kRef, t->loc);
        ref->args.push_back(std::move(t));
        t = std::move(ref);
      }
      t->args.push_back(std::move(key));
    } else if (tok.kind == TokenKind::kLBracket && !tok.space_before) {
      Next();
      TermPtr key = ParseTermIn();
      if (key == nullptr) return nullptr;
      if (!Expect(TokenKind::kRBracket, "in reference")) return nullptr;
      if (t->kind != TermKind::kRef) {
        TermPtr ref = MakeTerm(TermKind::kRef, t->loc);
        ref->args.push_back(std::move(t));
        t = std::move(ref);
      }
      t->args.push_back(std::move(key));
    } else if (tok.kind == TokenKind::kLParen && !tok.space_before &&
               (t->kind == TermKind::kVar || t->kind == TermKind::kRef)) {
      Next();
      TermPtr call = MakeTerm(TermKind::kCall, t->loc);
      call->args.push_back(std::move(t));
      if (!At(TokenKind::kRParen)) {
        while (true) {
          TermPtr a = ParseTermIn();
          if (a == nullptr) return nullptr;
          call->args.push_back(std::move(a));
          if (At(TokenKind::kComma)) {
            Next();
            if (At(TokenKind::kRParen)) break;  // a trailing comma, as `opa fmt` writes
            continue;
          }
          break;
        }
      }
      if (!Expect(TokenKind::kRParen, "in call")) return nullptr;
      t = std::move(call);
    } else {
      return t;
    }
  }
}

TermPtr Parser::ParseArrayOrCompr(Location loc) {
  TermPtr arr = MakeTerm(TermKind::kArray, loc);
  if (At(TokenKind::kRBracket)) {
    Next();
    return arr;
  }
  TermPtr first = ParseTermIn(false);
  if (first == nullptr) return nullptr;
  if (At(TokenKind::kPipe)) {
    Next();
    TermPtr c = MakeTerm(TermKind::kArrayCompr, loc);
    c->head = std::move(first);
    c->body = std::make_unique<Body>();
    if (!ParseBodyUntil(c->body.get(), TokenKind::kRBracket)) return nullptr;
    if (!Expect(TokenKind::kRBracket, "in array comprehension")) return nullptr;
    return c;
  }
  arr->args.push_back(std::move(first));
  while (At(TokenKind::kComma)) {
    Next();
    if (At(TokenKind::kRBracket)) break;
    TermPtr e = ParseTermIn();
    if (e == nullptr) return nullptr;
    arr->args.push_back(std::move(e));
  }
  if (!Expect(TokenKind::kRBracket, "in array")) return nullptr;
  return arr;
}

TermPtr Parser::ParseBraceTerm(Location loc) {
  if (At(TokenKind::kRBrace)) {
    Next();
    return MakeTerm(TermKind::kObject, loc);
  }
  TermPtr first = ParseTermIn(false);
  if (first == nullptr) return nullptr;
  if (At(TokenKind::kColon)) {
    Next();
    TermPtr value = ParseTermIn(false);
    if (value == nullptr) return nullptr;
    if (At(TokenKind::kPipe)) {
      Next();
      TermPtr c = MakeTerm(TermKind::kObjectCompr, loc);
      c->key = std::move(first);
      c->head = std::move(value);
      c->body = std::make_unique<Body>();
      if (!ParseBodyUntil(c->body.get(), TokenKind::kRBrace)) return nullptr;
      if (!Expect(TokenKind::kRBrace, "in object comprehension")) return nullptr;
      return c;
    }
    TermPtr obj = MakeTerm(TermKind::kObject, loc);
    obj->args.push_back(std::move(first));
    obj->args.push_back(std::move(value));
    while (At(TokenKind::kComma)) {
      Next();
      if (At(TokenKind::kRBrace)) break;
      TermPtr k = ParseTermIn();
      if (k == nullptr) return nullptr;
      if (!Expect(TokenKind::kColon, "in object")) return nullptr;
      TermPtr v = ParseTermIn();
      if (v == nullptr) return nullptr;
      obj->args.push_back(std::move(k));
      obj->args.push_back(std::move(v));
    }
    if (!Expect(TokenKind::kRBrace, "in object")) return nullptr;
    return obj;
  }
  if (At(TokenKind::kPipe)) {
    Next();
    TermPtr c = MakeTerm(TermKind::kSetCompr, loc);
    c->head = std::move(first);
    c->body = std::make_unique<Body>();
    if (!ParseBodyUntil(c->body.get(), TokenKind::kRBrace)) return nullptr;
    if (!Expect(TokenKind::kRBrace, "in set comprehension")) return nullptr;
    return c;
  }
  TermPtr set = MakeTerm(TermKind::kSet, loc);
  set->args.push_back(std::move(first));
  while (At(TokenKind::kComma)) {
    Next();
    if (At(TokenKind::kRBrace)) break;
    TermPtr e = ParseTermIn();
    if (e == nullptr) return nullptr;
    set->args.push_back(std::move(e));
  }
  if (!Expect(TokenKind::kRBrace, "in set")) return nullptr;
  return set;
}

StatusOr<Body> Parser::Query() {
  Body body;
  if (!ParseBodyUntil(&body, TokenKind::kEof)) return error_;
  if (!At(TokenKind::kEof)) return Unexpected("after query"), error_;
  if (body.empty()) return Fail(Peek().loc, "empty query"), error_;
  return body;
}

StatusOr<TermPtr> Parser::SingleTerm() {
  TermPtr t = ParseTermIn();
  if (t == nullptr) return error_;
  if (!At(TokenKind::kEof)) return Unexpected("after term"), error_;
  return t;
}

}  // namespace

StatusOr<std::unique_ptr<Module>> ParseModule(std::string_view source, const std::string& file,
                                              const ParseOptions& options) {
  Lexer lexer(source, file);
  GOV_ASSIGN_OR_RETURN(std::vector<Token> tokens, lexer.Tokenize());
  Parser parser(std::move(tokens), file, options.v0_compatible);
  GOV_ASSIGN_OR_RETURN(std::unique_ptr<Module> module, parser.TopModule());
  GOV_RETURN_IF_ERROR(AttachAnnotations(lexer.comments(), module.get()));
  return module;
}

StatusOr<Body> ParseQuery(std::string_view source, const std::string& origin) {
  Lexer lexer(source, origin);
  GOV_ASSIGN_OR_RETURN(std::vector<Token> tokens, lexer.Tokenize());
  Parser parser(std::move(tokens), origin, false);
  return parser.Query();
}

StatusOr<TermPtr> ParseTerm(std::string_view source, const std::string& origin) {
  Lexer lexer(source, origin);
  GOV_ASSIGN_OR_RETURN(std::vector<Token> tokens, lexer.Tokenize());
  Parser parser(std::move(tokens), origin, false);
  return parser.SingleTerm();
}

}  // namespace governance::rego
