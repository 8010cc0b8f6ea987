// time.parse_ns with Go layouts, from OPA's documentation and Go's
// time.Parse rules (UTC only).
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("time.parse_ns: common layouts") {
  CHECK(EvalTerm(R"(time.parse_ns("2006-01-02", "1991-04-24"))") == "672451200000000000");
  CHECK(EvalTerm(R"(time.parse_ns("2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00-07:00"))") ==
        "1496455200000000000");
  CHECK(EvalTerm(R"(time.parse_ns("2006-01-02T15:04:05Z07:00", "2017-06-03T02:00:00Z"))") ==
        "1496455200000000000");
  CHECK(EvalTerm(R"(time.parse_ns("Mon Jan _2 15:04:05 MST 2006", "Sat Jun  3 02:00:00 UTC 2017"))") ==
        "1496455200000000000");
  CHECK(EvalTerm(R"(time.parse_ns("02 Jan 06 15:04 -0700", "03 Jun 17 02:00 +0000"))") ==
        "1496455200000000000");
  CHECK(EvalTerm(R"(time.parse_ns("January 2, 2006 3:04PM", "June 3, 2017 2:00AM"))") ==
        "1496455200000000000");
  CHECK(EvalTerm(R"(time.parse_ns("2006-01-02 15:04:05.000", "1970-01-01 00:00:01.250"))") ==
        "1250000000");
  // Go reads a fraction after the seconds even when the layout has none.
  CHECK(EvalTerm(R"(time.parse_ns("2006-01-02 15:04:05", "1970-01-01 00:00:01.5"))") ==
        "1500000000");
  CHECK(EvalTerm(R"(time.parse_ns("2006-01-02 15:04:05.999", "1970-01-01 00:00:01"))") ==
        "1000000000");
}

TEST_CASE("time.parse_ns: errors") {
  CHECK(EvalError(R"(time.parse_ns("2006-01-02", "1991/04/24"))") ==
        "eval_builtin_error: time.parse_ns: parsing time \"1991/04/24\" as \"2006-01-02\": cannot "
        "parse \"/04/24\" as \"-\"");
  CHECK(EvalError(R"(time.parse_ns("2006-01-02", "1991-13-24"))") ==
        "eval_builtin_error: time.parse_ns: parsing time \"1991-13-24\": month out of range");
  CHECK(EvalError(R"(time.parse_ns("2006-01-02", "1991-02-30"))") ==
        "eval_builtin_error: time.parse_ns: parsing time \"1991-02-30\": day out of range");
  CHECK(EvalError(R"(time.parse_ns("2006-01-02", "1991-02-03x"))") ==
        "eval_builtin_error: time.parse_ns: parsing time \"1991-02-03x\": extra text: \"x\"");
  CHECK(EvalError(R"(time.parse_ns("2006-01-02", "91-02-03"))") ==
        "eval_builtin_error: time.parse_ns: parsing time \"91-02-03\" as \"2006-01-02\": cannot "
        "parse \"91-02-03\" as \"2006\"");
  CHECK(EvalError(R"(time.parse_ns(1, "x"))") ==
        "eval_type_error: time.parse_ns: operand 1 must be string but got number");
  CHECK(EvalError(R"(time.parse_ns("x", 1))") ==
        "eval_type_error: time.parse_ns: operand 2 must be string but got number");
}

}  // namespace
}  // namespace governance
