#include "policy/inline_functions.h"

#include <doctest/doctest.h>

#include <map>

#include "governance/policy.h"
#include "policy/parser.h"

namespace governance::rego {
namespace {

std::unique_ptr<Program> Build(const std::vector<std::pair<std::string, std::string>>& modules) {
  std::vector<std::unique_ptr<Module>> parsed;
  for (const auto& [file, text] : modules) {
    auto m = ParseModule(text, file, {});
    REQUIRE_MESSAGE(m.ok(), m.status().message());
    parsed.push_back(*std::move(m));
  }
  auto program = Compile(std::move(parsed), Value());
  REQUIRE_MESSAGE(program.ok(), program.status().message());
  return *std::move(program);
}

// For each rule named p, q, ... of every module: whether each call to a user
// function in its body was inlined, in order ("inlined" / "called").
std::map<std::string, std::vector<std::string>> Calls(const Program& program) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& m : program.modules) {
    for (const auto& r : m->rules) {
      if (r->kind == RuleKind::kFunction) continue;
      std::vector<std::string>& calls = out[r->head_ref[0]->value.str()];
      ForEachTerm(r->body, [&](Term* t) {
        if (t->kind == TermKind::kCall && t->target == CallTarget::kFunction) {
          calls.push_back(t->inlined != nullptr ? "inlined" : "called");
        }
      });
    }
  }
  return out;
}

const std::vector<std::string> kInlined = {"inlined"};
const std::vector<std::string> kCalled = {"called"};

}  // namespace

TEST_CASE("Inlining: one-line functions given names are inlined") {
  auto program = Build({{"m.rego", R"(package t
name(dep) := lower(trim_space(dep))
both(a, b) := concat("/", [a, b, a])
p if name(input.x) == "a"
q if { y := input.y; both(y, "k") == "a" }
r if { y := input.y; name(y) == "a" }
)"}});
  auto calls = Calls(*program);
  // input.x is computed, not named: substituting it would evaluate it again
  // for each use of the parameter.
  CHECK(calls["p"] == kCalled);
  CHECK(calls["q"] == kInlined);
  CHECK(calls["r"] == kInlined);
}

TEST_CASE("Inlining: anything but a one-line function is called") {
  auto program = Build({{"m.rego", R"(package t
two(x) := 1 if x == 1
two(x) := 2 if x == 2
with_else(x) := 1 if x == 1
else := 2
with_body(x) := y if y := x
pattern([x]) := x
repeated(x, x) := x
compr(x) := [y | some y in x]
anon(x) := x[_]
calls_user(x) := with_body(x)
plain(x) := x
a if { v := input.v; two(v) == 1 }
b if { v := input.v; with_else(v) == 1 }
c if { v := input.v; with_body(v) == 1 }
d if { v := input.v; pattern(v) == 1 }
e if { v := input.v; repeated(v, v) == 1 }
f if { v := input.v; compr(v) == [1] }
g if { v := input.v; anon(v) == 1 }
h if { v := input.v; calls_user(v) == 1 }
i if { v := input.v; plain(v, out); out == 1 }
)"}});
  auto calls = Calls(*program);
  for (const char* rule : {"a", "b", "c", "d", "e", "f", "g", "h", "i"}) {
    CAPTURE(rule);
    CHECK(calls[rule] == kCalled);
  }
}

TEST_CASE("Inlining: only within the function's own file") {
  auto program = Build({{"a.rego", "package t\nid(x) := x\np if { v := input.v; id(v) == 1 }\n"},
                        {"b.rego", "package t\nq if { v := input.v; id(v) == 1 }\n"}});
  auto calls = Calls(*program);
  CHECK(calls["p"] == kInlined);
  CHECK(calls["q"] == kCalled);
}

TEST_CASE("Inlining: results, mocks and errors are those of the call") {
  auto bundle = CompilePolicyModules({{"m.rego", R"(package t
name(dep) := lower(trim_space(dep))
shout(s) := upper(s)
p := [n | some d in input.deps; n := name(d)]
q if { x := input.n; name(x) == "x" }
)"}},
                                     nullptr);
  REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  auto query = [&](const std::string& text, const nlohmann::json& input, bool strict = false) {
    QueryOptions opts;
    opts.input = &input;
    opts.strict_builtin_errors = strict;
    return bundle->Query(text, opts);
  };
  nlohmann::json input = {{"deps", {" Torch", "NumPy "}}, {"n", 1}};
  auto rows = query("x := data.t.p", input);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].at("x") == nlohmann::json({"torch", "numpy"}));
  // A `with` on the function, or on a builtin it calls, still applies.
  rows = query("x := data.t.p with data.t.name as data.t.shout", input);
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].at("x") == nlohmann::json({" TORCH", "NUMPY "}));
  rows = query("x := data.t.p with lower as upper", input);
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].at("x") == nlohmann::json({"TORCH", "NUMPY"}));
  // A builtin error inside the function names the function's line.
  auto err = query("data.t.q", input, true);
  REQUIRE_FALSE(err.ok());
  CHECK(err.status().message() ==
        "m.rego:2: eval_type_error: trim_space: operand 1 must be string but got number");
}

}  // namespace governance::rego
