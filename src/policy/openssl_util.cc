#include "policy/openssl_util.h"

#include <openssl/err.h>
#include <openssl/hmac.h>

namespace governance::rego {

namespace {

int DecodeChar(unsigned char c, bool url) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

std::string Corrupt(size_t at) { return "illegal base64 data at input byte " + std::to_string(at); }

}  // namespace

// Follows Go's decodeQuantum so that the byte offsets in errors agree.
bool GoBase64Decode(std::string_view src, bool url, std::string* out, std::string* err) {
  out->clear();
  size_t si = 0;
  for (;;) {
    int dbuf[4] = {0, 0, 0, 0};
    size_t dlen = 4;
    bool end = false;
    for (size_t j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return true;
        *err = Corrupt(si - j);
        return false;
      }
      unsigned char in = static_cast<unsigned char>(src[si]);
      ++si;
      int v = DecodeChar(in, url);
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=') {
        *err = Corrupt(si - 1);
        return false;
      }
      // Padding: only after two or three symbols of a quantum.
      if (j == 0 || j == 1) {
        *err = Corrupt(si - 1);
        return false;
      }
      if (j == 2) {
        while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
        if (si == src.size()) {
          *err = Corrupt(src.size());
          return false;
        }
        if (src[si] != '=') {
          *err = Corrupt(si - 1);
          return false;
        }
        ++si;
      }
      while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
      if (si < src.size()) {
        *err = Corrupt(si);
        return false;
      }
      dlen = j;
      end = true;
      break;
    }
    uint32_t val = static_cast<uint32_t>(dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]);
    char b[3] = {static_cast<char>(val >> 16), static_cast<char>(val >> 8), static_cast<char>(val)};
    if (dlen >= 2) out->push_back(b[0]);
    if (dlen >= 3) out->push_back(b[1]);
    if (dlen >= 4) out->push_back(b[2]);
    if (end) return true;
  }
}

bool Base64UrlDecodeLenient(std::string_view text, std::string* out, std::string* err) {
  std::string s(text);
  if (s.empty() || s.back() != '=') {
    switch (s.size() % 4) {
      case 0:
        break;
      case 2:
        s += "==";
        break;
      case 3:
        s += "=";
        break;
      default:
        *err = "illegal base64url string: " + s;
        return false;
    }
  }
  return GoBase64Decode(s, true, out, err);
}

std::string GoBase64Encode(std::string_view bytes, bool url, bool pad) {
  const std::string_view alphabet =
      url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16 |
                 static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8 |
                 static_cast<uint8_t>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(v >> shift) & 63]);
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) { return GoBase64Encode(bytes, true, false); }

std::optional<PemBlock> DecodePem(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  static constexpr std::string_view kDashes = "-----";
  std::string_view rest = text;
  for (;;) {
    size_t at = rest.find(kBegin);
    if (at == std::string_view::npos) return std::nullopt;
    // Go wants the BEGIN line at the start of the input or of a line.
    if (at != 0 && rest[at - 1] != '\n') {
      rest = rest.substr(at + kBegin.size());
      continue;
    }
    std::string_view after = rest.substr(at + kBegin.size());
    size_t eol = after.find('\n');
    std::string_view line = after.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (eol == std::string_view::npos || line.size() < kDashes.size() ||
        line.substr(line.size() - kDashes.size()) != kDashes) {
      rest = after;
      continue;
    }
    PemBlock block;
    block.type = std::string(line.substr(0, line.size() - kDashes.size()));
    std::string_view body = after.substr(eol + 1);
    std::string end_marker = "-----END " + block.type + "-----";
    size_t end = body.find(end_marker);
    if (end == std::string_view::npos) {
      rest = after;
      continue;
    }
    std::string b64;
    bool headers = false;
    for (char c : body.substr(0, end)) {
      if (c == ':') headers = true;
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') b64 += c;
    }
    std::string err;
    if (headers || !GoBase64Decode(b64, false, &block.der, &err)) {
      rest = after;
      continue;
    }
    std::string_view tail = body.substr(end + end_marker.size());
    size_t nl = tail.find('\n');
    std::string_view line_rest = tail.substr(0, nl);
    bool blank = line_rest.find_first_not_of(" \t\r") == std::string_view::npos;
    if (!blank) {
      rest = after;
      continue;
    }
    block.rest = nl == std::string_view::npos ? std::string_view() : tail.substr(nl + 1);
    return block;
  }
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string Hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  HMAC(md, key_data, static_cast<int>(key.size()),
       data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data()), data.size(), buf,
       &len);
  return std::string(reinterpret_cast<char*>(buf), len);
}

std::string BnBytes(const BIGNUM* bn, size_t width) {
  size_t n = static_cast<size_t>(BN_num_bytes(bn));
  std::string out(std::max(n, width), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()) + (out.size() - n));
  return out;
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

}  // namespace governance::rego
