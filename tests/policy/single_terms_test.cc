#include "policy/single_terms.h"

#include <doctest/doctest.h>

#include <map>

#include "governance/policy.h"
#include "policy/parser.h"

namespace governance::rego {
namespace {

std::unique_ptr<Program> Build(const std::string& text) {
  std::vector<std::unique_ptr<Module>> parsed;
  auto m = ParseModule(text, "m.rego", {});
  REQUIRE_MESSAGE(m.ok(), m.status().message());
  parsed.push_back(*std::move(m));
  auto program = Compile(std::move(parsed), Value::FromJson({{"cfg", {{"n", 1}}}}));
  REQUIRE_MESSAGE(program.ok(), program.status().message());
  return *std::move(program);
}

// For each rule p, q, ...: "single" or "as written" for the right-hand side
// of its last expression (x := <term>), and the slots it needs bound.
std::map<std::string, std::string> Marks(const Program& program) {
  std::map<std::string, std::string> out;
  for (const auto& m : program.modules) {
    for (const auto& r : m->rules) {
      if (r->body.empty() || r->body.back()->rhs == nullptr) continue;
      const Term& t = *r->body.back()->rhs;
      out[r->head_ref[0]->value.str()] =
          t.single ? "single/" + std::to_string(t.single_slots.size()) : "as written";
    }
  }
  return out;
}

}  // namespace

TEST_CASE("Single terms: what the compiler marks") {
  auto program = Build(R"(package t
spec := object.get(input, "spec", {})
f(a, b) := a if a > b
f(a, b) := b if a <= b
id(v) := v
a if { x := trim_space(lower(input.name)) }
b if { v := input.v; x := [v, spec.metrics.accuracy, {"k": count(v)}] }
c if { v := input.v; x := f(v, 1) }
d if { v := input.v; x := id(v) }
e if { x := data.cfg.n }
f1 if { some k; x := input.xs[k] }
g if { x := [y | some y in input.xs] }
h if { x := data.t }
i if { x := sprintf("%v %v %v %v %v", [1, 2, 3, 4, 5]) }
j if { x := object.union(spec, {"a": [y | y := 1]}) }
)");
  auto marks = Marks(*program);
  CHECK(marks["a"] == "single/0");
  CHECK(marks["b"] == "single/1");  // v
  CHECK(marks["c"] == "single/1");  // a user function with one value per call
  CHECK(marks["d"] == "single/1");  // inlined
  CHECK(marks["e"] == "single/0");  // a constant ref
  // Single once k is bound; while it is not, the ref enumerates and is
  // evaluated as written.
  CHECK(marks["f1"] == "single/1");
  CHECK(marks["g"] == "as written");  // a comprehension
  CHECK(marks["h"] == "as written");  // a package: its extent
  CHECK(marks["i"] == "single/0");  // two operands, the array of five is one
  CHECK(marks["j"] == "as written");  // a comprehension inside
}

TEST_CASE("Single terms: results are those of the terms as written") {
  auto bundle = CompilePolicyModules({{"m.rego", R"(package t
spec := object.get(input, "spec", {})
pick(a, b) := a if a > b
pick(a, b) := b if a <= b
bad(x) := 1 if x
bad(x) := 2 if x
p := [trim_space(lower(spec.name)), pick(spec.n, 3), count(spec.xs), [spec.n, {"k": spec.n}]]
q contains i if spec.xs[i] > 1
r := spec.xs[spec.n]
s := count(spec.missing)
t if print("n is", spec.n)
u := bad(spec.n)
w := upper(spec.n)
)"}},
                                     nullptr);
  REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  nlohmann::json input = {{"spec", {{"name", " Fraud "}, {"n", 1}, {"xs", {1, 2, 3}}}}};
  std::string printed;
  auto query = [&](const std::string& text, bool strict = false) {
    QueryOptions opts;
    opts.input = &input;
    opts.strict_builtin_errors = strict;
    opts.print = [&](const std::string& s) { printed += s + "\n"; };
    return bundle->Query(text, opts);
  };
  auto value = [&](const std::string& text) -> std::string {
    auto rows = query("x := " + text);
    REQUIRE_MESSAGE(rows.ok(), rows.status().message());
    if (rows->empty()) return "undefined";
    REQUIRE(rows->size() == 1);
    return (*rows)[0].at("x").dump();
  };
  CHECK(value("data.t.p") == R"(["fraud",3,3,[1,{"k":1}]])");
  // A ref whose operand is unbound still enumerates.
  CHECK(value("data.t.q") == "[1,2]");
  CHECK(value("data.t.r") == "2");
  // An undefined operand leaves the call undefined.
  CHECK(value("data.t.s") == "undefined");
  // Evaluated once: printed once.
  CHECK(value("data.t.t") == "true");
  CHECK(printed == "n is 1\n");
  // `with` on a builtin, a function or data below a rule still applies.
  CHECK(value("data.t.p with count as 7") == R"(["fraud",3,7,[1,{"k":1}]])");
  CHECK(value("data.t.p with data.t.pick as 9") == R"(["fraud",9,3,[1,{"k":1}]])");
  CHECK(value("data.t.r with data.t.spec as {\"xs\": [5, 6], \"n\": 0}") == "5");
  // Errors are those of the call: a conflict, and a builtin error in strict mode.
  auto rows = query("x := data.t.u");
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().message() ==
        "m.rego:6: eval_conflict_error: function data.t.bad produced conflicting values for the "
        "same inputs (functions must not produce multiple outputs for same inputs)");
  CHECK(value("data.t.w") == "undefined");
  rows = query("x := data.t.w", true);
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().message() ==
        "m.rego:13: eval_type_error: upper: operand 1 must be string but got number");
  // An unbound variable where a value is needed is still reported.
  rows = query("x := trim_space(y)");
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().message().find("rego_unsafe_var_error: var y is unsafe") !=
        std::string::npos);
}

TEST_CASE("Single terms: a body steps through tests and assignments in turn") {
  auto bundle = CompilePolicyModules({{"m.rego", R"(package t
spec := object.get(input, "spec", {})
doubled contains y if { some x in spec.xs; y := x * 2; y > 2 }
pairs contains [a, b] if { some a in spec.xs; b := a + 1; some c in spec.xs; c == b }
not_false if { x := spec.n == 2; not x }
not_true if { not startswith(spec.name, " F") }
not_undefined if { not spec.missing }
undefined_assignment if { v := spec.missing; print("reached", v) }
false_test if { x := spec.n == 2; x }
value_test := v if { v := spec.n; v; spec.name }
not_error if { not upper(spec.n) }
)"}},
                                     nullptr);
  REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  nlohmann::json input = {{"spec", {{"name", " Fraud "}, {"n", 1}, {"xs", {1, 2, 3}}}}};
  std::string printed;
  auto value = [&](const std::string& rule) -> std::string {
    QueryOptions opts;
    opts.input = &input;
    opts.print = [&](const std::string& s) { printed += s + "\n"; };
    auto rows = bundle->Query("x := data.t." + rule, opts);
    REQUIRE_MESSAGE(rows.ok(), rows.status().message());
    if (rows->empty()) return "undefined";
    REQUIRE(rows->size() == 1);
    return (*rows)[0].at("x").dump();
  };
  // Each assignment is undone on the way back, so the next value of x binds y anew.
  CHECK(value("doubled") == "[4,6]");
  CHECK(value("pairs") == "[[1,2],[2,3]]");
  CHECK(value("not_false") == "true");
  CHECK(value("not_true") == "undefined");
  CHECK(value("not_undefined") == "true");
  CHECK(value("undefined_assignment") == "undefined");
  CHECK(printed.empty());
  CHECK(value("false_test") == "undefined");
  CHECK(value("value_test") == "1");
  // Outside strict mode a builtin error leaves the expression undefined.
  CHECK(value("not_error") == "true");
}

}  // namespace governance::rego
