// crypto.x509.* builtins, on certificates, requests and keys the openssl CLI
// makes at test time; results use the field names of Go's x509 types.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "builtin_eval.h"
#include "governance/policy.h"
#include "test_util.h"

namespace governance {
namespace {

std::string Eval(const std::string& expr, const nlohmann::json& input = nullptr, bool strict = false) {
  return testing::EvalTerm(expr, strict, input);
}



std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Pki {
  testing::TempDir dir;
  Pki() {
    std::string d = dir.path() + "/";
    testing::RunOk("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "ca.key -out " + d +
        "ca.pem -days 2 -subj '/C=GB/O=Example/CN=Root CA' -addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign");
    testing::RunOk("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + d + "leaf.key -out " + d +
        "leaf.csr -subj '/CN=leaf.example.com' -addext "
        "subjectAltName=DNS:leaf.example.com,URI:spiffe://example.com/opa,IP:10.0.0.1,email:a@example.com");
    testing::RunOk("openssl x509 -req -in " + d + "leaf.csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " +
        d + "leaf.pem -days 2 -copy_extensions copy 2>&1");
    testing::RunOk("openssl genrsa -traditional -out " + d + "rsa1.pem 1024 2>&1");
  }
  std::string File(const std::string& name) { return testing::ReadText(dir / name); }
};

TEST_CASE("crypto.x509.parse_certificates: Go's field names, PEM and base64 input") {
  Pki pki;
  nlohmann::json input = {{"pem", pki.File("leaf.pem")}};
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].Subject.CommonName", input) == "\"leaf.example.com\"");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].Issuer.Organization", input) == "[\"Example\"]");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].URIStrings", input) ==
        "[\"spiffe://example.com/opa\"]");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].DNSNames", input) == "[\"leaf.example.com\"]");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].IPAddresses", input) == "[\"10.0.0.1\"]");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].EmailAddresses", input) == "[\"a@example.com\"]");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].Version", input) == "3");
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].PublicKeyAlgorithm", input) == "3");
  // The serial number and the raw DER agree with openssl's view.
  std::string serial = Trimmed(testing::RunOk("openssl x509 -in " + pki.dir / "leaf.pem" + " -noout -serial"));
  std::string der_b64 = Trimmed(testing::RunOk("openssl x509 -in " + pki.dir / "leaf.pem" + " -outform DER | base64 -w0"));
  CHECK(Eval("crypto.x509.parse_certificates(input.pem)[0].Raw", input) == "\"" + der_b64 + "\"");
  CHECK(serial.starts_with("serial="));
  // Base64 of DER, and of the PEM chain, parse too.
  nlohmann::json b64 = {{"der", der_b64},
                        {"chain", Trimmed(testing::RunOk("cat " + pki.dir / "leaf.pem" + " " + pki.dir / "ca.pem" +
                                              " | base64 -w0"))}};
  CHECK(Eval("crypto.x509.parse_certificates(input.der)[0].Subject.CommonName", b64) == "\"leaf.example.com\"");
  CHECK(Eval("[c.Subject.CommonName | c := crypto.x509.parse_certificates(input.chain)[_]]", b64) ==
        "[\"leaf.example.com\",\"Root CA\"]");
  CHECK(Eval("crypto.x509.parse_certificates(input.chain)[1].IsCA", b64) == "true");
  CHECK(Eval("crypto.x509.parse_certificates(input.chain)[1].URIStrings", b64) == "null");
}

TEST_CASE("crypto.x509.parse_certificates: errors") {
  CHECK(Eval(R"(crypto.x509.parse_certificates("foobar"))", nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_certificates: illegal base64 data at input byte 4");
  CHECK(Eval(R"(crypto.x509.parse_certificates("AAAA"))", nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_certificates: x509: malformed certificate");
  CHECK(Eval(R"(crypto.x509.parse_certificates("-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n"))", nullptr,
             true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_certificates: PEM block type is 'KEY', expected "
        "CERTIFICATE");
  CHECK(Eval("crypto.x509.parse_certificates(1)", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.x509.parse_certificates: operand 1 must be string but got number");
}

TEST_CASE("crypto.x509.parse_and_verify_certificates: root first, leaf last") {
  Pki pki;
  nlohmann::json input = {{"good", pki.File("ca.pem") + pki.File("leaf.pem")},
                          {"reversed", pki.File("leaf.pem") + pki.File("ca.pem")},
                          {"alone", pki.File("leaf.pem")}};
  CHECK(Eval("crypto.x509.parse_and_verify_certificates(input.good)[0]", input) == "true");
  CHECK(Eval("crypto.x509.parse_and_verify_certificates(input.good)[1][1].Subject.CommonName", input) ==
        "\"leaf.example.com\"");
  CHECK(Eval("crypto.x509.parse_and_verify_certificates(input.reversed)", input) == "[false,[]]");
  CHECK(Eval("crypto.x509.parse_and_verify_certificates(input.alone)", input) == "[false,[]]");
  CHECK(Eval("crypto.x509.parse_and_verify_certificates(1)", nullptr, true) ==
        "error: b.rego:2: eval_type_error: crypto.x509.parse_and_verify_certificates: operand 1 must be string "
        "but got number");
}

TEST_CASE("crypto.x509.parse_certificate_request") {
  Pki pki;
  nlohmann::json input = {{"csr", pki.File("leaf.csr")}};
  CHECK(Eval("crypto.x509.parse_certificate_request(input.csr).Subject.CommonName", input) ==
        "\"leaf.example.com\"");
  CHECK(Eval("crypto.x509.parse_certificate_request(input.csr).DNSNames", input) == "[\"leaf.example.com\"]");
  CHECK(Eval(R"(crypto.x509.parse_certificate_request("foobar"))", nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_certificate_request: illegal base64 data at "
        "input byte 4");
  input["cert"] = pki.File("leaf.pem");
  CHECK(Eval("crypto.x509.parse_certificate_request(base64.encode(input.cert))", input, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_certificate_request: invalid PEM-encoded "
        "certificate signing request");
}

TEST_CASE("crypto.x509.parse_keypair: the certificate's DER, checked against the key") {
  Pki pki;
  nlohmann::json input = {{"cert", pki.File("leaf.pem")}, {"key", pki.File("leaf.key")},
                          {"other", pki.File("ca.key")}};
  std::string der_b64 = Trimmed(testing::RunOk("openssl x509 -in " + pki.dir / "leaf.pem" + " -outform DER | base64 -w0"));
  CHECK(Eval("crypto.x509.parse_keypair(input.cert, input.key).Certificate", input) == "[\"" + der_b64 + "\"]");
  CHECK(Eval("crypto.x509.parse_keypair(base64.encode(input.cert), base64.encode(input.key)).Certificate[0]",
             input) == "\"" + der_b64 + "\"");
  CHECK(Eval("crypto.x509.parse_keypair(input.cert, input.other)", input, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_keypair: tls: private key does not match public "
        "key");
  CHECK(Eval("crypto.x509.parse_keypair(input.cert, \"%%\")", input, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_keypair: illegal base64 data at input byte 0");
  CHECK(Eval("crypto.x509.parse_keypair(input.cert, 1)", input, true) ==
        "error: b.rego:2: eval_type_error: crypto.x509.parse_keypair: operand 2 must be string but got number");
}

TEST_CASE("crypto.x509.parse_rsa_private_key: a JWK of the key openssl made") {
  Pki pki;
  nlohmann::json input = {{"pem", pki.File("rsa1.pem")}};
  std::string out = Eval("crypto.x509.parse_rsa_private_key(input.pem)", input);
  REQUIRE(out.starts_with("{"));
  nlohmann::json jwk = nlohmann::json::parse(out);
  CHECK(jwk["kty"] == "RSA");
  CHECK(jwk["e"] == "AQAB");
  for (const char* f : {"n", "d", "p", "q", "dp", "dq", "qi"}) CHECK(jwk.contains(f));
  // The modulus is openssl's, as unpadded base64url.
  std::string modulus = Trimmed(testing::RunOk("openssl rsa -in " + pki.dir / "rsa1.pem" +
                                    " -noout -modulus | python3 -c \"import sys, base64; h = sys.stdin.read().strip().split('=')[1]; "
                                    "print(base64.urlsafe_b64encode(bytes.fromhex(h)).decode().rstrip('='))\""));
  CHECK(jwk["n"] == modulus);
  CHECK(Eval(R"(crypto.x509.parse_rsa_private_key("invalid"))", nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_rsa_private_key: illegal base64 data at input "
        "byte 4");
  CHECK(Eval(R"(crypto.x509.parse_rsa_private_key("aGVsbG8="))", nullptr, true) ==
        "error: b.rego:2: eval_builtin_error: crypto.x509.parse_rsa_private_key: failed to parse PEM block "
        "containing the key");
}

}  // namespace
}  // namespace governance
