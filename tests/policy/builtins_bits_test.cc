// bits.* builtins, from OPA's documentation and conformance cases.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("bits: and, or, xor, negate, shifts") {
  CHECK(EvalTerm("bits.and(50, 0)") == "0");
  CHECK(EvalTerm("bits.and(12, 10)") == "8");
  CHECK(EvalTerm("bits.or(12, 10)") == "14");
  CHECK(EvalTerm("bits.xor(42, 3)") == "41");
  CHECK(EvalTerm("bits.negate(42)") == "-43");
  CHECK(EvalTerm("bits.negate(-1)") == "0");
  CHECK(EvalTerm("bits.lsh(2147483647, 1)") == "4294967294");
  CHECK(EvalTerm("bits.lsh(-3, 2)") == "-12");
  CHECK(EvalTerm("bits.rsh(8, 3)") == "1");
  CHECK(EvalTerm("bits.rsh(-8, 1)") == "-4");
  CHECK(EvalTerm("bits.rsh(-1, 100)") == "-1");
  CHECK(EvalTerm("bits.and(7.0, 3)") == "3");
}

TEST_CASE("bits: errors") {
  CHECK(EvalError("bits.and(7.2, 42)") ==
        "eval_type_error: bits.and: operand 1 must be integer number but got floating-point "
        "number");
  CHECK(EvalError("bits.or(1, 4.5)") ==
        "eval_type_error: bits.or: operand 2 must be integer number but got floating-point number");
  CHECK(EvalError("bits.xor(\"a\", 1)") ==
        "eval_type_error: bits.xor: operand 1 must be integer but got string");
  CHECK(EvalError("bits.negate(1.5)") ==
        "eval_type_error: bits.negate: operand 1 must be integer number but got floating-point "
        "number");
  CHECK(EvalError("bits.lsh(1, -1)") ==
        "eval_type_error: bits.lsh: operand 2 must be an unsigned integer number but got a "
        "negative integer");
  CHECK(EvalError("bits.rsh(1, -1)") ==
        "eval_type_error: bits.rsh: operand 2 must be an unsigned integer number but got a "
        "negative integer");
  CHECK(EvalTerm("bits.and(7.2, 42)") == "undefined");
}

}  // namespace
}  // namespace governance
