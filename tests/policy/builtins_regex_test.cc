// regex.* builtins, checked against Go's regexp results as OPA documents
// them (empty matches, Split's edge cases, $-expansion).
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("regex.find_n and regex.find_all_string_submatch_n") {
  CHECK(EvalTerm(R"(regex.find_n("a.", "paranormal", -1))") == R"(["ar","an","al"])");
  CHECK(EvalTerm(R"(regex.find_n("a.", "paranormal", 2))") == R"(["ar","an"])");
  CHECK(EvalTerm(R"(regex.find_n("a.", "paranormal", 0))") == "[]");
  // Go skips an empty match right after a match, and steps by code point.
  CHECK(EvalTerm(R"(regex.find_n("a*", "baaab", -1))") == R"(["","aaa",""])");
  CHECK(EvalTerm(R"(regex.find_n("", "h\u00e9", -1))") == R"(["","",""])");
  CHECK(EvalTerm(R"(regex.find_all_string_submatch_n("a(x*)b", "-ab-axb-", -1))") ==
        R"([["ab",""],["axb","x"]])");
  CHECK(EvalTerm(R"(regex.find_all_string_submatch_n("a(x*)b", "-", -1))") == "[]");
  CHECK(EvalTerm(
            R"(regex.find_all_string_submatch_n("[^aouiye]([aouiye])([^aouiye])?", "somestri", -1))") ==
        R"([["som","o","m"],["ri","i",""]])");
  CHECK(EvalTerm(R"(regex.find_all_string_submatch_n("a(x*)b", "-ab-axb-", 1))") == R"([["ab",""]])");
  CHECK(EvalError(R"(regex.find_n("a", "a", 1.5))") ==
        "eval_type_error: regex.find_n: operand 3 must be integer number but got floating-point "
        "number");
  CHECK(EvalError(R"(regex.find_all_string_submatch_n("(", "a", 1))")
            .starts_with("eval_builtin_error: regex.find_all_string_submatch_n: error parsing "
                         "regexp: "));
  CHECK(EvalError(R"(regex.find_all_string_submatch_n("a", "a", "1"))") ==
        "eval_type_error: regex.find_all_string_submatch_n: operand 3 must be number but got "
        "string");
}

TEST_CASE("regex.split follows Go's Regexp.Split") {
  CHECK(EvalTerm(R"(regex.split("a", "banana"))") == R"(["b","n","n",""])");
  CHECK(EvalTerm(R"(regex.split("^[a-z]+\\[[0-9]+\\]$", ""))") == R"([""])");
  CHECK(EvalTerm(R"(regex.split("^[a-z]+", "foobar baz"))") == R"([""," baz"])");
  CHECK(EvalTerm(R"(regex.split("[a-z]+$", "foobar baz"))") == R"(["foobar ",""])");
  CHECK(EvalTerm(R"(regex.split("^[a-z ]+$", "foobar baz"))") == R"(["",""])");
  CHECK(EvalTerm(R"(regex.split("^[a-z]+$", "foobar baz"))") == R"(["foobar baz"])");
  CHECK(EvalTerm(R"(regex.split("", "abc"))") == R"(["a","b","c"])");
  CHECK(EvalError(R"(regex.split(1, "a"))") ==
        "eval_type_error: regex.split: operand 1 must be string but got number");
}

TEST_CASE("regex.replace expands Go templates") {
  CHECK(EvalTerm(R"(regex.replace("-wy-wxxy-", "w(x*)y", "0"))") == R"("-0-0-")");
  CHECK(EvalTerm(R"x(regex.replace("foo", "(foo)", "$1$1"))x") == R"("foofoo")");
  CHECK(EvalTerm(R"x(regex.replace("foo", "(?P<w>o+)", "[${w}]"))x") == R"("f[oo]")");
  CHECK(EvalTerm(R"x(regex.replace("foo", "(o)", "$$"))x") == R"("f$$")");
  // $1x names a group "1x", which does not exist, so it expands to nothing.
  CHECK(EvalTerm(R"x(regex.replace("foo", "(o)", "$1x"))x") == R"("f")");
  CHECK(EvalTerm(R"(regex.replace("abc", "x*", "-"))") == R"("-a-b-c-")");
  CHECK(EvalTerm(R"(regex.replace("foo", "[", "$1"))") == "undefined");
  CHECK(EvalError(R"(regex.replace("foo", "[", "$1"))")
            .starts_with("eval_builtin_error: regex.replace: error parsing regexp: "));
  CHECK(EvalError(R"(regex.replace("foo", "o", 1))") ==
        "eval_type_error: regex.replace: operand 3 must be string but got number");
}

TEST_CASE("regex.template_match") {
  CHECK(EvalTerm(R"(regex.template_match("urn:foo:{.*}", "urn:foo:bar:baz", "{", "}"))") == "true");
  CHECK(EvalTerm(R"(regex.template_match("urn:foo.bar.com:{.*}", "urn:foo.bar.com:bar:baz", "{", "}"))") ==
        "true");
  CHECK(EvalTerm(R"(regex.template_match("urn:foo.bar.com:{.*}", "urn:foo_bar_com:x", "{", "}"))") ==
        "false");
  CHECK(EvalTerm(R"(regex.template_match("foo:<[0-9]{2,10}>", "foo:123", "<", ">"))") == "true");
  CHECK(EvalTerm(R"(regex.template_match("foo:<[0-9]{2,10}>", "foo:1", "<", ">"))") == "false");
  CHECK(EvalError(R"(regex.template_match("urn:{.*", "urn:x", "{", "}"))") ==
        "eval_builtin_error: regex.template_match: unbalanced braces in \"urn:{.*\"");
  CHECK(EvalError(R"(regex.template_match("a", "a", "{{", "}"))") ==
        "eval_builtin_error: regex.template_match: start delimiter has to be exactly one "
        "character long but is 2 long");
  CHECK(EvalError(R"(regex.template_match("a", "a", "{", "}}"))") ==
        "eval_builtin_error: regex.template_match: end delimiter has to be exactly one character "
        "long but is 1 long");
  CHECK(EvalError(R"(regex.template_match("{(}", "a", "{", "}"))")
            .starts_with("eval_builtin_error: regex.template_match: error parsing regexp: "));
}

TEST_CASE("regex.globs_match: whether two globs share a match") {
  CHECK(EvalTerm(R"(regex.globs_match("a.a.", ".b.b"))") == "true");
  CHECK(EvalTerm(R"(regex.globs_match("a.a.[0-9]+z", ".b.b2359825792*594823z"))") == "true");
  CHECK(EvalTerm(R"(regex.globs_match("[a-z]+", "[0-9]*"))") == "false");
  CHECK(EvalTerm(R"(regex.globs_match(`[a-z]+\[[0-9]+\]`, "foo\\[1\\]"))") == "true");
  CHECK(EvalTerm(R"(regex.globs_match(`[a-z]+\[[0-9]+\]`, "foo[\"bar\"]"))") == "false");
  CHECK(EvalTerm(R"(regex.globs_match("ab*c", "a.+"))") == "true");
  CHECK(EvalTerm(R"(regex.globs_match("ab", "abc"))") == "false");
  CHECK(EvalError(R"(regex.globs_match("*a", "a"))") ==
        "eval_builtin_error: regex.globs_match: pos:1:flag '*' must be preceded by a non-flag: "
        "the input provided is invalid");
  CHECK(EvalError(R"(regex.globs_match("a", "[ab"))") ==
        "eval_builtin_error: regex.globs_match: pos:3:found [ without matching ]: the input "
        "provided is invalid");
  CHECK(EvalError(R"(regex.globs_match("a]", "a"))") ==
        "eval_builtin_error: regex.globs_match: pos:2:set-close ']' with no preceding '[': the "
        "input provided is invalid");
  CHECK(EvalError(R"(regex.globs_match(1, "a"))") ==
        "eval_type_error: regex.globs_match: operand 1 must be string but got number");
}

}  // namespace
}  // namespace governance
