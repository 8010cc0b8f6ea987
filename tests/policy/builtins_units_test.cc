// units.parse and units.parse_bytes, from OPA's documentation and its
// conformance cases (exact decimal results, error texts).
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("units.parse: SI and binary suffixes, exact") {
  CHECK(EvalTerm(R"(units.parse("10k"))") == "10000");
  CHECK(EvalTerm(R"(units.parse("1Ki"))") == "1024");
  CHECK(EvalTerm(R"(units.parse("128Gi"))") == "137438953472");
  CHECK(EvalTerm(R"(units.parse("1G"))") == "1000000000");
  CHECK(EvalTerm(R"(units.parse("500m"))") == "0.5");
  CHECK(EvalTerm(R"(units.parse("0.0000005M"))") == "0.5");
  CHECK(EvalTerm(R"(units.parse("0.0005K"))") == "0.5");
  // Only the letters after the first are case-insensitive: m is milli, M mega.
  CHECK(EvalTerm(R"(units.parse("3MI"))") == "3145728");
  CHECK(EvalTerm(R"(units.parse("1m"))") == "0.001");
  CHECK(EvalTerm(R"(units.parse("\"2k\""))") == "2000");
  CHECK(EvalTerm(R"(units.parse("1e3"))") == "1000");
  CHECK(EvalTerm(R"(units.parse("2E"))") == "2000000000000000000");
  CHECK(EvalTerm(R"(units.parse("-1.5k"))") == "-1500");
  CHECK(EvalTerm(R"(units.parse("1.0000000001"))") == "1.0000000001");
}

TEST_CASE("units.parse: errors") {
  CHECK(EvalError(R"(units.parse(""))") == "eval_builtin_error: units.parse: no amount provided");
  CHECK(EvalError(R"(units.parse("G"))") == "eval_builtin_error: units.parse: no amount provided");
  CHECK(EvalError(R"(units.parse("0.0.0"))") ==
        "eval_builtin_error: units.parse: could not parse amount to a number");
  CHECK(EvalError(R"(units.parse("100 k"))") ==
        "eval_builtin_error: units.parse: spaces not allowed in resource strings");
  CHECK(EvalError(R"(units.parse("10e10000000Ei"))") ==
        "eval_builtin_error: units.parse: exponent too large");
  CHECK(EvalError(R"(units.parse("10x"))") ==
        "eval_builtin_error: units.parse: unit x not recognized");
  CHECK(EvalError("units.parse(1)") ==
        "eval_type_error: units.parse: operand 1 must be string but got number");
}

TEST_CASE("units.parse_bytes") {
  CHECK(EvalTerm(R"(units.parse_bytes("2KiB"))") == "2048");
  CHECK(EvalTerm(R"(units.parse_bytes("2kb"))") == "2000");
  CHECK(EvalTerm(R"(units.parse_bytes("1.5MiB"))") == "1572864");
  CHECK(EvalTerm(R"(units.parse_bytes("10"))") == "10");
  // Case does not matter, and fractions of a byte are dropped.
  CHECK(EvalTerm(R"(units.parse_bytes("1GB"))") == "1000000000");
  CHECK(EvalTerm(R"(units.parse_bytes("2.9"))") == "2");
  CHECK(EvalError(R"(units.parse_bytes(""))") ==
        "eval_builtin_error: units.parse_bytes: no byte amount provided");
  CHECK(EvalError(R"(units.parse_bytes(".5.2"))") ==
        "eval_builtin_error: units.parse_bytes: could not parse byte amount to a number");
  CHECK(EvalError(R"(units.parse_bytes(" 327MiB "))") ==
        "eval_builtin_error: units.parse_bytes: spaces not allowed in resource strings");
  CHECK(EvalError(R"(units.parse_bytes("10e10000000EiB"))") ==
        "eval_builtin_error: units.parse_bytes: exponent too large");
  CHECK(EvalError(R"(units.parse_bytes("5xb"))") ==
        "eval_builtin_error: units.parse_bytes: byte unit xb not recognized");
  CHECK(EvalError("units.parse_bytes(true)") ==
        "eval_type_error: units.parse_bytes: operand 1 must be string but got boolean");
}

}  // namespace
}  // namespace governance
