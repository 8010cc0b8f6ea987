// io.jwt.* builtins. Tokens signed by the openssl CLI must verify, and
// tokens our encode_sign makes must verify with the openssl CLI.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "builtin_eval.h"
#include "governance/policy.h"
#include "test_util.h"

namespace governance {
namespace {

std::string Eval(const std::string& expr, const nlohmann::json& input = nullptr, bool strict = false,
                 int64_t now_ns = 0) {
  return testing::EvalTerm(expr, strict, input, now_ns);
}



void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string B64Url(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : bytes) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kAlphabet[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kAlphabet[((val << 8) >> (bits + 8)) & 0x3F]);
  return out;
}

std::string B64UrlDecode(const std::string& text) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : text) {
    int d = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
                                   : 63;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

// An ECDSA signature from DER (SEQUENCE of two INTEGERs) to JWS's r || s.
std::string DerToRaw(const std::string& der, size_t width) {
  size_t i = 2;
  if (static_cast<unsigned char>(der[1]) & 0x80) i += static_cast<unsigned char>(der[1]) & 0x7F;
  std::string out;
  for (int n = 0; n < 2; ++n) {
    REQUIRE(der[i] == 0x02);
    size_t len = static_cast<unsigned char>(der[i + 1]);
    std::string v = der.substr(i + 2, len);
    while (v.size() > width && v[0] == 0) v.erase(0, 1);
    out += std::string(width - v.size(), '\0') + v;
    i += 2 + len;
  }
  return out;
}

// JWS r || s back to DER, for the openssl CLI.
std::string RawToDer(const std::string& raw) {
  auto integer = [](std::string v) {
    while (v.size() > 1 && v[0] == 0 && !(static_cast<unsigned char>(v[1]) & 0x80)) v.erase(0, 1);
    if (static_cast<unsigned char>(v[0]) & 0x80) v.insert(v.begin(), '\0');
    return std::string("\x02", 1) + static_cast<char>(v.size()) + v;
  };
  std::string body = integer(raw.substr(0, raw.size() / 2)) + integer(raw.substr(raw.size() / 2));
  return std::string("\x30", 1) + static_cast<char>(body.size()) + body;
}

// The bytes of a hex dump such as `openssl ec -text` prints under `label`:
// the indented lines of "xx:xx:..." that follow it.
std::string HexBlock(const std::string& text, const std::string& label) {
  size_t at = text.find(label + ":\n");
  REQUIRE(at != std::string::npos);
  std::string out;
  std::istringstream lines(text.substr(at + label.size() + 2));
  std::string line;
  while (std::getline(lines, line) && !line.empty() && line[0] == ' ') {
    for (size_t i = 0; i + 1 < line.size(); ++i) {
      if (!std::isxdigit(static_cast<unsigned char>(line[i]))) continue;
      out.push_back(static_cast<char>(std::stoi(line.substr(i, 2), nullptr, 16)));
      ++i;
    }
  }
  return out;
}

std::string SigningInputFor(const std::string& alg) {
  return B64Url(R"({"alg":")" + alg + R"(","typ":"JWT"})") + "." +
         B64Url(R"({"sub":"1234567890","iss":"opa"})");
}

struct Keys {
  testing::TempDir dir;
  Keys() {
    testing::RunOk("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + dir / "rsa.pem");
    testing::RunOk("openssl pkey -in " + dir / "rsa.pem" + " -pubout -out " + dir / "rsa_pub.pem");
    testing::RunOk("openssl req -x509 -new -key " + dir / "rsa.pem" + " -subj /CN=jwt -days 2 -out " +
        dir / "rsa_cert.pem");
    testing::RunOk("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + dir / "ec.pem");
    testing::RunOk("openssl pkey -in " + dir / "ec.pem" + " -pubout -out " + dir / "ec_pub.pem");
    testing::RunOk("openssl genpkey -algorithm ed25519 -out " + dir / "ed.pem");
    testing::RunOk("openssl pkey -in " + dir / "ed.pem" + " -pubout -out " + dir / "ed_pub.pem");
  }
  // A token for `alg` over fixed claims, signed by the openssl CLI.
  std::string Token(const std::string& alg) {
    std::string input = SigningInputFor(alg);
    WriteFile(dir / "input", input);
    std::string sig_path = dir / "sig";
    if (alg == "RS256") {
      testing::RunOk("openssl dgst -sha256 -sign " + dir / "rsa.pem" + " -out " + sig_path + " " + dir / "input");
    } else if (alg == "PS256") {
      testing::RunOk("openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sign " +
          dir / "rsa.pem" + " -out " + sig_path + " " + dir / "input");
    } else if (alg == "ES256") {
      testing::RunOk("openssl dgst -sha256 -sign " + dir / "ec.pem" + " -out " + sig_path + " " + dir / "input");
      WriteFile(sig_path, DerToRaw(testing::ReadText(sig_path), 32));
    } else {
      testing::RunOk("openssl pkeyutl -sign -rawin -inkey " + dir / "ed.pem" + " -in " + dir / "input" +
          " -out " + sig_path);
    }
    return input + "." + B64Url(testing::ReadText(sig_path));
  }
};

TEST_CASE("io.jwt.verify_*: tokens signed by the openssl CLI verify, tampered ones do not") {
  Keys keys;
  struct {
    const char* alg;
    const char* builtin;
    const char* pub;
  } cases[] = {{"RS256", "io.jwt.verify_rs256", "rsa_pub.pem"},
               {"PS256", "io.jwt.verify_ps256", "rsa_pub.pem"},
               {"ES256", "io.jwt.verify_es256", "ec_pub.pem"},
               {"EdDSA", "io.jwt.verify_eddsa", "ed_pub.pem"}};
  for (const auto& c : cases) {
    CAPTURE(c.alg);
    std::string token = keys.Token(c.alg);
    nlohmann::json input = {{"token", token}, {"key", testing::ReadText(keys.dir / c.pub)}};
    CHECK(Eval(std::string(c.builtin) + "(input.token, input.key)", input) == "true");
    // Another payload under the same signature.
    std::string forged = token.substr(0, token.find('.')) + "." + B64Url(R"({"sub":"1234567890","iss":"evil"})") +
                         token.substr(token.rfind('.'));
    input["token"] = forged;
    CHECK(Eval(std::string(c.builtin) + "(input.token, input.key)", input) == "false");
  }
  // The RSA certificate works as well as the bare key.
  nlohmann::json input = {{"token", keys.Token("RS256")}, {"key", testing::ReadText(keys.dir / "rsa_cert.pem")}};
  CHECK(Eval("io.jwt.verify_rs256(input.token, input.key)", input) == "true");
  // A key of the wrong type verifies nothing.
  CHECK(Eval("io.jwt.verify_es256(input.token, input.key)", input) == "false");
}

TEST_CASE("io.jwt.encode_sign_raw: ES256 tokens verify with the openssl CLI") {
  Keys keys;
  std::string ec_text = testing::RunOk("openssl ec -in " + keys.dir / "ec.pem" + " -text -noout 2>/dev/null");
  std::string pub = HexBlock(ec_text, "pub");
  REQUIRE(pub.size() == 65);
  nlohmann::json jwk = {{"kty", "EC"},
                        {"crv", "P-256"},
                        {"x", B64Url(pub.substr(1, 32))},
                        {"y", B64Url(pub.substr(33, 32))},
                        {"d", B64Url(HexBlock(ec_text, "priv"))}};
  nlohmann::json input = {{"jwk", jwk.dump()}};
  std::string out = Eval(R"(io.jwt.encode_sign_raw(`{"alg":"ES256"}`, `{"iss":"opa"}`, input.jwk))", input);
  REQUIRE(out.size() > 2);
  std::string token = nlohmann::json::parse(out).get<std::string>();
  size_t dot = token.rfind('.');
  WriteFile(keys.dir / "input", token.substr(0, dot));
  std::string raw = B64UrlDecode(token.substr(dot + 1));
  REQUIRE(raw.size() == 64);
  WriteFile(keys.dir / "sig", RawToDer(raw));
  CHECK(testing::RunCommand("openssl dgst -sha256 -verify " + keys.dir / "ec_pub.pem" + " -signature " +
                            keys.dir / "sig" + " " + keys.dir / "input")
            .exit_code == 0);
  // And our own verifier takes the JWK, public part only.
  jwk.erase("d");
  input = {{"token", token}, {"jwk", jwk.dump()}};
  CHECK(Eval("io.jwt.verify_es256(input.token, input.jwk)", input) == "true");
  CHECK(token.substr(0, token.find('.')) == B64Url(R"({"alg":"ES256"})"));
}

TEST_CASE("io.jwt.encode_sign: HS256 matches openssl's HMAC over the sorted JSON") {
  testing::TempDir dir;
  std::string out = Eval(R"(io.jwt.encode_sign({"typ": "JWT", "alg": "HS256"}, {"b": 1, "a": "<&>"},
                                               {"kty": "oct", "k": "c2VjcmV0"}))");
  std::string token = nlohmann::json::parse(out).get<std::string>();
  // Keys sorted, no spaces, and <, >, & escaped, as Go's json.Marshal writes.
  std::string input = B64Url(R"({"alg":"HS256","typ":"JWT"})") + "." +
                      B64Url(R"({"a":"\u003c\u0026\u003e","b":1})");
  REQUIRE(token.substr(0, token.rfind('.')) == input);
  WriteFile(dir / "input", input);
  std::string mac = testing::RunOk("openssl dgst -sha256 -hmac secret -binary " + dir / "input" + " | base64 -w0");
  std::string mac_url;
  for (char c : mac) {
    if (c == '+') mac_url += '-';
    else if (c == '/') mac_url += '_';
    else if (c != '=' && c != '\n') mac_url += c;
  }
  CHECK(token.substr(token.rfind('.') + 1) == mac_url);
  nlohmann::json in = {{"t", token}};
  CHECK(Eval(R"(io.jwt.verify_hs256(input.t, "secret"))", in) == "true");
  CHECK(Eval(R"(io.jwt.verify_hs256(input.t, "secreT"))", in) == "false");
}

TEST_CASE("io.jwt.decode: header, claims and hex signature; nested tokens unwrap") {
  CHECK(Eval(R"(io.jwt.decode("eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.AQI"))") ==
        R"([{"alg":"HS256"},{"a":1},"0102"])");
  std::string inner = B64Url(R"({"alg":"none"})") + "." + B64Url(R"({"x":true})") + ".";
  std::string outer = B64Url(R"({"alg":"none","cty":"JWT"})") + "." + B64Url("\"" + inner + "\"") + ".";
  nlohmann::json input = {{"t", outer}};
  CHECK(Eval("io.jwt.decode(input.t)", input) == R"([{"alg":"none"},{"x":true},""])");
}

TEST_CASE("io.jwt.decode: malformed tokens are builtin errors with OPA's messages") {
  auto err = [](const std::string& token) {
    return Eval("io.jwt.decode(\"" + token + "\")", nullptr, true);
  };
  CHECK(err("abc") == "error: b.rego:2: eval_builtin_error: io.jwt.decode: encoded JWT had no period separators");
  CHECK(err("a.b") == "error: b.rego:2: eval_builtin_error: io.jwt.decode: encoded JWT must have 3 sections, found 2");
  CHECK(err("eyJhbGciOiJIU^%zI1NiJ9.e30.") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode: JWT header had invalid encoding: illegal base64 "
        "data at input byte 13");
  CHECK(err("eyJhbGciOiJIUzI1NiJ9.e30x0.") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode: JWT payload had invalid encoding: illegal "
        "base64url string: e30x0");
  CHECK(err(B64Url(R"({"alg":"RSA-OAEP","enc":"A256GCM"})") + ".e30.") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode: JWT is a JWE object, which is not supported");
  CHECK(err(B64Url("[1]") + ".e30.") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode: bad JWT header: decoded JSON type is not an Object");
  CHECK(err("e30." + B64Url("[1]") + ".") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode: decoded JSON type is not an Object");
  CHECK(Eval("io.jwt.decode(1)", nullptr, true) ==
        "error: b.rego:2: eval_type_error: io.jwt.decode: operand 1 must be string but got number");
  CHECK(Eval("io.jwt.decode(\"a.b\")") == "undefined");
}

// An HS256 token over `claims` under "secret", made by the builtin.
std::string Hs256(const std::string& claims) {
  nlohmann::json input = {{"c", claims}};
  std::string out =
      Eval(R"(io.jwt.encode_sign_raw(`{"alg":"HS256","typ":"JWT"}`, input.c, `{"kty":"oct","k":"c2VjcmV0"}`))",
           input);
  return nlohmann::json::parse(out).get<std::string>();
}

std::string DecodeVerify(const std::string& token, const std::string& constraints, int64_t now_ns = 0) {
  nlohmann::json input = {{"t", token}};
  return Eval("io.jwt.decode_verify(input.t, " + constraints + ")", input, true, now_ns);
}

TEST_CASE("io.jwt.decode_verify: exp and nbf against the evaluation's time") {
  const std::string unverified = "[false,{},{}]";
  std::string token = Hs256(R"({"iss":"opa","exp":2000,"nbf":1000})");
  std::string verified = R"([true,{"alg":"HS256","typ":"JWT"},{"exp":2000,"iss":"opa","nbf":1000}])";
  CHECK(DecodeVerify(token, R"({"secret": "secret", "time": 1500000000000})") == verified);
  CHECK(DecodeVerify(token, R"({"secret": "secret", "time": 2000000000000})") == unverified);
  CHECK(DecodeVerify(token, R"({"secret": "secret", "time": 999000000000})") == unverified);
  // Without a "time" constraint, time.now_ns of the evaluation decides.
  CHECK(DecodeVerify(token, R"({"secret": "secret"})", 1'500'000'000'000) == verified);
  CHECK(DecodeVerify(token, R"({"secret": "secret"})", 2'500'000'000'000) == unverified);
  CHECK(DecodeVerify(token, R"({"secret": "wrong", "time": 1500000000000})") == unverified);
}

TEST_CASE("io.jwt.decode_verify: iss, aud and alg constraints") {
  const std::string unverified = "[false,{},{}]";
  std::string token = Hs256(R"({"iss":"opa","aud":["a","b"]})");
  CHECK(DecodeVerify(token, R"({"secret": "secret", "aud": "b", "iss": "opa"})").starts_with("[true,"));
  CHECK(DecodeVerify(token, R"({"secret": "secret", "aud": "c"})") == unverified);
  // A token with an audience needs an "aud" constraint naming it.
  CHECK(DecodeVerify(token, R"({"secret": "secret"})") == unverified);
  CHECK(DecodeVerify(token, R"({"secret": "secret", "aud": "a", "iss": "other"})") == unverified);
  CHECK(DecodeVerify(token, R"({"secret": "secret", "aud": "a", "alg": "HS512"})") == unverified);
  std::string no_aud = Hs256(R"({"iss":"opa"})");
  CHECK(DecodeVerify(no_aud, R"({"secret": "secret", "aud": "a"})") == unverified);
  CHECK(DecodeVerify(no_aud, R"({"secret": "secret", "alg": "HS256"})").starts_with("[true,"));
}

TEST_CASE("io.jwt.decode_verify: keys from certificates and JWK sets") {
  Keys keys;
  std::string token = keys.Token("RS256");
  nlohmann::json input = {{"t", token}, {"cert", testing::ReadText(keys.dir / "rsa_cert.pem")}};
  CHECK(Eval(R"(io.jwt.decode_verify(input.t, {"cert": input.cert}))", input, true) ==
        R"([true,{"alg":"RS256","typ":"JWT"},{"iss":"opa","sub":"1234567890"}])");
  input["cert"] = testing::ReadText(keys.dir / "ec_pub.pem");
  CHECK(Eval(R"(io.jwt.decode_verify(input.t, {"cert": input.cert}))", input, true) == "[false,{},{}]");
}

TEST_CASE("io.jwt.decode_verify: constraint errors") {
  std::string token = Hs256(R"({"iss":"opa"})");
  CHECK(DecodeVerify(token, R"({"secret": "s", "bogus": 1})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: unknown token validation constraint: bogus");
  CHECK(DecodeVerify(token, R"({})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: no key constraint");
  CHECK(DecodeVerify(token, R"({"secret": "s", "cert": `{"kty":"oct","k":"c2VjcmV0"}`})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: duplicate key constraints");
  CHECK(DecodeVerify(token, R"({"secret": 1})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: secret constraint: must be a string");
  CHECK(DecodeVerify(token, R"({"secret": "s", "time": "now"})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: token time constraint: must be a number");
  CHECK(DecodeVerify(token, R"({"secret": "s", "time": -1})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: token time constraint: must not be negative");
  CHECK(DecodeVerify(token, R"("s")") ==
        "error: b.rego:2: eval_type_error: io.jwt.decode_verify: operand 2 must be object but got string");
  CHECK(DecodeVerify(Hs256(R"({"exp":"soon"})"), R"({"secret": "secret"})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: exp value must be a number");
  CHECK(DecodeVerify(Hs256(R"({"nbf":"soon"})"), R"({"secret": "secret"})") ==
        "error: b.rego:2: eval_builtin_error: io.jwt.decode_verify: nbf value must be a number");
}

TEST_CASE("io.jwt.verify_*: key and token errors") {
  CHECK(Eval(R"(io.jwt.verify_rs256("a.b.c", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"))",
             nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: io.jwt.verify_rs256: failed to parse a PEM certificate: x509: "
        "malformed certificate");
  CHECK(Eval(R"(io.jwt.verify_rs256("a.b.c", "-----BEGIN THING-----\nAAAA\n-----END THING-----"))", nullptr,
             true) ==
        "error: b.rego:2: eval_builtin_error: io.jwt.verify_rs256: failed to extract a Key from the PEM "
        "certificate");
  CHECK(Eval(R"(io.jwt.verify_es256("a.b.c", "not a key"))", nullptr, true)
            .starts_with("error: b.rego:2: eval_builtin_error: io.jwt.verify_es256: failed to parse a JWK key "
                         "(set): "));
  CHECK(Eval(R"(io.jwt.verify_hs256("a.b", "s"))", nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: io.jwt.verify_hs256: encoded JWT must have 3 sections, found 2");
  CHECK(Eval(R"(io.jwt.verify_hs256("a.b.c", 1))", nullptr, true) ==
        "error: b.rego:2: eval_type_error: io.jwt.verify_hs256: operand 2 must be string but got number");
}

TEST_CASE("io.jwt.encode_sign_raw: header and payload errors") {
  const std::string key = R"(`{"kty":"oct","k":"c2VjcmV0"}`)";
  auto err = [&](const std::string& header, const std::string& payload) {
    return Eval("io.jwt.encode_sign_raw(`" + header + "`, `" + payload + "`, " + key + ")", nullptr, true);
  };
  const std::string prefix = "error: b.rego:2: eval_builtin_error: io.jwt.encode_sign_raw: ";
  CHECK(err("", "{}") == prefix + "missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
  CHECK(err(R"({"typ:"JWT"})", "{}") == prefix + "missing or invalid 'alg' header: cannot parse JSON");
  CHECK(err("e", "{}") == prefix + "invalid character 'e' looking for beginning of value");
  CHECK(err(R"({"typ":"JWT"})", "{}") == prefix + "missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
  CHECK(err(R"({"alg":"dummy"})", "{}") == prefix + "unknown JWS algorithm: dummy");
  CHECK(err(R"({"alg":"HS256"})", "e") == prefix + "type is JWT but payload is not JSON");
  // A payload of another media type need not be JSON.
  CHECK(err(R"({"alg":"HS256","typ":"text/plain"})", "e").starts_with("\""));
  CHECK(Eval("io.jwt.encode_sign_raw(1, \"\", \"\")", nullptr, true) ==
        "error: b.rego:2: eval_type_error: io.jwt.encode_sign_raw: operand 1 must be string but got number");
  CHECK(Eval("io.jwt.encode_sign({}, {}, [])", nullptr, true) ==
        "error: b.rego:2: eval_type_error: io.jwt.encode_sign: operand 3 must be object but got array");
  // An RSA algorithm with a symmetric key cannot sign.
  CHECK(err(R"({"alg":"RS256"})", "{}") == prefix + "invalid key type for RS256 signing");
}

}  // namespace
}  // namespace governance
