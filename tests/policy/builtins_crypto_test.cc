// crypto.* digest and HMAC builtins, cross-checked against the openssl CLI.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "builtin_eval.h"
#include "governance/policy.h"
#include "test_util.h"

namespace governance {
namespace {

std::string Eval(const std::string& expr, const nlohmann::json& input = nullptr, bool strict = false) {
  return testing::EvalTerm(expr, strict, input);
}

// The hex digest `openssl dgst` prints for the file's bytes.
std::string OpensslDigest(const std::string& args, const std::string& file) {
  auto r = testing::RunCommand("openssl dgst " + args + " -r '" + file + "'");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return "\"" + r.output.substr(0, r.output.find(' ')) + "\"";
}

TEST_CASE("crypto digests and HMACs agree with the openssl CLI, bytes as UTF-8") {
  testing::TempDir dir;
  const std::string message = "\xc3\xa5\xc3\xa4\xc3\xb6 message with unicode \xe2\x99\x99\n";
  const std::string key = "\xe7\xa7\x98\xe5\xaf\x86";
  std::ofstream(dir / "m") << message;
  nlohmann::json input = {{"m", message}, {"k", key}};
  CHECK(Eval("crypto.md5(input.m)", input) == OpensslDigest("-md5", dir / "m"));
  CHECK(Eval("crypto.sha1(input.m)", input) == OpensslDigest("-sha1", dir / "m"));
  CHECK(Eval("crypto.sha256(input.m)", input) == OpensslDigest("-sha256", dir / "m"));
  const std::string hmac = "-hmac '" + key + "' ";
  CHECK(Eval("crypto.hmac.md5(input.m, input.k)", input) == OpensslDigest(hmac + "-md5", dir / "m"));
  CHECK(Eval("crypto.hmac.sha1(input.m, input.k)", input) == OpensslDigest(hmac + "-sha1", dir / "m"));
  CHECK(Eval("crypto.hmac.sha256(input.m, input.k)", input) ==
        OpensslDigest(hmac + "-sha256", dir / "m"));
  CHECK(Eval("crypto.hmac.sha512(input.m, input.k)", input) ==
        OpensslDigest(hmac + "-sha512", dir / "m"));
}

TEST_CASE("crypto: empty message and empty key") {
  CHECK(Eval(R"(crypto.sha256(""))") ==
        "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"");
  // RFC 2104 pads an empty key with zeros.
  CHECK(Eval(R"(crypto.hmac.sha256("", ""))") ==
        "\"b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad\"");
}

TEST_CASE("crypto.hmac.equal: equal only for the same bytes and length") {
  CHECK(Eval(R"(crypto.hmac.equal("31b6db9e", "31b6db9e"))") == "true");
  CHECK(Eval(R"(crypto.hmac.equal("31b6db9e", "31b6db9f"))") == "false");
  CHECK(Eval(R"(crypto.hmac.equal("31b6db9e", "31b6db"))") == "false");
  CHECK(Eval(R"(crypto.hmac.equal("", ""))") == "true");
}

TEST_CASE("crypto: operands must be strings") {
  CHECK(Eval("crypto.sha256(1)") == "undefined");
  CHECK(Eval("crypto.sha256(1)", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.sha256: operand 1 must be string but got number");
  CHECK(Eval("crypto.md5([])", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.md5: operand 1 must be string but got array");
  CHECK(Eval("crypto.sha1({})", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.sha1: operand 1 must be string but got object");
  CHECK(Eval(R"(crypto.hmac.sha512("m", 2))", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.hmac.sha512: operand 2 must be string but got number");
  CHECK(Eval(R"(crypto.hmac.md5(null, "k"))", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.hmac.md5: operand 1 must be string but got null");
  CHECK(Eval(R"(crypto.hmac.sha1("m", true))", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.hmac.sha1: operand 2 must be string but got boolean");
  CHECK(Eval(R"(crypto.hmac.sha256(1, "k"))", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.hmac.sha256: operand 1 must be string but got number");
  CHECK(Eval(R"(crypto.hmac.equal("a", 1))", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.hmac.equal: operand 2 must be string but got number");
}

}  // namespace
}  // namespace governance
