// graph.reachable and graph.reachable_paths, from OPA's documented examples.
#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalTerm;

TEST_CASE("graph.reachable: every node reachable from the starts, cycles included") {
  const std::string graph =
      R"({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set(), "e": {"f"}, "f": {"e"}})";
  CHECK(EvalTerm("graph.reachable(" + graph + R"(, {"b", "e"}))") == R"(["b","d","e","f"])");
  CHECK(EvalTerm(R"(graph.reachable({"a": ["b"], "b": ["a"]}, ["a"]))") == R"(["a","b"])");
  // A start outside the graph is not reached.
  CHECK(EvalTerm(R"(graph.reachable({"a": []}, ["z"]))") == "[]");
}

TEST_CASE("graph.reachable_paths: paths end at leaves, missing nodes and cycles") {
  CHECK(EvalTerm(R"(graph.reachable_paths({"a": ["b", "c"], "b": ["c"], "c": []}, {"a"}))") ==
        R"([["a","b","c"],["a","c"]])");
  CHECK(EvalTerm(R"(graph.reachable_paths({"a": {"b"}, "b": {"c"}, "c": {"a"}}, {"a"}))") ==
        R"([["a","b","c"]])");
  CHECK(EvalTerm(R"(graph.reachable_paths({"a": ["b"], "b": ["gone"]}, ["a"]))") ==
        R"([["a","b"]])");
  CHECK(EvalTerm(R"(graph.reachable_paths({"1": [], "2": ["1"], "3": ["2"], "4": ["3", "2"]}, ["4"]))") ==
        R"([["4","2","1"],["4","3","2","1"]])");
  CHECK(EvalTerm(R"(graph.reachable_paths({}, {"a"}))") == "[]");
}

TEST_CASE("graph builtins: a graph must be an object, the starts an array or set") {
  CHECK(EvalTerm(R"(graph.reachable([], ["a"]))", true) ==
        "error: b.rego:2: eval_type_error: graph.reachable: operand 1 must be object but got "
        "array");
  CHECK(EvalTerm(R"(graph.reachable({"a": []}, "a"))", true) ==
        "error: b.rego:2: eval_type_error: graph.reachable: operand 2 must be one of {array, set} "
        "but got string");
  CHECK(EvalTerm(R"(graph.reachable_paths(1, ["a"]))", true) ==
        "error: b.rego:2: eval_type_error: graph.reachable_paths: operand 1 must be object but "
        "got number");
  CHECK(EvalTerm(R"(graph.reachable_paths({"a": []}, "a"))", true) ==
        "error: b.rego:2: eval_type_error: graph.reachable_paths: operand 2 must be one of "
        "{array, set} but got string");
}

}  // namespace
}  // namespace governance
