// Rego syntax newer than the v1.0 core, checked end to end through the
// bundle Query API against OPA's documented results: template strings,
// trailing commas, `not { ... }` blocks, numbers beyond float64 and METADATA
// annotations read by rego.metadata.rule() / chain().
#include <doctest/doctest.h>

#include "governance/policy.h"
#include "policy/builtins.h"

namespace governance {
namespace {

StatusOr<std::vector<QueryBindings>> Run(const std::vector<std::pair<std::string, std::string>>& modules,
                                         const std::string& query, const nlohmann::json& input) {
  GOV_ASSIGN_OR_RETURN(PolicyBundle b, CompilePolicyModules(modules, nullptr));
  QueryOptions opts;
  opts.input = input.is_null() ? nullptr : &input;
  return b.Query(query, opts);
}

// The value of x in the single result row, or "undefined".
std::string X(const std::string& module, const std::string& query = "x := data.t.p",
              const nlohmann::json& input = nullptr) {
  auto rows = Run({{"m.rego", module}}, query, input);
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  if (rows->empty()) return "undefined";
  REQUIRE(rows->size() == 1);
  return (*rows)[0].at("x").dump();
}

std::string Error(const std::string& module, const std::string& query = "x := data.t.p") {
  auto rows = Run({{"m.rego", module}}, query, nullptr);
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().code() == StatusCode::kInvalidArgument);
  return rows.status().message();
}

}  // namespace

TEST_CASE("Template strings render values as OPA's print does") {
  CHECK(X(R"(package t
p := $"{42}, {13.37}, {true}, {"foo"}, {null}")") == R"("42, 13.37, true, foo, null")");
  CHECK(X(R"(package t
p := $"{[1, "a"]} {{"k": "v"}} {set()} {{2, 1}}")") == R"("[1, \"a\"] {\"k\": \"v\"} set() {1, 2}")");
  CHECK(X("package t\np := $\"\"") == R"("")");
  CHECK(X("package t\np := $\"plain\"") == R"("plain")");
}

TEST_CASE("Template strings: undefined expressions, escapes, nesting, raw form") {
  CHECK(X(R"(package t
p := $"{input.x}, {data.y}")") == R"("<undefined>, <undefined>")");
  CHECK(X(R"(package t
p := $"a \{42} \t{1}\}")") == R"("a {42} \t1}")");
  CHECK(X(R"(package t
a := "foo"
p := $"{$"{a}"}-{$"<{$"{a}"}>"}")") == R"("foo-<foo>")");
  CHECK(X("package t\nx := 2\np := $`line {x}\n\\{raw} \\n`") == R"("line 2\n{raw} \\n")");
}

TEST_CASE("Template strings: variables, comprehensions, with, function heads") {
  CHECK(X(R"(package t
p := [x | some y in ["a", "b"]; x := $"<{y}>"])") == R"(["<a>","<b>"])");
  CHECK(X(R"(package t
a := input.a
p := x if { x := $"foo {a} {a + 1}" with input.a as 41 })") == R"("foo 41 42")");
  CHECK(X(R"(package t
p := f("foo bar")
f($"{x} {input.y}") := 42 if { x = "foo" })",
          "x := data.t.p", {{"y", "bar"}}) == "42");
  CHECK(X("package t", "x = $\"{1 + 2}\"") == R"("3")");
}

TEST_CASE("Template strings: several values are eval_conflict_error") {
  CHECK(Error("package t\np := $\"{[1, 2][_]}\"") ==
        "m.rego:2: eval_conflict_error: template-strings must not produce multiple outputs");
}

TEST_CASE("internal.template_string checks its operand") {
  const rego::Builtin* b = rego::LookupBuiltin("internal.template_string");
  REQUIRE(b != nullptr);
  rego::BuiltinContext ctx;
  rego::Value out;
  rego::Value not_array = rego::Value::String("x");
  const rego::Value* args[] = {&not_array};
  Status s = b->fn(ctx, rego::Operands(args, 1), &out);
  CHECK(s.message() ==
        "eval_type_error: internal.template_string: operand 1 must be array but got string");
  rego::Value nested = rego::Value::Array({rego::Value::Array({})});
  args[0] = &nested;
  s = b->fn(ctx, rego::Operands(args, 1), &out);
  CHECK(s.message() == "eval_builtin_error: internal.template_string: illegal argument type: array");
}

TEST_CASE("Trailing commas, as opa fmt writes them") {
  CHECK(X(R"(package t
f(a, b,) := a + b
p := f(
  1,
  2,
))") == "3");
  CHECK(X("package t\np := [count([1, 2,]), {\"a\": 1,}, {3,}]") == R"([2,{"a":1},[3]])");
}

TEST_CASE("not { ... } blocks need import rego.v2 or future.keywords.not") {
  const std::string body = R"(
default p := false
p if {
  not { input.a; input.b }
})";
  CHECK(X("package t\nimport rego.v2\n" + body, "x := data.t.p", {{"a", true}, {"b", false}}) ==
        "true");
  CHECK(X("package t\nimport rego.v2\n" + body, "x := data.t.p", {{"a", true}, {"b", true}}) ==
        "false");
  CHECK(X("package t\nimport future.keywords.not\np if not { some x in [1, 2]; x > 2 }") == "true");
  // Without the import `{` after `not` is a set or object term.
  CHECK(X("package t\np if not {1: false}[1]") == "true");
}

TEST_CASE("and / or keywords: control flow that binds nothing and never branches") {
  const std::string head = "package t\nimport future.keywords.and\nimport future.keywords.or\n";
  CHECK(X(head + "p if input.a or input.b", "x := data.t.p", {{"b", true}}) == "true");
  CHECK(X(head + "p if input.a or input.b", "x := data.t.p", {{"a", false}}) == "undefined");
  CHECK(X(head + "p if input.a and input.b", "x := data.t.p", {{"a", true}, {"b", 1}}) == "true");
  CHECK(X(head + "p if input.a and input.b", "x := data.t.p", {{"a", true}}) == "undefined");
  // a or (b and c); (a or b) and c.
  CHECK(X(head + "p if input.a or input.b and input.c", "x := data.t.p", {{"a", true}}) == "true");
  CHECK(X(head + "p if (input.a or input.b) and input.c", "x := data.t.p", {{"a", true}}) ==
        "undefined");
  // Both operands hold, yet the comprehension gets one element per x.
  CHECK(X(head + R"(p := [x |
  some x in ["do", "re", "mi"]
  count(x) > 1 or count(x) < 3
])") == R"(["do","re","mi"])");
  // An explicit body may iterate and bind, locally.
  CHECK(X(head + "p if {\n  y := 3\n  { some x in [1, 2, 3]; x > y - 1 } or input.b\n}") == "true");
  // A comprehension that starts an expression is still a term.
  CHECK(X(head + "p if {\n  {x | some x in [1]} == {1} or false\n}") == "true");
  CHECK(X("package t\nimport future.keywords\np if {\n  {x | some x in [1]} == {1}\n}") == "true");
  // A parenthesised term is still a term.
  CHECK(X(head + "p if (1 + 2) == 3 or false") == "true");
  // not binds tighter than and.
  CHECK(X(head + "p if not input.a and input.b", "x := data.t.p", {{"b", true}}) == "true");
  // Without the import, `or` is just a name.
  CHECK(Error("package t\np if input.a or input.b") ==
        "m.rego:2:14: rego_parse_error: rule must have a value or a body");
}

TEST_CASE("not ( ... ) negates a whole and / or with future.keywords.not") {
  const std::string head = "package t\nimport future.keywords\n";
  CHECK(X(head + "p if not (input.a or input.b)") == "true");
  CHECK(X(head + "p if not (input.a or input.b)", "x := data.t.p", {{"b", true}}) == "undefined");
}

TEST_CASE("Numbers beyond float64 parse and order above every finite number") {
  CHECK(X("package t\np := 1e1000 > 1e308") == "true");
  CHECK(X("package t\np := -1e1000 < -1e308") == "true");
}

TEST_CASE("METADATA: rego.metadata.rule and chain") {
  const std::string module = R"(# METADATA
# description: The suite
package t

# METADATA
# title: Testing
# authors:
# - Jane Doe <jane@example.com>
# - name: Bob
# related_resources:
# - https://example.com
# custom:
#   severity: high
p := rego.metadata.chain()

q := rego.metadata.rule()

# METADATA
# scope: document
# entrypoint: true
r := rego.metadata.chain() if false

r := rego.metadata.chain()
)";
  CHECK(X(module) ==
        R"([{"annotations":{"authors":[{"email":"jane@example.com","name":"Jane Doe"},{"name":"Bob"}],)"
        R"("custom":{"severity":"high"},"related_resources":[{"ref":"https://example.com"}],)"
        R"("scope":"rule","title":"Testing"},"path":["t","p"]},)"
        R"({"annotations":{"description":"The suite","scope":"package"},"path":["t"]}])");
  CHECK(X(module, "x := data.t.q") == "{}");
  CHECK(X(module, "x := data.t.r") ==
        R"([{"path":["t","r"]},{"annotations":{"entrypoint":true,"scope":"document"},"path":["t","r"]},)"
        R"({"annotations":{"description":"The suite","scope":"package"},"path":["t"]}])");
}

TEST_CASE("METADATA: subpackages scope reaches nested packages") {
  auto rows = Run({{"a.rego", "# METADATA\n# scope: subpackages\n# title: Root\npackage a\n"},
                   {"b.rego", "package a.b\np := rego.metadata.chain()\n"}},
                  "x := data.a.b.p", nullptr);
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].at("x").dump() ==
        R"([{"path":["a","b","p"]},{"annotations":{"scope":"subpackages","title":"Root"},"path":["a"]}])");
}

TEST_CASE("METADATA: errors") {
  CHECK(Error("# METADATA\n# scope: rule\npackage t\n") ==
        "m.rego:1:1: rego_parse_error: annotation scope 'rule' must be applied to rule");
  CHECK(Error("package t\n# METADATA\n# scope: galaxy\np := 1\n") ==
        "m.rego:2:1: rego_parse_error: invalid annotation scope 'galaxy'");
  CHECK(Error("package t\n# METADATA\n# - a list\np := 1\n") ==
        "m.rego:2:1: rego_parse_error: invalid METADATA block: expected a YAML mapping");
}

}  // namespace governance
