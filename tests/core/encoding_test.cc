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
