// strings.replace_n and strings.reverse, from OPA's documentation and its
// conformance cases on Go's strings.Replacer semantics.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("strings.replace_n: keys in sorted order, no rescanning") {
  CHECK(EvalTerm(R"(strings.replace_n({"<": "&lt;", ">": "&gt;"}, "<a>"))") == R"("&lt;a&gt;")");
  CHECK(EvalTerm(R"(strings.replace_n({"info": "X", "anotherinfo": "Y"}, "anotherinfo"))") ==
        R"("Y")");
  CHECK(EvalTerm(R"(strings.replace_n({"a": "YY", "bba": "bX"}, "bbab"))") == R"("bXb")");
  CHECK(EvalTerm(R"(strings.replace_n({"ab": "b", "b": "Y"}, "baaabbbba"))") == R"("YaabYYYa")");
  CHECK(EvalTerm(R"(strings.replace_n({"a": "b", "b": "a"}, "abba"))") == R"("baab")");
  CHECK(EvalTerm(R"(strings.replace_n({"": "X"}, ""))") == R"("X")");
  CHECK(EvalTerm(R"(strings.replace_n({"": "X"}, "ab"))") == R"("XaXbX")");
  CHECK(EvalTerm(R"(strings.replace_n({"": "X", "a": "Y"}, "ab"))") == R"("XYXbX")");
  CHECK(EvalTerm(R"(strings.replace_n({}, "ab"))") == R"("ab")");
}

TEST_CASE("strings.replace_n: errors") {
  CHECK(EvalError(R"(strings.replace_n({2: "x"}, "foo"))") ==
        "eval_type_error: strings.replace_n: operand 1 non-string key found in pattern object");
  CHECK(EvalError(R"(strings.replace_n({"f": 100}, "foo"))") ==
        "eval_type_error: strings.replace_n: operand 1 non-string value found in pattern object");
  CHECK(EvalError(R"(strings.replace_n({"foo": "baz"}, 100))") ==
        "eval_type_error: strings.replace_n: operand 2 must be string but got number");
  CHECK(EvalError(R"(strings.replace_n(["foo"], "a"))") ==
        "eval_type_error: strings.replace_n: operand 1 must be object but got array");
}

TEST_CASE("strings.reverse reverses code points") {
  CHECK(EvalTerm(R"(strings.reverse("abc"))") == R"("cba")");
  CHECK(EvalTerm(R"(strings.reverse("h\u00e9!"))") == "\"!\u00e9h\"");
  CHECK(EvalTerm(R"(strings.reverse(""))") == R"("")");
  CHECK(EvalError("strings.reverse(1)") ==
        "eval_type_error: strings.reverse: operand 1 must be string but got number");
}

}  // namespace
}  // namespace governance
