#include "core/utf8.h"

namespace governance {

std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      out.push_back(b0);
      ++i;
      continue;
    }
    size_t n;
    char32_t cp, min;
    if ((b0 & 0xe0) == 0xc0) {
      n = 2, cp = b0 & 0x1f, min = 0x80;
    } else if ((b0 & 0xf0) == 0xe0) {
      n = 3, cp = b0 & 0x0f, min = 0x800;
    } else if ((b0 & 0xf8) == 0xf0) {
      n = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
      return std::nullopt;  // a continuation byte or 0xf8..0xff first
    }
    if (i + n > s.size()) return std::nullopt;
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return std::nullopt;
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string QuotedForError(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  auto hex_byte = [&](unsigned char b) {
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 15];
  };
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x80) {
      // A well-formed multi-byte sequence stays as it is, unless it encodes
      // a C1 control character; anything else is shown byte by byte.
      size_t n = (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4 : 0;
      auto cp = n && i + n <= s.size() ? DecodeUtf8(s.substr(i, n)) : std::nullopt;
      if (cp && !IsControlCharacter((*cp)[0])) {
        out.append(s.substr(i, n));
        i += n;
      } else {
        hex_byte(b);
        ++i;
      }
      continue;
    }
    switch (b) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (IsControlCharacter(b)) {
          hex_byte(b);
        } else {
          out += static_cast<char>(b);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

}  // namespace governance
