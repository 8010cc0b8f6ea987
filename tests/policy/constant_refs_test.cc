#include "policy/constant_refs.h"

#include <doctest/doctest.h>

#include <map>

#include "governance/policy.h"
#include "policy/parser.h"

namespace governance::rego {
namespace {

// Compiles `module` with base data `data`.
std::unique_ptr<Program> Build(const std::string& module, const nlohmann::json& data) {
  auto m = ParseModule(module, "m.rego", {});
  REQUIRE_MESSAGE(m.ok(), m.status().message());
  std::vector<std::unique_ptr<Module>> modules;
  modules.push_back(*std::move(m));
  auto program = Compile(std::move(modules), Value::FromJson(data));
  REQUIRE_MESSAGE(program.ok(), program.status().message());
  return *std::move(program);
}

// For each rule of the program's single module, by name: the text of the
// value each constant ref in its body holds ("-" for a ref left as written),
// in the order the refs appear.
std::map<std::string, std::vector<std::string>> Refs(const Program& program) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : program.modules[0]->rules) {
    std::vector<std::string>& refs = out[r->head_ref[0]->value.str()];
    ForEachTerm(r->body, [&](Term* t) {
      if (t->kind == TermKind::kRef) refs.push_back(t->constant ? t->value.ToString() : "-");
    });
  }
  return out;
}

const nlohmann::json kData = {{"cfg", {{"min", 0.85}, {"names", {"a", "b"}}}}};

}  // namespace

TEST_CASE("Constant refs: configuration read through alias rules is folded") {
  auto program = Build(R"(package t
cfg := data.cfg
limits := cfg
direct if data.cfg.min < 1
aliased if limits.min < 1
listed if "a" in cfg.names
indexed if cfg.names[1] == "b"
whole if count(data.cfg) == 2
)", kData);
  auto refs = Refs(*program);
  CHECK(refs["direct"] == std::vector<std::string>{"0.85"});
  CHECK(refs["aliased"] == std::vector<std::string>{"0.85"});
  CHECK(refs["listed"] == std::vector<std::string>{R"(["a", "b"])"});
  CHECK(refs["indexed"] == std::vector<std::string>{R"("b")"});
  CHECK(refs["whole"] == std::vector<std::string>{R"({"min": 0.85, "names": ["a", "b"]})"});
}

TEST_CASE("Constant refs: anything input, a body or a variable can change is left as written") {
  auto program = Build(R"(package t
from_input := input.x
with_body := data.cfg if true
by_default := 1
default by_default := 0
twice := data.cfg
twice := data.cfg
loop_a := loop_b
loop_b := loop_a
a if from_input == 1
b if with_body.min == 1
c if by_default == 1
d if twice.min == 1
e if loop_a == 1
f if { some k; data.cfg[k] }
g if data.cfg.missing == 1
h if data.t == 1
i if data.cfg.names[0] == "a"
)", kData);
  auto refs = Refs(*program);
  CHECK(refs["a"] == std::vector<std::string>{"-"});
  CHECK(refs["b"] == std::vector<std::string>{"-"});
  CHECK(refs["c"] == std::vector<std::string>{"-"});
  CHECK(refs["d"] == std::vector<std::string>{"-"});
  CHECK(refs["e"] == std::vector<std::string>{"-"});
  CHECK(refs["f"] == std::vector<std::string>{"-"});
  // Undefined: nothing to hold, evaluated as written.
  CHECK(refs["g"] == std::vector<std::string>{"-"});
  // The package's extent includes rules that read input.
  CHECK(refs["h"] == std::vector<std::string>{"-"});
  CHECK(refs["i"] == std::vector<std::string>{R"("a")"});
}

TEST_CASE("Constant refs: `with data` still replaces what a folded ref reads") {
  auto bundle = CompilePolicyModules({{"m.rego", R"(package t
cfg := data.cfg
limits := cfg
low if input.v < limits.min
)"}},
                                     kData);
  REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  auto rows = [&](const std::string& query) {
    QueryOptions opts;
    nlohmann::json input = {{"v", 0.9}};
    opts.input = &input;
    auto r = bundle->Query(query, opts);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    return r->size();
  };
  CHECK(rows("data.t.low") == 0);
  CHECK(rows("data.t.low with data.cfg.min as 0.95") == 1);
  CHECK(rows("data.t.low with data.t.limits as {\"min\": 0.95}") == 1);
  CHECK(rows("data.t.low with data.t.cfg as {\"min\": 0.95}") == 1);
  // The query's own refs are folded too, and replaced alike.
  CHECK(rows("data.t.cfg.min == 0.85") == 1);
  CHECK(rows("data.t.cfg.min == 0.5 with data.cfg.min as 0.5") == 1);
}

TEST_CASE("Constant refs: a cycle is still a recursion error when evaluated") {
  auto bundle = CompilePolicyModules({{"m.rego", "package t\na := b\nb := a\n"}}, nullptr);
  REQUIRE_MESSAGE(bundle.ok(), bundle.status().message());
  auto r = bundle->Query("data.t.a == 1", QueryOptions{});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("rego_recursion_error") != std::string::npos);
}

}  // namespace governance::rego
