// walk, the builtin that is a relation (policy/builtins_walk.h), from OPA's
// documentation and conformance cases.
#include "policy/builtins_walk.h"

#include <doctest/doctest.h>

#include "governance/policy.h"

namespace governance {
namespace {

// Every row of `query` against `module`, as JSON of its bindings.
std::string Rows(const std::string& module, const std::string& query) {
  auto b = CompilePolicyModules({{"m.rego", module}}, nullptr);
  REQUIRE_MESSAGE(b.ok(), b.status().message());
  auto rows = b->Query(query, QueryOptions());
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : *rows) out.push_back(row);
  return out.dump();
}

}  // namespace

TEST_CASE("walk: every path and value, the document itself first") {
  CHECK(Rows("package t", "walk(1, x)") == R"([{"x":[[],1]}])");
  CHECK(Rows("package t", "walk([7, [8]], x)") ==
        R"([{"x":[[],[7,[8]]]},{"x":[[0],7]},{"x":[[1],[8]]},{"x":[[1,0],8]}])");
  // Object keys in Rego order; a set's elements are their own keys.
  CHECK(Rows("package t", "walk({\"b\": 1, \"a\": {2}}, [p, v])") ==
        R"([{"p":[],"v":{"a":[2],"b":1}},{"p":["a"],"v":[2]},{"p":["a",2],"v":2},)"
        R"({"p":["b"],"v":1}])");
}

TEST_CASE("walk: a partly bound output selects the pairs that unify with it") {
  const char* m = R"(package t
q := [{"foo": 1, "bar": 2, "bazoo": 3}]
p contains [k, x] if {
  walk(q, [k, x])
  contains(k[1], "oo")
}
)";
  CHECK(Rows(m, "x := data.t.p") == R"([{"x":[[[0,"bazoo"],3],[[0,"foo"],1]]}])");
  CHECK(Rows(m, "walk(data.t.q, [[0, \"bar\"], v])") == R"([{"v":2}])");
  CHECK(Rows(m, "walk(data.t.q, [[0, \"none\"], v])") == "[]");
  CHECK(Rows(m, "walk(data.t.q, [_, 3])") == "[{}]");
}

TEST_CASE("walk: called without the output, each pair is a value of the call") {
  const char* m = R"(package t
x := {"a": [{"b": "B"}, {"c": "CC"}]}
p := {path: value | [path, value] := walk(x); count(value) == 2}
)";
  // Keys are paths (arrays), written as their JSON text.
  CHECK(Rows(m, "x := data.t.p") == R"([{"x":{"[\"a\",1,\"c\"]":"CC",)"
                                     R"("[\"a\"]":[{"b":"B"},{"c":"CC"}]}}])");
}

TEST_CASE("walk: a function whose value is a walk is a conflict, not many values") {
  // A relation is never inlined or taken as a single term: a function has
  // one value per input.
  const char* m = "package t\nf(x) := walk(x)\np := f([1])";
  auto b = CompilePolicyModules({{"m.rego", m}}, nullptr);
  REQUIRE(b.ok());
  auto rows = b->Query("x := data.t.p", QueryOptions());
  REQUIRE_FALSE(rows.ok());
  CHECK(rows.status().message() ==
        "m.rego:2: eval_conflict_error: function data.t.f produced conflicting values for the "
        "same inputs (functions must not produce multiple outputs for same inputs)");
}

TEST_CASE("walk: with replaces it by a value like any builtin") {
  CHECK(Rows("package t", "x := walk([1]) with walk as 5") == R"([{"x":5}])");
}

TEST_CASE("walk: is the only relation") {
  for (const rego::Builtin* b : rego::AllBuiltins()) {
    CAPTURE(b->name);
    CHECK(rego::IsRelation(*b) == (b->name == "walk"));
  }
}

}  // namespace governance
