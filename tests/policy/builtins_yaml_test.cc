// yaml.marshal, yaml.unmarshal and yaml.is_valid, from OPA's documented
// behaviour (go-yaml's output layout).
#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalTerm;

TEST_CASE("yaml.unmarshal reads the first document of a stream") {
  CHECK(EvalTerm(R"(yaml.unmarshal("a: 1\nb:\n- x\n- true\n"))") == R"({"a":1,"b":["x",true]})");
  CHECK(EvalTerm(R"(yaml.unmarshal("a: 1\n---\nb: 2\n"))") == R"({"a":1})");
  CHECK(EvalTerm(R"(yaml.unmarshal("{\"json\": [1.5]}"))") == R"({"json":[1.5]})");
  CHECK(EvalTerm(R"(yaml.unmarshal(""))") == "null");
}

TEST_CASE("yaml.unmarshal: malformed text is a builtin error, other operands type errors") {
  CHECK(EvalTerm(R"(yaml.unmarshal("a: [1"))") == "undefined");
  CHECK(EvalTerm(R"(yaml.unmarshal("a: [1"))", true)
            .rfind("error: b.rego:2: eval_builtin_error: yaml.unmarshal: yaml: line ", 0) == 0);
  CHECK(EvalTerm("yaml.unmarshal(1)", true) ==
        "error: b.rego:2: eval_type_error: yaml.unmarshal: operand 1 must be string but got "
        "number");
}

TEST_CASE("yaml.is_valid checks the whole stream") {
  CHECK(EvalTerm(R"(yaml.is_valid("foo:\n- qux: bar\n- baz: 2\n"))") == "true");
  CHECK(EvalTerm(R"(yaml.is_valid("foo:\n- baz: {"))") == "false");
  CHECK(EvalTerm(R"(yaml.is_valid("a: 1\n---\n\tb: 2\n"))") == "false");
  CHECK(EvalTerm(R"(yaml.is_valid("  test:\ntest1: hello\n"))") == "false");
  CHECK(EvalTerm("yaml.is_valid(1)") == "false");
}

TEST_CASE("yaml.marshal writes go-yaml's block layout") {
  CHECK(EvalTerm(R"(yaml.marshal({"b": [1, {"c": null}], "a": "x"}))") ==
        R"("a: x\nb:\n- 1\n- c: null\n")");
  CHECK(EvalTerm(R"(yaml.marshal({"a": {}, "b": [], "c": 1.5, "d": {"e": false}}))") ==
        R"("a: {}\nb: []\nc: 1.5\nd:\n  e: false\n")");
  // Strings that would read back as another type are quoted.
  CHECK(EvalTerm(R"(yaml.marshal(["true", "1", "yes", "", "plain", "a: b"]))") ==
        R"("- \"true\"\n- \"1\"\n- \"yes\"\n- \"\"\n- plain\n- 'a: b'\n")");
  // A set is written as an array, in Rego order; only keys are reordered.
  CHECK(EvalTerm(R"(yaml.marshal({"a2", "a10", "B"}))") == R"("- B\n- a10\n- a2\n")");
  CHECK(EvalTerm(R"(yaml.marshal({"k10": 1, "k9": 2}))") == R"("k9: 2\nk10: 1\n")");
  CHECK(EvalTerm(R"(yaml.marshal("two\nlines"))") == R"("|-\n  two\n  lines\n")");
}

}  // namespace
}  // namespace governance
