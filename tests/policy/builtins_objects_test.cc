// object.* and array.* builtins, from OPA's documented behaviour.
#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalTerm;

TEST_CASE("object.subset: objects recurse, sets and arrays compare elements") {
  CHECK(EvalTerm(R"(object.subset({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": 2}}))") == "true");
  CHECK(EvalTerm(R"(object.subset({"a": 1}, {"a": 2}))") == "false");
  CHECK(EvalTerm(R"(object.subset({"a": 1}, {"b": 1}))") == "false");
  CHECK(EvalTerm(R"(object.subset({"a": {1, 2, 3}}, {"a": {1, 3}}))") == "true");
  CHECK(EvalTerm(R"(object.subset({1, 2, 3}, {2, 4}))") == "false");
  // An array must contain the other as a contiguous run.
  CHECK(EvalTerm("object.subset([1, 2, 3, 4], [2, 3])") == "true");
  CHECK(EvalTerm("object.subset([1, 2, 3, 4], [2, 4])") == "false");
  CHECK(EvalTerm("object.subset([1, 2], [1, 2, 3])") == "false");
  // A set in an array: every element, in any order.
  CHECK(EvalTerm("object.subset([3, 1, 2], {1, 3})") == "true");
  CHECK(EvalTerm("object.subset([3, 1], {1, 4})") == "false");
}

TEST_CASE("object.subset: operands of other shapes are a type error") {
  CHECK(EvalTerm("object.subset({1}, [1])") == "undefined");
  CHECK(EvalTerm("object.subset({1}, [1])", true) ==
        "error: b.rego:2: eval_type_error: object.subset: both arguments object.subset must be "
        "of the same type or array and set");
}

TEST_CASE("object.remove and object.filter: keys from an array, set or object") {
  CHECK(EvalTerm(R"(object.remove({"a": 1, "b": 2, "c": 3}, {"a": 0, "c": 0}))") == R"({"b":2})");
  CHECK(EvalTerm(R"(object.filter({"a": 1, "b": 2, "c": 3}, ["a", "c"]))") ==
        R"({"a":1,"c":3})");
  CHECK(EvalTerm(R"(object.remove({"a": 1}, null))", true) ==
        "error: b.rego:2: eval_type_error: object.remove: operand 2 must be one of {object, set, "
        "array} but got null");
  CHECK(EvalTerm(R"(object.filter([1], {"a"}))", true) ==
        "error: b.rego:2: eval_type_error: object.filter: operand 1 must be object but got array");
}

TEST_CASE("object.union and union_n merge nested objects, the right side winning") {
  CHECK(EvalTerm(R"(object.union({"a": {"b": 1, "c": 2}}, {"a": {"b": 3}, "d": 4}))") ==
        R"({"a":{"b":3,"c":2},"d":4})");
  CHECK(EvalTerm(R"(object.union_n([{"a": 1}, {"b": 2}, {"a": {"x": 1}}]))") ==
        R"({"a":{"x":1},"b":2})");
  CHECK(EvalTerm(R"(object.union_n([{"a": 1}, "b"]))", true) ==
        "error: b.rego:2: eval_type_error: object.union_n: operand 1 must be array of objects "
        "but got array");
}

TEST_CASE("object.get and object.keys") {
  CHECK(EvalTerm(R"(object.get({"a": [{"b": true}]}, ["a", 0, "b"], false))") == "true");
  CHECK(EvalTerm(R"(object.get({"a": 1}, ["a", "x"], "dflt"))") == R"("dflt")");
  CHECK(EvalTerm(R"(object.get({"a": 1}, [], 0))") == R"({"a":1})");
  CHECK(EvalTerm(R"(object.keys({"b": 1, "a": 2}))") == R"(["a","b"])");
  CHECK(EvalTerm("object.keys([1])", true) ==
        "error: b.rego:2: eval_type_error: object.keys: operand 1 must be object but got array");
}

TEST_CASE("array.flatten unpacks one level of arrays") {
  CHECK(EvalTerm(R"(array.flatten([1, [2, [3]], {4}, [], "x"]))") == R"([1,2,[3],[4],"x"])");
  CHECK(EvalTerm("array.flatten([])") == "[]");
  CHECK(EvalTerm("array.flatten({1})", true) ==
        "error: b.rego:2: eval_type_error: array.flatten: operand 1 must be array but got set");
}

TEST_CASE("array.concat, array.slice and array.reverse") {
  CHECK(EvalTerm("array.concat([1], [2, 3])") == "[1,2,3]");
  CHECK(EvalTerm("array.slice([1, 2, 3], -1, 2)") == "[1,2]");
  CHECK(EvalTerm("array.slice([1, 2, 3], 2, 1)") == "[]");
  CHECK(EvalTerm("array.slice([1, 2, 3], 1, 10)") == "[2,3]");
  CHECK(EvalTerm("array.reverse([1, [2], 3])") == "[3,[2],1]");
  CHECK(EvalTerm("array.reverse({1})", true) ==
        "error: b.rego:2: eval_type_error: array.reverse: operand 1 must be array but got set");
  CHECK(EvalTerm("array.concat([1], 2)", true) ==
        "error: b.rego:2: eval_type_error: array.concat: operand 2 must be array but got number");
  CHECK(EvalTerm("array.slice([1], 0.5, 1)", true) ==
        "error: b.rego:2: eval_type_error: array.slice: operand 2 must be integer but got number");
}

}  // namespace
}  // namespace governance
