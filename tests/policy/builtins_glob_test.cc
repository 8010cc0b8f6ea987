// glob.match and glob.quote_meta, from OPA's documentation and the syntax of
// gobwas/glob that OPA uses.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("glob.match: wildcards stop at delimiters, super wildcards do not") {
  CHECK(EvalTerm(R"(glob.match("*.github.com", [], "api.github.com"))") == "true");
  CHECK(EvalTerm(R"(glob.match("*.github.com", [], "api.cdn.github.com"))") == "false");
  CHECK(EvalTerm(R"(glob.match("**.github.com", [], "api.cdn.github.com"))") == "true");
  CHECK(EvalTerm(R"(glob.match("*:github:com", [":"], "api:github:com"))") == "true");
  CHECK(EvalTerm(R"(glob.match("*", [".", "/"], "a/b"))") == "false");
  // null means no delimiters at all; an empty array means the default ".".
  CHECK(EvalTerm(R"(glob.match("*", null, "foo.bar/baz"))") == "true");
  CHECK(EvalTerm(R"(glob.match("*", [], "foo.bar"))") == "false");
  CHECK(EvalTerm(R"(glob.match("?at", ["f"], "fat"))") == "false");
  CHECK(EvalTerm(R"(glob.match("?", null, ""))") == "false");
  CHECK(EvalTerm(R"(glob.match("***", ["."], ""))") == "true");
}

TEST_CASE("glob.match: classes, alternatives and escapes") {
  CHECK(EvalTerm(R"(glob.match("[abc]at", [], "bat"))") == "true");
  CHECK(EvalTerm(R"(glob.match("[!abc]at", [], "cat"))") == "false");
  CHECK(EvalTerm(R"(glob.match("[a-c]at", [], "bat"))") == "true");
  CHECK(EvalTerm(R"(glob.match("[!a-c]at", [], "fat"))") == "true");
  CHECK(EvalTerm(R"(glob.match("{cat,bat,[fr]at}", [], "rat"))") == "true");
  CHECK(EvalTerm(R"(glob.match("{cat,bat,[fr]at}", [], "at"))") == "false");
  CHECK(EvalTerm(R"(glob.match("{**/,}x", null, "x"))") == "true");
  CHECK(EvalTerm(R"(glob.match("a/**/b", null, "a/b"))") == "false");
  CHECK(EvalTerm(R"(glob.match("\\*", null, "*"))") == "true");
  CHECK(EvalTerm(R"(glob.match("\\*", null, "a"))") == "false");
  CHECK(EvalTerm(R"(glob.match("h\u00e9?o", null, "h\u00e9llo"))") == "false");
  CHECK(EvalTerm(R"(glob.match("h\u00e9??o", null, "h\u00e9llo"))") == "true");
}

TEST_CASE("glob.match: errors") {
  CHECK(EvalError(R"(glob.match(1, [], "a"))") ==
        "eval_type_error: glob.match: operand 1 must be string but got number");
  CHECK(EvalError(R"(glob.match("a", "b", "a"))") ==
        "eval_type_error: glob.match: operand 2 must be one of {array, null} but got string");
  CHECK(EvalError(R"(glob.match("a", [1], "a"))") ==
        "eval_type_error: glob.match: operand 2 must be array of strings but got array containing "
        "number");
  CHECK(EvalError(R"(glob.match("a", ["ab"], "a"))") ==
        "eval_type_error: glob.match: operand 2 must be array of runes but got array containing "
        "string");
  CHECK(EvalError(R"(glob.match("a", [], 1))") ==
        "eval_type_error: glob.match: operand 3 must be string but got number");
  CHECK(EvalError(R"(glob.match("[a", [], "a"))") ==
        "eval_builtin_error: glob.match: unexpected end of input");
  CHECK(EvalError(R"(glob.match("{a,b", [], "a"))") ==
        "eval_builtin_error: glob.match: unexpected end of input");
  CHECK(EvalError(R"(glob.match("[a-cx]", [], "a"))") ==
        "eval_builtin_error: glob.match: expected close range character");
  CHECK(EvalTerm(R"(glob.match("[a", [], "a"))") == "undefined");
}

TEST_CASE("glob.quote_meta escapes exactly the glob meta characters") {
  CHECK(EvalTerm(R"(glob.quote_meta("*.github.com"))") == R"("\\*.github.com")");
  CHECK(EvalTerm(R"(glob.quote_meta("[a]{b}?\\-!,"))") == R"("\\[a\\]\\{b\\}\\?\\\\-!,")");
  CHECK(EvalTerm(R"(glob.match(glob.quote_meta("a*b?"), null, "a*b?"))") == "true");
  CHECK(EvalError("glob.quote_meta(1)") ==
        "eval_type_error: glob.quote_meta: operand 1 must be string but got number");
}

}  // namespace
}  // namespace governance
