// uuid.parse, from OPA's documentation and conformance cases.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("uuid.parse: version 4 and 3 report version and variant") {
  CHECK(EvalTerm(R"(uuid.parse("00000000-0000-4000-8000-000000000000"))") ==
        R"({"variant":"RFC4122","version":4})");
  CHECK(EvalTerm(R"(uuid.parse("{00000000-0000-4000-8000-000000000000}"))") ==
        R"({"variant":"RFC4122","version":4})");
  CHECK(EvalTerm(R"(uuid.parse("6bea8ef2d3d33cd184e09bab06a52ece"))") ==
        R"({"variant":"RFC4122","version":3})");
  CHECK(EvalTerm(R"(uuid.parse("00000000-0000-4000-c000-000000000000"))") ==
        R"({"variant":"Microsoft","version":4})");
}

TEST_CASE("uuid.parse: version 2 reports time, clock, node, id and domain") {
  const char* want =
      R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
      R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2})";
  CHECK(EvalTerm(R"(uuid.parse("000003e8-48b9-21ee-b200-325096b39f47"))") == want);
  CHECK(EvalTerm(R"(uuid.parse("URN:UUID:000003e8-48b9-21ee-b200-325096b39f47"))") == want);
}

TEST_CASE("uuid.parse: anything else is undefined, a non-string an error") {
  CHECK(EvalTerm(R"(uuid.parse("00000000-0000-4000-8000-00000000000"))") == "undefined");
  CHECK(EvalTerm(R"(uuid.parse("00000000x0000-4000-8000-000000000000"))") == "undefined");
  CHECK(EvalTerm(R"(uuid.parse("g0000000-0000-4000-8000-000000000000"))") == "undefined");
  CHECK(EvalTerm("uuid.parse(123)") == "undefined");
  CHECK(EvalError("uuid.parse(123)") ==
        "eval_type_error: uuid.parse: operand 1 must be string but got number");
}

}  // namespace
}  // namespace governance
