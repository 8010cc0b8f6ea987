// Evaluator semantics, exercised through the bundle Query API.
#include <doctest/doctest.h>

#include "governance/policy.h"

namespace governance {
namespace {

StatusOr<std::vector<QueryBindings>> Run(const std::string& module, const std::string& query,
                                         const nlohmann::json& input = nullptr,
                                         bool strict = false) {
  GOV_ASSIGN_OR_RETURN(PolicyBundle b, CompilePolicyModules({{"m.rego", module}}, nullptr));
  QueryOptions opts;
  opts.input = input.is_null() ? nullptr : &input;
  opts.strict_builtin_errors = strict;
  return b.Query(query, opts);
}

// The value of x in the single result row, or "undefined".
std::string X(const std::string& module, const std::string& query = "x := data.t.p",
              const nlohmann::json& input = nullptr) {
  auto rows = Run(module, query, input);
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  if (rows->empty()) return "undefined";
  REQUIRE(rows->size() == 1);
  return (*rows)[0].at("x").dump();
}

std::string Error(const std::string& module, const std::string& query = "x := data.t.p",
                  bool strict = false) {
  auto rows = Run(module, query, nullptr, strict);
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().code() == StatusCode::kInvalidArgument);
  return rows.status().message();
}

}  // namespace

TEST_CASE("Evaluator: undefined is not false") {
  CHECK(X("package t\np if input.missing == 1") == "undefined");
  CHECK(X("package t\np if not input.missing") == "true");
  CHECK(X("package t\ndefault p := false\np if input.missing") == "false");
}

TEST_CASE("Evaluator: complete, partial set and partial object rules") {
  CHECK(X("package t\np := 7") == "7");
  CHECK(X("package t\np contains x if some x in [3, 1, 3]") == "[1,3]");
  CHECK(X("package t\np[k] := v if some k, v in {\"a\": 1, \"b\": 2}") == R"({"a":1,"b":2})");
  CHECK(X("package t\np.q.r := 1\np.q.s := 2", "x := data.t.p") == R"({"q":{"r":1,"s":2}})");
  CHECK(X("package t\np[x][y] := 1 if { x := \"a\"; y := \"b\" }") == R"({"a":{"b":1}})");
}

TEST_CASE("Evaluator: conflicts are eval_conflict_error") {
  CHECK(Error("package t\np := 1\np := 2") ==
        "m.rego:3: eval_conflict_error: rule data.t.p produced conflicting values "
        "(complete rules must not produce multiple outputs)");
  CHECK(Error("package t\nf(x) := 1\nf(x) := 2\np := f(0)") ==
        "m.rego:3: eval_conflict_error: function data.t.f produced conflicting values for the "
        "same inputs (functions must not produce multiple outputs for same inputs)");
  CHECK(Error("package t\np[k] := v if { some v in [1, 2]; k := \"a\" }") ==
        "m.rego:2: eval_conflict_error: object keys must be unique");
}

TEST_CASE("Evaluator: functions with several definitions and else") {
  const char* m = R"(package t
f(x) := "neg" if x < 0
else := "zero" if x == 0
else := "pos"
g([a, b]) := a + b
p := [f(-1), f(0), f(5), g([1, 2])]
)";
  CHECK(X(m) == R"(["neg","zero","pos",3])");
}

TEST_CASE("Evaluator: function parameters that are patterns or repeated") {
  // Distinct variables are bound straight to the operands; anything else
  // unifies, and a parameter that does not match leaves the call undefined.
  const char* m = R"(package t
same(x, x) := "same"
pair([a, b], c) := [a, b, c]
lit(1, y) := y
p := [same(1, 1), pair([2, 3], 4), lit(1, "one")]
q := same(1, 2)
r := lit(2, "two")
)";
  CHECK(X(m) == R"(["same",[2,3,4],"one"])");
  CHECK(X(m, "x := data.t.q") == "undefined");
  CHECK(X(m, "x := data.t.r") == "undefined");
}

TEST_CASE("Evaluator: unification, assignment and comparisons") {
  CHECK(X("package t\np := y if [1, y] = [1, 2]") == "2");
  CHECK(X("package t\np := y if { {\"a\": y} := {\"a\": [1]} }") == "[1]");
  CHECK(X("package t\np if { 1 < 2; \"a\" <= \"b\"; [1] != [2]; 3 >= 3 }") == "true");
  CHECK(X("package t\np := 7 / 2 + 10 % 4 - 1 * 2") == "3.5");
}

TEST_CASE("Evaluator: object patterns on both sides unify key by key") {
  CHECK(X("package t\np := [x, y] if { {\"a\": x, \"b\": 2} = {\"b\": y, \"a\": 1} }") == "[1,2]");
  CHECK(X("package t\np := [x, y, z] if { {\"a\": [x, 2], \"c\": {\"d\": z}} = "
          "{\"c\": {\"d\": 3}, \"a\": [1, y]} }") == "[1,2,3]");
  CHECK(X("package t\np := [x, y] if { {\"a\": x, \"b\": x} = {\"a\": 1, \"b\": y} }") == "[1,1]");
  CHECK(X("package t\np := [x, y] if { {\"a\": x} = {\"b\": y} }") == "undefined");
  CHECK(X("package t\np := [x, y] if { {\"a\": x} = {\"a\": 1, \"b\": y} }") == "undefined");
  CHECK(X("package t\np := [x, y] if { [x] = {\"b\": y} }") == "undefined");
  CHECK(Error("package t\np if x = y") == "m.rego:2: rego_unsafe_var_error: var x is unsafe");
}

TEST_CASE("Evaluator: some, every, in, not, comprehensions") {
  CHECK(X("package t\np := [x | some x in [1, 2, 3]; x > 1]") == "[2,3]");
  CHECK(X("package t\np := {k | some k, _ in {\"b\": 1, \"a\": 2}}") == R"(["a","b"])");
  CHECK(X("package t\np if every x in [1, 2] { x > 0 }") == "true");
  CHECK(X("package t\np if every x in [1, -2] { x > 0 }") == "undefined");
  CHECK(X("package t\np if { 2 in [1, 2]; not 3 in [1, 2]; \"b\", 1 in [\"a\", \"b\"] }") ==
        "undefined");
  CHECK(X("package t\np if { 2 in [1, 2]; not 3 in [1, 2]; 1, \"b\" in [\"a\", \"b\"] }") ==
        "true");
  CHECK(X("package t\np := {k: v | some v in [1, 2]; k := sprintf(\"k%d\", [v])}") ==
        R"({"k1":1,"k2":2})");
  CHECK(X("package t\np := count([x | some x; data.t.q[x]])\nq := {1, 2}") == "2");
}

TEST_CASE("Evaluator: refs with variables iterate") {
  auto rows = Run("package t\nq := {\"a\": 1, \"b\": 2}", "data.t.q[k] = v");
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].at("k") == "a");
  CHECK((*rows)[1].at("v") == 2);
}

TEST_CASE("Evaluator: with replaces input, data and functions") {
  const char* m = R"(package t
q := input.v
r := data.t.s
s := 1
f(x) := x
a := x if x := q with input.v as 5
b := x if x := r with data.t.s as 9
c := x if x := f(1) with f as 3
d := x if x := time.now_ns() with time.now_ns as 42
g(x) := x + 100
e := x if x := f(1) with data.t.f as 4
h := x if x := f(1) with data.t.f as data.t.g
p := [a, b, c, d, e, h]
)";
  CHECK(X(m) == "[5,9,3,42,4,101]");
}

TEST_CASE("Evaluator: with replaces a builtin by a builtin, a function or a value") {
  // OPA's documentation: a function or builtin may be replaced by a value,
  // by another builtin of the same arity or by a user function.
  const char* m = R"(package t
xs := [1, 2, 3]
plus_one(ys) := count(ys) + 1
a := n if n := count(xs) with count as sum
b := n if n := count(xs) with count as plus_one
c := n if n := count(xs) with count as 10
d if count(xs) with count as true
e if count(xs) with count as false
p := [a, b, c, d]
)";
  CHECK(X(m) == "[6,4,10,true]");
  CHECK(X(m, "x := data.t.e") == "undefined");
}

TEST_CASE("Evaluator: a replacement runs with no function replaced") {
  // `f with f as g` where g calls f calls the real f; and a `with` replacing
  // what g calls is not applied inside g (OPA pushes an empty frame of mocks
  // for the call of a replacement).
  const char* m = R"(package t
f(x) := x + 1
g(x) := f(x) * 10
h(x) := count(x)
k(x) := h(x) + 100
a := n if n := f(1) with f as g
b := n if n := k([1]) with k as h with count as 7
c := n if n := h([1, 2]) with count as 7
p := [a, b, c]
)";
  CHECK(X(m) == "[20,1,7]");
}

TEST_CASE("Evaluator: nested with, the inner one in force, the outer one again after") {
  const char* m = R"(package t
f(x) := x
q := [f(1), r]
r := n if n := f(2) with f as 20
p := n if n := q with f as 10
)";
  CHECK(X(m) == "[10,20]");
}

TEST_CASE("Evaluator: every strategy yields to with") {
  // Constant refs, inlined calls and single terms are computed ahead of or
  // instead of the term as written; under a `with` replacing what they
  // assume, each must give what the term as written gives.
  const char* m = R"(package t
cfg := data.base.cfg
limit := cfg.limit
twice(x) := x * 2
const := limit
inlined := twice(3)
single := y if { v := 4; y := twice(v) + count([v]) }
p := [const, inlined, single]
)";
  auto b = CompilePolicyModules({{"m.rego", m}},
                                nlohmann::json::parse(R"({"base": {"cfg": {"limit": 5}}})"));
  REQUIRE(b.ok());
  auto query = [&](const std::string& q) {
    auto rows = b->Query(q, QueryOptions());
    REQUIRE_MESSAGE(rows.ok(), rows.status().message());
    REQUIRE(rows->size() == 1);
    return (*rows)[0].at("x").dump();
  };
  CHECK(query("x := data.t.p") == "[5,6,9]");
  CHECK(query("x := data.t.p with data.base.cfg.limit as 7") == "[7,6,9]");
  CHECK(query("x := data.t.p with data.t.cfg as {\"limit\": 8}") == "[8,6,9]");
  CHECK(query("x := data.t.p with data.t.twice as 0") == "[5,0,1]");
  CHECK(query("x := data.t.p with count as 100") == "[5,6,108]");
  CHECK(query("x := data.t.p with input as 1") == "[5,6,9]");
}

TEST_CASE("Evaluator: base data is read by string keys, numbers naming them") {
  auto b = CompilePolicyModules(
      {{"m.rego", "package t\np := data[2]\nq := data.nested[2]\nr := o[2] if o := data.nested"}},
      nlohmann::json::parse(R"({"2": "top", "nested": {"2": "bar"}})"));
  REQUIRE(b.ok());
  auto x = [&](const std::string& q) {
    auto rows = b->Query(q, QueryOptions());
    REQUIRE_MESSAGE(rows.ok(), rows.status().message());
    return rows->empty() ? std::string("undefined") : (*rows)[0].at("x").dump();
  };
  CHECK(x("x := data.t.p") == R"("top")");
  CHECK(x("x := data.t.q") == R"("bar")");
  // A value held in a variable is not base data: its keys are compared as is.
  CHECK(x("x := data.t.r") == "undefined");
}

TEST_CASE("Evaluator: rules below a partial object's path are keys of it") {
  const char* m = R"(package t
p[k] := v if v := ["a", "b", "c"][k]
p["foo"] := "bar"
q contains x if { x := p[_]; x == "bar" }
)";
  CHECK(X(m, "x := data.t.p.foo") == R"("bar")");
  CHECK(X(m, "x := data.t.p") == R"({"0":"a","1":"b","2":"c","foo":"bar"})");
  CHECK(X(m, "x := data.t.q") == R"(["bar"])");
  CHECK(Error("package t\np[k] := 1 if k := \"foo\"\np.foo := 2") ==
        "m.rego:3: eval_conflict_error: object keys must be unique");
}

TEST_CASE("Evaluator: strict mode turns builtin errors into errors") {
  const char* m = "package t\np := x if x := 1 / 0";
  CHECK(X(m) == "undefined");
  CHECK(Error(m, "x := data.t.p", /*strict=*/true) ==
        "m.rego:2: eval_builtin_error: div: divide by zero");
  CHECK(Error("package t\np := count(1)", "x := data.t.p", true) ==
        "m.rego:2: eval_type_error: count: operand 1 must be one of {array, object, set, string} "
        "but got number");
}

TEST_CASE("Evaluator: compile errors name the problem") {
  CHECK(Error("package t\np := nope(1)") == "m.rego:2: rego_type_error: undefined function nope");
  CHECK(Error("package t\np := count(1, 2, 3)") ==
        "m.rego:2: rego_type_error: count: arity mismatch: expected 1 arguments, got 3");
  CHECK(Error("package t\np := 1\np contains 2") ==
        "m.rego:3: rego_type_error: conflicting rules data.t.p found");
  CHECK(Error("package t\np if q\nq if p") ==
        "m.rego:2: rego_recursion_error: rule data.t.p is recursive");
}

TEST_CASE("Evaluator: print goes to the sink") {
  auto b = CompilePolicyModules({{"m.rego", "package t\np if print(\"hi\", 1)"}}, nullptr);
  REQUIRE(b.ok());
  std::string printed;
  QueryOptions opts;
  opts.print = [&](const std::string& s) { printed += s; };
  auto rows = b->Query("data.t.p", opts);
  REQUIRE(rows.ok());
  CHECK(printed == "hi 1");
}

TEST_CASE("Evaluator: input_term carries sets") {
  auto b = CompilePolicyModules({{"m.rego", "package t\np := count(input.s)"}}, nullptr);
  REQUIRE(b.ok());
  QueryOptions opts;
  opts.input_term = R"({"s": {1, 2, 2}})";
  auto rows = b->Query("x := data.t.p", opts);
  REQUIRE(rows.ok());
  CHECK((*rows)[0].at("x") == 2);
}

}  // namespace governance
