// time.parse_ns with Go layouts, from OPA's documentation and Go's
// time.Parse rules; the time builtins in IANA zones, with Go's choices where
// a wall-clock time is skipped or repeated. tests/policy/time_zones_vs_python.py
// checks every zone against Python's zoneinfo.
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

TEST_CASE("time builtins read [ns, zone] in the IANA zone") {
  // OPA's documented examples.
  CHECK(EvalTerm(R"(time.clock([1517832000000000000, "America/New_York"]))") == "[7,0,0]");
  CHECK(EvalTerm(R"(time.format([1670006453141828752, "Asia/Kolkata"]))") ==
        R"("2022-12-03T00:10:53.141828752+05:30")");
  CHECK(EvalTerm(R"(time.format([1670006453141828752, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"]))") ==
        R"("Sat Dec 03 00:10:53 +0530 2022")");
  CHECK(EvalTerm(R"(time.format([1670006453141828752, "Asia/Kolkata", "RFC1123Z"]))") ==
        R"("Sat, 03 Dec 2022 00:10:53 +0530")");
  CHECK(EvalTerm(R"(time.format([1670006453141828752, "UTC", "RFC1123"]))") ==
        R"("Fri, 02 Dec 2022 18:40:53 UTC")");
  CHECK(EvalTerm(R"(time.format([1670006453141828752, "", "Kitchen .000 ,99 _2"]))") ==
        R"("Kitchen .141 ,14  2")");
  // Both sides of the 2022 autumn change in New York: 01:30 EDT, then 01:30 EST.
  CHECK(EvalTerm(R"(time.format([1667712600000000000, "America/New_York", "15:04 MST -07:00"]))") ==
        R"("01:30 EDT -04:00")");
  CHECK(EvalTerm(R"(time.format([1667716200000000000, "America/New_York", "15:04 MST -07:00"]))") ==
        R"("01:30 EST -05:00")");
  CHECK(EvalTerm(R"(time.date([1667716200000000000, "Asia/Tokyo"]))") == "[2022,11,6]");
  CHECK(EvalTerm(R"(time.weekday([1667716200000000000, "Pacific/Kiritimati"]))") == R"("Sunday")");
  // Past the transitions the file lists, the POSIX rule in its footer decides.
  CHECK(EvalTerm(R"(time.format([4118126400000000000, "America/New_York"]))") ==
        R"("2100-07-01T08:00:00-04:00")");
  CHECK(EvalTerm(R"(time.format([4102444800000000000, "Australia/Sydney", "2006-01-02 15:04 MST"]))") ==
        R"("2100-01-01 11:00 AEDT")");
}

TEST_CASE("time.add_date keeps the wall-clock time across a daylight-saving change") {
  // Noon EST plus one day is noon EDT: 23 hours later.
  CHECK(EvalTerm(R"(time.add_date([1647104400000000000, "America/New_York"], 0, 0, 1))") ==
        "1647187200000000000");
  CHECK(EvalTerm(R"(time.add_date(1647104400000000000, 0, 0, 1))") == "1647190800000000000");
  // 02:30 on 13 March 2022 never happened in New York; Go's time.Date, and so
  // OPA, gives 01:30 EST for it.
  CHECK(EvalTerm(R"(time.add_date([1647070200000000000, "America/New_York"], 0, 0, 1))") ==
        "1647153000000000000");
  // time.diff reads both instants in the first operand's zone.
  CHECK(EvalTerm(R"(time.diff([1647104400000000000, "America/New_York"], 1647187200000000000))") ==
        "[0,0,1,0,0,0]");
  CHECK(EvalTerm(R"(time.diff(1647104400000000000, 1647187200000000000))") == "[0,0,0,23,0,0]");
}

TEST_CASE("time zones: unknown names, paths and the host's zone are errors") {
  CHECK(EvalError(R"(time.clock([0, "Mars/Olympus_Mons"]))") ==
        "eval_builtin_error: time.clock: unknown time zone Mars/Olympus_Mons");
  CHECK(EvalError(R"(time.clock([0, "../../../etc/passwd"]))") ==
        "eval_builtin_error: time.clock: time: invalid location name");
  CHECK(EvalError(R"(time.clock([0, "/etc/localtime"]))") ==
        "eval_builtin_error: time.clock: time: invalid location name");
  // zone1970.tab is in the zone directory but is not a zone file.
  CHECK(EvalError(R"(time.date([0, "zone1970.tab"]))").find("time zone file for zone1970.tab is malformed") !=
        std::string::npos);
  CHECK(EvalError(R"(time.date([0, "America"]))") ==
        "eval_builtin_error: time.date: unknown time zone America");
  CHECK(EvalError(R"(time.weekday([0, "Local"]))").find("is the evaluating host's") != std::string::npos);
  CHECK(EvalTerm(R"(time.clock([0, "Mars/Olympus_Mons"]))") == "undefined");
}

}  // namespace
}  // namespace governance
