#include "policy/parser.h"

#include <doctest/doctest.h>

namespace governance::rego {
namespace {

std::unique_ptr<Module> Parse(std::string_view src, bool v0 = false) {
  ParseOptions opts;
  opts.v0_compatible = v0;
  auto m = ParseModule(src, "p.rego", opts);
  REQUIRE_MESSAGE(m.ok(), m.status().message());
  return std::move(*m);
}

std::string ParseError(std::string_view src, bool v0 = false) {
  ParseOptions opts;
  opts.v0_compatible = v0;
  auto m = ParseModule(src, "p.rego", opts);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == StatusCode::kInvalidArgument);
  return m.status().message();
}

}  // namespace

TEST_CASE("Parser: v1 rule kinds") {
  auto m = Parse(R"(package a.b
import rego.v1
default allow := false
allow if input.x == 1
deny contains msg if { msg := "no" }
obj[k] := v if { some k, v in input }
f(x) := x + 1
p.q.r := 3
)");
  CHECK(m->package == std::vector<std::string>{"a", "b"});
  REQUIRE(m->rules.size() == 6);
  CHECK(m->rules[0]->is_default);
  CHECK(m->rules[1]->kind == RuleKind::kComplete);
  CHECK(m->rules[2]->kind == RuleKind::kSet);
  CHECK(m->rules[3]->kind == RuleKind::kObject);
  CHECK(m->rules[4]->kind == RuleKind::kFunction);
  CHECK(m->rules[4]->params.size() == 1);
  CHECK(m->rules[5]->head_ref.size() == 3);
}

TEST_CASE("Parser: v0 syntax only when asked for") {
  const char* src = "package a\ndeny[msg] {\n  msg := \"x\"\n}\ndefault allow = false\n";
  auto m = Parse(src, /*v0=*/true);
  REQUIRE(m->rules.size() == 2);
  CHECK(m->rules[0]->kind == RuleKind::kSet);
  CHECK(m->rules[0]->key != nullptr);
  CHECK(ParseError(src) == "p.rego:2:11: rego_parse_error: `if` keyword is required before rule body");
  // A v0 module that imports rego.v1 is v1.
  CHECK(ParseError("package a\nimport rego.v1\np { true }\n", true) ==
        "p.rego:3:3: rego_parse_error: `if` keyword is required before rule body");
}

TEST_CASE("Parser: else chains, comprehensions, every, with") {
  auto m = Parse(R"(package a
f(x) := 1 if x > 0 else := 2 if x < 0 else := 0
s := {y | some y in [1, 2]}
o := {k: v | some k, v in {"a": 1}}
e if every x in [1] { x > 0 }
w if f(1) == 1 with input as {}
)");
  REQUIRE(m->rules.size() == 5);
  REQUIRE(m->rules[0]->else_rule != nullptr);
  REQUIRE(m->rules[0]->else_rule->else_rule != nullptr);
  CHECK(m->rules[1]->value->kind == TermKind::kSetCompr);
  CHECK(m->rules[2]->value->kind == TermKind::kObjectCompr);
  CHECK(m->rules[3]->body[0]->kind == ExprKind::kEvery);
  CHECK(m->rules[4]->body[0]->withs.size() == 1);
}

TEST_CASE("Parser: operator precedence") {
  auto q = ParseQuery("x := 1 + 2 * 3 == 7", "q");
  REQUIRE(q.ok());
  const Term& rhs = *(*q)[0]->rhs;
  REQUIRE(rhs.kind == TermKind::kCall);
  CHECK(rhs.args[0]->name == "equal");
  CHECK(rhs.args[1]->args[0]->name == "plus");
  CHECK(rhs.args[1]->args[2]->args[0]->name == "mul");
}

TEST_CASE("Parser: errors name file, line and column") {
  CHECK(ParseError("p := 1") == "p.rego:1:1: rego_parse_error: package expected");
  CHECK(ParseError("package a\np := [1, 2") ==
        "p.rego:2:11: rego_parse_error: unexpected end of file in array (expected `]`)");
  CHECK(ParseError("package a\np if { x := 1 y := 2 }") ==
        "p.rego:2:15: rego_parse_error: unexpected `y` (expected `;` or a new line between "
        "expressions)");
  CHECK(ParseError("package a\nimport foo.bar\n") ==
        "p.rego:2:1: rego_parse_error: invalid import path `foo`: must begin with data or input");
}

TEST_CASE("Parser: deep nesting is an error, not a crash") {
  std::string deep = "package a\np := " + std::string(5000, '[') + std::string(5000, ']');
  CHECK(ParseError(deep).find("nesting too deep") != std::string::npos);
}

TEST_CASE("Parser: terms and queries") {
  auto t = ParseTerm(R"({"a": {1, 2}, "b": set()})", "t");
  REQUIRE(t.ok());
  CHECK((*t)->kind == TermKind::kObject);
  auto bad = ParseQuery("", "q");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "q:1:1: rego_parse_error: empty query");
}

TEST_CASE("Parser: a template string is a call of internal.template_string") {
  auto m = Parse("package a\np := $\"x{input.y}z{1}\"\n");
  const Term& call = *m->rules[0]->value;
  REQUIRE(call.kind == TermKind::kCall);
  CHECK(call.args[0]->name == "internal.template_string");
  const Term& parts = *call.args[1];
  REQUIRE(parts.kind == TermKind::kArray);
  REQUIRE(parts.args.size() == 4);
  CHECK(parts.args[0]->value == Value::String("x"));
  CHECK(parts.args[1]->kind == TermKind::kSetCompr);  // {v | v = input.y}
  CHECK(parts.args[2]->value == Value::String("z"));
  CHECK(parts.args[3]->kind == TermKind::kSet);  // a literal is its own set
  CHECK(ParseError("package a\np := $\"{}\"\n") == "p.rego:2:9: rego_parse_error: empty template expression");
  CHECK(ParseError("package a\np := $\"{1 2}\"\n") ==
        "p.rego:2:11: rego_parse_error: unexpected `2` in template expression (expected `}`)");
}

TEST_CASE("Parser: trailing commas in calls and function heads") {
  auto m = Parse("package a\nf(x, y,) := [x, y,]\np := f(\n  1,\n  2,\n)\n");
  CHECK(m->rules[0]->params.size() == 2);
  CHECK(m->rules[1]->value->args.size() == 3);
  CHECK(ParseError("package a\np := f(1,,)\n") ==
        "p.rego:2:10: rego_parse_error: unexpected `,` (expected a term)");
}

TEST_CASE("Parser: not blocks only with their import") {
  auto m = Parse("package a\nimport rego.v2\np if not { input.x; input.y }\n");
  const Expr& e = *m->rules[0]->body[0];
  CHECK(e.negated);
  CHECK(e.lhs->kind == TermKind::kCall);
  CHECK(ParseError("package a\np if not { input.x; input.y }\n") ==
        "p.rego:2:19: rego_parse_error: unexpected `;` in set (expected `}`)");
}

TEST_CASE("Parser: METADATA blocks attach to what follows them") {
  auto m = Parse("# METADATA\n# title: pkg\npackage a\n\n# METADATA\n# scope: document\n"
                 "# description: d\np := 1\n# not metadata\nq := 2\n");
  REQUIRE(m->annotations.size() == 1);
  CHECK(m->annotations[0].scope == "package");
  CHECK(m->annotations[0].value.ToString() == R"({"scope": "package", "title": "pkg"})");
  REQUIRE(m->rules[0]->annotations.size() == 1);
  CHECK(m->rules[0]->annotations[0].scope == "document");
  CHECK(m->rules[1]->annotations.empty());
}

}  // namespace governance::rego
