// hex.*, base64url.* and base64.is_valid, against Go's encoding packages as
// OPA uses them.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("hex.encode and hex.decode") {
  CHECK(EvalTerm(R"(hex.encode("Hello, World!"))") == R"("48656c6c6f2c20576f726c6421")");
  CHECK(EvalTerm(R"(hex.decode("48656C6C6f"))") == R"("Hello")");
  CHECK(EvalTerm(R"(hex.decode(""))") == R"("")");
  CHECK(EvalError(R"(hex.decode("fghijkl"))") ==
        "eval_builtin_error: hex.decode: encoding/hex: invalid byte: U+0067 'g'");
  // A bad byte is reported before an odd length.
  CHECK(EvalError(R"(hex.decode("abc"))") ==
        "eval_builtin_error: hex.decode: encoding/hex: odd length hex string");
  CHECK(EvalError(R"(hex.decode("abz"))") ==
        "eval_builtin_error: hex.decode: encoding/hex: invalid byte: U+007A 'z'");
  CHECK(EvalError(R"(hex.decode("a\n"))") ==
        "eval_builtin_error: hex.decode: encoding/hex: invalid byte: U+000A");
  CHECK(EvalError("hex.encode(1)") ==
        "eval_type_error: hex.encode: operand 1 must be string but got number");
  CHECK(EvalError("hex.decode(1)") ==
        "eval_type_error: hex.decode: operand 1 must be string but got number");
}

TEST_CASE("base64url: encode with and without padding, decode either") {
  CHECK(EvalTerm(R"(base64url.encode("hello"))") == R"("aGVsbG8=")");
  CHECK(EvalTerm(R"(base64url.encode("\u00ff\u00fe"))") == R"("w7_Dvg==")");
  CHECK(EvalTerm(R"(base64url.encode_no_pad("hello"))") == R"("aGVsbG8")");
  CHECK(EvalTerm(R"(base64url.decode("aGVsbG8="))") == R"("hello")");
  CHECK(EvalTerm(R"(base64url.decode("aGVsbG8"))") == R"("hello")");
  CHECK(EvalTerm(R"(base64url.decode("w7_Dvg"))") == "\"\u00ff\u00fe\"");
  CHECK(EvalError(R"(base64url.decode("aGVsb"))") ==
        "eval_builtin_error: base64url.decode: illegal base64url string: aGVsb");
  CHECK(EvalError(R"(base64url.decode("a+Gk"))") ==
        "eval_builtin_error: base64url.decode: illegal base64 data at input byte 1");
  CHECK(EvalError("base64url.encode(1)") ==
        "eval_type_error: base64url.encode: operand 1 must be string but got number");
  CHECK(EvalError("base64url.encode_no_pad(1)") ==
        "eval_type_error: base64url.encode_no_pad: operand 1 must be string but got number");
  CHECK(EvalError("base64url.decode(1)") ==
        "eval_type_error: base64url.decode: operand 1 must be string but got number");
}

TEST_CASE("base64.is_valid") {
  CHECK(EvalTerm(R"(base64.is_valid("aGVsbG8="))") == "true");
  CHECK(EvalTerm(R"(base64.is_valid("aGVsbG8"))") == "false");
  CHECK(EvalTerm(R"(base64.is_valid("aGk=aGk="))") == "false");
  CHECK(EvalTerm(R"(base64.is_valid("w7_Dvg=="))") == "false");
  CHECK(EvalTerm(R"(base64.is_valid(""))") == "true");
  CHECK(EvalTerm("base64.is_valid(1)") == "false");
}

}  // namespace
}  // namespace governance
