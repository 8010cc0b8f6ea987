// numbers.range_step, from OPA's documentation and conformance cases.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("numbers.range_step") {
  CHECK(EvalTerm("numbers.range_step(0, 10, 2)") == "[0,2,4,6,8,10]");
  CHECK(EvalTerm("numbers.range_step(0, -10, 2)") == "[0,-2,-4,-6,-8,-10]");
  CHECK(EvalTerm("numbers.range_step(10, 3, 2)") == "[10,8,6,4]");
  CHECK(EvalTerm("numbers.range_step(2, 5, 2)") == "[2,4]");
  CHECK(EvalTerm("numbers.range_step(2, 2, 2)") == "[2]");
  CHECK(EvalTerm("numbers.range_step(0, 10, 99999999999999999999)") == "[0]");
  CHECK(EvalTerm("numbers.range_step(9223372036854775806, 9223372036854775807, 5)") ==
        "[9223372036854775806]");
}

TEST_CASE("numbers.range_step: errors") {
  CHECK(EvalError("numbers.range_step(0, 10, -2)") ==
        "eval_builtin_error: numbers.range_step: step must be a positive integer");
  CHECK(EvalError("numbers.range_step(0, 10, 0)") ==
        "eval_builtin_error: numbers.range_step: step must be a positive integer");
  CHECK(EvalError("numbers.range_step(0.5, 10, 1)") ==
        "eval_type_error: numbers.range_step: operand 1 must be integer number but got "
        "floating-point number");
  CHECK(EvalError("numbers.range_step(0, \"a\", 1)") ==
        "eval_type_error: numbers.range_step: operand 2 must be integer but got string");
  CHECK(EvalError("numbers.range_step(0, 10, 1.5)") ==
        "eval_type_error: numbers.range_step: operand 3 must be integer number but got "
        "floating-point number");
  CHECK(EvalError("numbers.range_step(0, 100000000000, 1)")
            .starts_with("numbers.range_step: rego_budget_error"));
}

}  // namespace
}  // namespace governance
