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
        "m.rego:3: eval_conflict_error: rule data.t.p produced conflicting values");
  CHECK(Error("package t\nf(x) := 1\nf(x) := 2\np := f(0)") ==
        "m.rego:3: eval_conflict_error: function data.t.f produced conflicting values for the "
        "same inputs");
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
