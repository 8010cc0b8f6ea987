#include "policy/input.h"

#include <doctest/doctest.h>

#include <limits>

#include "core/document.h"
#include "core/sha256.h"

namespace governance::rego {
namespace {

// The reference: what PolicyDecision::input_digest is defined as.
std::string ReferenceDigest(const nlohmann::json& j) {
  return "sha256:" + Sha256Hex(CanonicalJson(j));
}

}  // namespace

TEST_CASE("ConvertInput: digest equals SHA-256 of CanonicalJson") {
  std::vector<nlohmann::json> docs = {
      nullptr,
      true,
      0,
      -9223372036854775807LL - 1,
      18446744073709551615ULL,
      0.93,
      1e300,
      -0.0,
      100.0,
      3.141592653589793,
      0.1,
      -1.5,
      1e-7,
      123456789.125,
      1e21,
      5e-324,
      1.7976931348623157e308,
      std::numeric_limits<double>::quiet_NaN(),
      -std::numeric_limits<double>::infinity(),
      "",
      "plain",
      "quote \" backslash \\ slash / del \x7f",
      "controls \b\f\n\r\t \x01\x1f",
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "invalid \xff\xfe utf-8 \xc3",
      nlohmann::json::array(),
      nlohmann::json::object(),
      nlohmann::json::binary({1, 2, 3}),
      nlohmann::json::parse(R"({"b":[1,2.5,"x",null,true,{}],"a":{"z":[],"\u00e9":"\u0001"}})"),
  };
  nlohmann::json keys = nlohmann::json::object();
  keys["tab\tkey"] = 1;
  keys["k\xff"] = 2;
  keys[std::string(2000, 'x')] = std::string(3000, 'y');
  docs.push_back(keys);
  // Strings of every length up to past the hash buffer, so that some are
  // written across a flush of it.
  nlohmann::json lengths = nlohmann::json::array();
  for (size_t len = 0; len <= 1100; len += 7) lengths.push_back(std::string(len, 'a' + len % 26));
  docs.push_back(lengths);
  StatusOr<nlohmann::json> manifest =
      LoadDocument(std::string(GOV_SOURCE_DIR) + "/examples/manifests/valid.yaml");
  REQUIRE(manifest.ok());
  docs.push_back(*manifest);
  for (const nlohmann::json& j : docs) {
    CAPTURE(j.dump());
    std::string digest;
    Value v = ConvertInput(j, &digest);
    CHECK(digest == ReferenceDigest(j));
    CHECK(v == Value::FromJson(j));
  }
}

TEST_CASE("ConvertInput: every byte that needs escaping, at every position") {
  // Strings are scanned eight bytes at a time with a byte-by-byte tail, so
  // each special byte is tried in both, and next to bytes that are only just
  // plain (0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f).
  const std::string specials = {'"', '\\', '\0', '\x01', '\x1f', '\n', '\x80', '\xc3'};
  for (size_t len = 1; len <= 24; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (char c : specials) {
        std::string s;
        for (size_t i = 0; i < len; ++i) s.push_back(" !#[]\x7f"[i % 6]);
        s[at] = c;
        nlohmann::json j = {{s, s}};
        CAPTURE(len);
        CAPTURE(at);
        CAPTURE(static_cast<int>(static_cast<unsigned char>(c)));
        std::string digest;
        Value v = ConvertInput(j, &digest);
        CHECK(digest == ReferenceDigest(j));
        CHECK(v == Value::FromJson(j));
      }
    }
  }
}

TEST_CASE("ConvertInput: keys taken from a string table convert the same") {
  StringTable strings;
  Value spec = Value::String("spec");
  strings.Add(spec);
  // Keys whose serialised form the table keeps: empty, escaped, non-ASCII.
  for (const char* key : {"", "q\"\\\t", "\xc3\xa9"}) strings.Add(Value::String(key));
  nlohmann::json j = nlohmann::json::parse(
      R"({"spec":{"spec":"spec","":1,"specs":[{"spec":null}]},"sp":2,"\u00e9":3,"q\"\\\t":4})");
  std::string plain_digest;
  Value plain = ConvertInput(j, &plain_digest);
  std::string digest;
  Value v = ConvertInput(j, &strings, &digest);
  CHECK(digest == plain_digest);
  CHECK(digest == ReferenceDigest(j));
  CHECK(v == plain);
  CHECK(v == Value::FromJson(j));
  REQUIRE(v.FindString("spec") != nullptr);
  CHECK(v.FindString("spec")->FindString("") != nullptr);
  CHECK(v.FindString("spec")->FindString("specs") != nullptr);
  // The interned key is the table's own representation, found by address.
  CHECK(v.Find(spec) == v.FindString("spec"));
  CHECK(v.FindString("spec")->Find(Value::String("spec")) != nullptr);
}

TEST_CASE("DigestWriter: pieces of any size hash like one string") {
  std::string all;
  DigestWriter w;
  for (size_t n : {0, 1, 7, 1023, 1024, 1025, 5000, 3}) {
    std::string piece(n, static_cast<char>('a' + n % 26));
    w.Append(piece);
    w.Append('|');
    all += piece + '|';
  }
  CHECK(w.FinishHex() == "sha256:" + Sha256Hex(all));
}

TEST_CASE("ConvertInput: parts of the input outlive the whole") {
  // A child kept after the root is gone stays valid (ASan in the sanitizer
  // build catches a use after free).
  nlohmann::json j = nlohmann::json::parse(
      R"({"spec": {"dependencies": ["a-fairly-long-package-name>=1.0", "b"],
          "model": {"name": "fraud-detector-with-a-long-name", "card": {}}, "tags": []}})");
  std::string digest;
  Value spec;
  {
    Value root = ConvertInput(j, &digest);
    spec = *root.FindString("spec");
  }
  Value deps = *spec.FindString("dependencies");
  spec = Value();
  REQUIRE(deps.is_array());
  REQUIRE(deps.items().size() == 2);
  CHECK(deps.items()[0].str() == "a-fairly-long-package-name>=1.0");
  CHECK(deps.items()[1] == Value::String("b"));
  CHECK(deps == Value::FromJson(j["spec"]["dependencies"]));
  CHECK(ConvertInput(j, &digest) == Value::FromJson(j));
}

}  // namespace governance::rego
