#include "core/encoding.h"

#include <sodium.h>

#include <array>
#include <cstdint>

namespace governance {

void AppendHex(std::string_view bytes, std::string* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  size_t at = out->size();
  out->resize(at + 2 * bytes.size());  // written in place: no capacity check per digit
  char* hex = out->data() + at;
  for (unsigned char c : bytes) {
    *hex++ = kDigits[c >> 4];
    *hex++ = kDigits[c & 0xf];
  }
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  AppendHex(bytes, &out);
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

StatusOr<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return InvalidArgumentError("hex string has odd length " + std::to_string(hex.size()));
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError("invalid hex digit at offset " +
                                  std::to_string(hi < 0 ? i : i + 1));
    }
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    variant);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

namespace {

// 0-63 for the alphabet, 64 for '=', 255 for anything else.
constexpr std::array<unsigned char, 256> Base64Table() {
  std::array<unsigned char, 256> t{};
  for (auto& v : t) v = 255;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (unsigned char i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
  t['='] = 64;
  return t;
}

}  // namespace

StatusOr<std::string> Base64Decode(std::string_view text) {
  static constexpr std::array<unsigned char, 256> kTable = Base64Table();
  const Status bad = InvalidArgumentError("invalid base64 text");
  if (text.size() % 4 != 0) return bad;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    unsigned char v[4];
    for (int j = 0; j < 4; ++j) v[j] = kTable[static_cast<unsigned char>(text[i + j])];
    const bool last = i + 4 == text.size();
    const int pad = (v[3] == 64) + (v[2] == 64 && v[3] == 64);
    if (v[0] > 63 || v[1] > 63 || (v[2] > 63 && !(last && pad == 2)) ||
        (v[3] > 63 && !(last && pad >= 1))) {
      return bad;
    }
    const uint32_t n = v[0] << 18 | v[1] << 12 | (pad == 2 ? 0 : v[2] << 6) | (pad >= 1 ? 0 : v[3]);
    // Canonical only: the bits padding leaves over must be zero.
    if ((pad == 2 && (v[1] & 0x0f)) || (pad == 1 && (v[2] & 0x03))) return bad;
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>(n >> 8 & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

StatusOr<std::string> Base64DecodeSecret(std::string_view text) {
  // libsodium 1.0.18 classifies characters with arithmetic that assumes
  // 0-255, but reads them as (signed) char: every byte from 0x80 up then
  // decodes as '/', so "AAA\xff" would read as "AAA/". Such bytes are never
  // base64; refusing them takes one pass with no branch on the secret.
  unsigned char high = 0;
  for (char c : text) high |= static_cast<unsigned char>(c) & 0x80;
  if (high != 0) return InvalidArgumentError("invalid base64 text");
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                        text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgumentError("invalid base64 text");
  }
  out.resize(len);
  return out;
}

}  // namespace governance
