#include "core/encoding.h"

#include <doctest/doctest.h>

#include "core/sha256.h"

namespace governance {
namespace {

TEST_CASE("hex round trip and errors") {
  CHECK(HexEncode(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(*HexDecode("00FF10") == std::string("\x00\xff\x10", 3));
  CHECK(HexDecode("abc").status().message() == "hex string has odd length 3");
  CHECK(HexDecode("zz").status().message() == "invalid hex digit at offset 0");
}

TEST_CASE("base64 matches RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    CHECK(*Base64Decode(encoded) == plain);
  }
  CHECK(Base64Decode("Zm9v!").status().code() == StatusCode::kInvalidArgument);
  CHECK(Base64Decode("Zg").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("the constant-time decoder for secrets accepts exactly what Base64Decode does") {
  for (auto [plain, encoded] : {std::pair<const char*, const char*>{"", ""},
                                {"f", "Zg=="}, {"fo", "Zm8="}, {"foobar", "Zm9vYmFy"}}) {
    CHECK(*Base64DecodeSecret(encoded) == plain);
  }
  // Found by fuzz/pem_fuzz: libsodium 1.0.18 reads any byte from 0x80 up as
  // '/', so these decoded to "\0\0?" and "\0\x0f\xff" instead of failing.
  for (const char* text : {"AAA\xff", "AA\xc3\xa9", "\x80\x80\x80\x80", "Zg==\xff\xff\xff\xff",
                           "Zm9v!", "Zg", "Zh==", "Zg==Zg=="}) {
    INFO(text);
    CHECK_FALSE(Base64Decode(text).ok());
    CHECK(Base64DecodeSecret(text).status() == InvalidArgumentError("invalid base64 text"));
  }
}

TEST_CASE("SHA-256 matches FIPS 180-2 vectors") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  std::string million(1'000'000, 'a');
  h.Update(million.substr(0, 333));
  h.Update(million.substr(333));
  CHECK(HexEncode(h.Finish()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace governance
