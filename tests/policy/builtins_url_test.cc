// urlquery.* builtins, with Go's net/url escaping as OPA documents it.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("urlquery.encode and urlquery.decode") {
  CHECK(EvalTerm(R"(urlquery.encode("a=b+1"))") == R"("a%3Db%2B1")");
  CHECK(EvalTerm(R"(urlquery.encode(""))") == R"("")");
  CHECK(EvalTerm(R"(urlquery.encode("a b~_.-\u00e9"))") == R"("a+b~_.-%C3%A9")");
  CHECK(EvalTerm(R"(urlquery.decode("a%3Db%2B1"))") == R"("a=b+1")");
  CHECK(EvalTerm(R"(urlquery.decode("a+b%c3%a9"))") == "\"a b\u00e9\"");
  CHECK(EvalError(R"(urlquery.decode("a%zz"))") ==
        "eval_builtin_error: urlquery.decode: invalid URL escape \"%zz\"");
  CHECK(EvalError(R"(urlquery.decode("a%4"))") ==
        "eval_builtin_error: urlquery.decode: invalid URL escape \"%4\"");
  CHECK(EvalError("urlquery.encode(1)") ==
        "eval_type_error: urlquery.encode: operand 1 must be string but got number");
  CHECK(EvalError("urlquery.decode(1)") ==
        "eval_type_error: urlquery.decode: operand 1 must be string but got number");
}

TEST_CASE("urlquery.encode_object") {
  CHECK(EvalTerm(R"(urlquery.encode_object({"a": ["b+1", "c+2"]}))") == R"("a=b%2B1&a=c%2B2")");
  CHECK(EvalTerm(R"(urlquery.encode_object({"a": {"b+1"}}))") == R"("a=b%2B1")");
  CHECK(EvalTerm(R"(urlquery.encode_object({"b": "2", "a b": "1"}))") == R"("a+b=1&b=2")");
  CHECK(EvalTerm(R"(urlquery.encode_object({}))") == R"("")");
  CHECK(EvalError(R"(urlquery.encode_object({"a": 1}))") ==
        "eval_type_error: urlquery.encode_object: operand 1 values must be string, array[string], "
        "or set[string]");
  CHECK(EvalError(R"(urlquery.encode_object({"a": [1]}))") ==
        "eval_type_error: urlquery.encode_object: operand 1 values must be string, array[string], "
        "or set[string]");
  CHECK(EvalError(R"(urlquery.encode_object("a"))") ==
        "eval_type_error: urlquery.encode_object: operand 1 must be object but got string");
}

TEST_CASE("urlquery.decode_object") {
  CHECK(EvalTerm(R"(urlquery.decode_object("a=1&b=2&a=3"))") == R"({"a":["1","3"],"b":["2"]})");
  CHECK(EvalTerm(R"(urlquery.decode_object("a%20b=c+d&e&&"))") == R"({"a b":["c d"],"e":[""]})");
  CHECK(EvalTerm(R"(urlquery.decode_object(""))") == "{}");
  CHECK(EvalError(R"(urlquery.decode_object("a=1;b=2"))") ==
        "eval_builtin_error: urlquery.decode_object: invalid semicolon separator in query");
  CHECK(EvalError(R"(urlquery.decode_object("a=%x"))") ==
        "eval_builtin_error: urlquery.decode_object: invalid URL escape \"%x\"");
  CHECK(EvalError("urlquery.decode_object(1)") ==
        "eval_type_error: urlquery.decode_object: operand 1 must be string but got number");
}

}  // namespace
}  // namespace governance
