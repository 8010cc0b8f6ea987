// JSON, base64, base64url and hex encoding builtins, and print. Base64
// follows Go's encoding/base64 as OPA uses it: the standard or URL alphabet,
// padding required (except for base64url.decode, which adds it), CR and LF
// ignored, errors naming the offending input byte.
#include <fmt/format.h>

#include "core/document.h"
#include "core/encoding.h"
#include "policy/builtins.h"
#include "policy/openssl_util.h"

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

Status Base64IsValid(Ctx&, Operands a, Value* out) {
  std::string decoded, err;
  *out = Value::Bool(a[0].is_string() && GoBase64Decode(a[0].str(), false, &decoded, &err));
  return Status::Ok();
}

Status Base64UrlEncode(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64url.encode", 1, "string", a[0]);
  *out = Value::String(GoBase64Encode(a[0].str(), true, true));
  return Status::Ok();
}

Status Base64UrlEncodeNoPad(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("base64url.encode_no_pad", 1, "string", a[0]);
  *out = Value::String(GoBase64Encode(a[0].str(), true, false));
  return Status::Ok();
}

Status Base64UrlDecode(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "base64url.decode";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  // Encoders often drop the padding; it is restored (RFC 7515 appendix C).
  std::string decoded, err;
  if (!Base64UrlDecodeLenient(a[0].str(), &decoded, &err)) return BuiltinError(kFn, err);
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
