// JSON, base64, base64url and hex encoding builtins, and print. Base64
// follows Go's encoding/base64 as OPA uses it: the standard or URL alphabet,
// padding required (except for base64url.decode, which adds it), CR and LF
// ignored, errors naming the offending input byte.
#include <fmt/format.h>

#include "core/document.h"
#include "core/encoding.h"
#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

Status JsonMarshal(Ctx&, Operands a, Value* out) {
  *out = Value::String(a[0].ToJson().dump());
  return Status::Ok();
}

Status JsonUnmarshal(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("json.unmarshal", 1, "string", a[0]);
  auto j = ParseJson(a[0].str(), "json.unmarshal", DuplicateKeys::kLastWins);
  if (!j.ok()) return BuiltinError("json.unmarshal", j.status().message());
  *out = Value::FromJson(*j);
  return Status::Ok();
}

Status JsonIsValid(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0].is_string() &&
                     ParseJson(a[0].str(), "json.is_valid", DuplicateKeys::kLastWins).ok());
  return Status::Ok();
}

Status Base64Enc(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64.encode", 1, "string", a[0]);
  *out = Value::String(Base64Encode(a[0].str()));
  return Status::Ok();
}

Status Base64Dec(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64.decode", 1, "string", a[0]);
  StatusOr<std::string> s = Base64Decode(a[0].str());
  if (!s.ok()) return BuiltinError("base64.decode", "illegal base64 data");
  *out = Value::String(std::move(*s));
  return Status::Ok();
}

constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string EncodeBase64(std::string_view in, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                 static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                 static_cast<unsigned char>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(v >> shift) & 63]);
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (rest == 2) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

// Go's padded base64 decoding; false with *bad_byte set to the input offset
// Go reports ("illegal base64 data at input byte N").
bool DecodeBase64(std::string_view in, std::string_view alphabet, std::string* out,
                  size_t* bad_byte) {
  out->clear();
  size_t si = 0;
  auto skip_newlines = [&] {
    while (si < in.size() && (in[si] == '\n' || in[si] == '\r')) ++si;
  };
  while (true) {
    uint32_t quantum[4] = {0, 0, 0, 0};
    size_t j = 0;
    size_t dlen = 3;
    bool done = false;
    for (; j < 4; ++j) {
      skip_newlines();
      if (si == in.size()) {
        if (j == 0) return true;
        *bad_byte = si - j;
        return false;
      }
      char c = in[si++];
      size_t idx = alphabet.find(c);
      if (c != '=' && idx != std::string_view::npos) {
        quantum[j] = static_cast<uint32_t>(idx);
        continue;
      }
      if (c != '=') {
        *bad_byte = si - 1;
        return false;
      }
      // Padding: only after two or three symbols, and "==" after two.
      if (j < 2) {
        *bad_byte = si - 1;
        return false;
      }
      if (j == 2) {
        skip_newlines();
        if (si == in.size() || in[si] != '=') {
          *bad_byte = si == in.size() ? in.size() : si - 1;
          return false;
        }
        ++si;
      }
      skip_newlines();
      if (si < in.size()) {
        *bad_byte = si;
        return false;
      }
      dlen = j - 1;
      done = true;
      break;
    }
    uint32_t v = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
    for (size_t k = 0; k < dlen; ++k) out->push_back(static_cast<char>((v >> (16 - 8 * k)) & 0xFF));
    if (done) return true;
  }
}

Status Base64IsValid(Ctx&, Operands a, Value* out) {
  std::string decoded;
  size_t bad;
  *out = Value::Bool(a[0].is_string() && DecodeBase64(a[0].str(), kStdAlphabet, &decoded, &bad));
  return Status::Ok();
}

Status Base64UrlEncode(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64url.encode", 1, "string", a[0]);
  *out = Value::String(EncodeBase64(a[0].str(), kUrlAlphabet, true));
  return Status::Ok();
}

Status Base64UrlEncodeNoPad(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64url.encode_no_pad", 1, "string", a[0]);
  *out = Value::String(EncodeBase64(a[0].str(), kUrlAlphabet, false));
  return Status::Ok();
}

Status Base64UrlDecode(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "base64url.decode";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::string s = a[0].str();
  // Encoders often drop the padding; restore it (RFC 7515 appendix C).
  if (s.empty() || s.back() != '=') {
    switch (s.size() % 4) {
      case 2:
        s += "==";
        break;
      case 3:
        s += "=";
        break;
      case 1:
        return BuiltinError(kFn, "illegal base64url string: " + s);
      default:
        break;
    }
  }
  std::string decoded;
  size_t bad;
  if (!DecodeBase64(s, kUrlAlphabet, &decoded, &bad)) {
    return BuiltinError(kFn, fmt::format("illegal base64 data at input byte {}", bad));
  }
  *out = Value::String(std::move(decoded));
  return Status::Ok();
}

Status HexEnc(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("hex.encode", 1, "string", a[0]);
  *out = Value::String(HexEncode(a[0].str()));
  return Status::Ok();
}

// Go's "%#U" of a byte taken as a code point: U+0067 'g', or U+0080 for a
// character Go does not consider printable.
std::string GoRuneName(unsigned char c) {
  bool printable = (c >= 0x20 && c < 0x7F) || (c > 0xA0 && c != 0xAD);
  if (!printable) return fmt::format("U+{:04X}", c);
  std::string glyph;
  if (c < 0x80) {
    glyph.push_back(static_cast<char>(c));
  } else {
    glyph.push_back(static_cast<char>(0xC0 | (c >> 6)));
    glyph.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return fmt::format("U+{:04X} '{}'", c, glyph);
}

// Go's hex.DecodeString, with its error for the first bad byte (checked
// before an odd length is reported).
Status HexDec(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "hex.decode";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  const std::string& s = a[0].str();
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string decoded;
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nibble(s[i]);
    if (hi < 0) {
      return BuiltinError(kFn, "encoding/hex: invalid byte: " +
                                   GoRuneName(static_cast<unsigned char>(s[i])));
    }
    if (i + 1 == s.size()) return BuiltinError(kFn, "encoding/hex: odd length hex string");
    int lo = nibble(s[i + 1]);
    if (lo < 0) {
      return BuiltinError(kFn, "encoding/hex: invalid byte: " +
                                   GoRuneName(static_cast<unsigned char>(s[i + 1])));
    }
    decoded.push_back(static_cast<char>(hi << 4 | lo));
  }
  *out = Value::String(std::move(decoded));
  return Status::Ok();
}

Status Print(Ctx& ctx, Operands a, Value* out) {
  *out = Value::True();
  if (ctx.print == nullptr || !*ctx.print) return Status::Ok();
  std::string line;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) line += ' ';
    line += a[i].ToDisplayString();
  }
  (*ctx.print)(line);
  return Status::Ok();
}

// trace(note): true. OPA adds the note to an explanation (--explain=notes),
// which mgov does not produce; a policy calling it still evaluates the same.
Status Trace(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("trace", 1, "string", a[0]);
  *out = Value::True();
  return Status::Ok();
}

}  // namespace

void RegisterEncodingBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"json.marshal", 1, JsonMarshal},
                          {"json.unmarshal", 1, JsonUnmarshal},
                          {"json.is_valid", 1, JsonIsValid},
                          {"base64.encode", 1, Base64Enc},
                          {"base64.decode", 1, Base64Dec},
                          {"base64.is_valid", 1, Base64IsValid},
                          {"base64url.encode", 1, Base64UrlEncode},
                          {"base64url.encode_no_pad", 1, Base64UrlEncodeNoPad},
                          {"base64url.decode", 1, Base64UrlDecode},
                          {"hex.encode", 1, HexEnc},
                          {"hex.decode", 1, HexDec},
                          {"print", -1, Print},
                          {"trace", 1, Trace},
                      });
}

}  // namespace governance::rego
