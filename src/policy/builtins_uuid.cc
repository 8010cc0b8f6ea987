// uuid.parse: the fields of an RFC 4122 UUID, as OPA reports them (it uses
// github.com/google/uuid). uuid.rfc4122, which generates random UUIDs, is
// not provided: the engine has no source of randomness that keeps an
// evaluation repeatable.
#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The accepted spellings: 8-4-4-4-12 hex digits, the same in braces (or any
// other pair of characters) or after "urn:uuid:", or 32 hex digits.
bool ParseUuid(std::string_view s, uint8_t out[16]) {
  auto eq_fold = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
      if (x != b[i]) return false;
    }
    return true;
  };
  std::string hex;
  if (s.size() == 32) {
    hex = s;
  } else {
    if (s.size() == 45) {
      if (!eq_fold(s.substr(0, 9), "urn:uuid:")) return false;
      s = s.substr(9);
    } else if (s.size() == 38) {
      // google/uuid drops the first and last characters unchecked.
      s = s.substr(1, 36);
    }
    if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
      return false;
    }
    for (size_t i = 0; i < s.size(); ++i) {
      if (i != 8 && i != 13 && i != 18 && i != 23) hex.push_back(s[i]);
    }
  }
  for (size_t i = 0; i < 16; ++i) {
    int hi = HexNibble(hex[2 * i]), lo = HexNibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::string Variant(uint8_t b) {
  if ((b & 0xC0) == 0x80) return "RFC4122";
  if ((b & 0xE0) == 0xC0) return "Microsoft";
  if ((b & 0xE0) == 0xE0) return "Future";
  return "Reserved";
}

// Gregorian reform (1582-10-15) to the Unix epoch, in 100 ns intervals.
constexpr int64_t kGregorianToUnix100ns = 122'192'928'000'000'000;

Status UuidParse(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("uuid.parse", 1, "string", a[0]);
  uint8_t u[16];
  // A string that is not a UUID makes the call undefined, as in OPA.
  if (!ParseUuid(a[0].str(), u)) return Status::Ok();
  const int version = u[6] >> 4;
  ObjectEntries fields;
  fields.emplace_back(Value::String("version"), Value::Int(version));
  fields.emplace_back(Value::String("variant"), Value::String(Variant(u[8])));
  if (version == 1 || version == 2) {
    auto be32 = [&](int i) {
      return static_cast<int64_t>(u[i]) << 24 | static_cast<int64_t>(u[i + 1]) << 16 |
             static_cast<int64_t>(u[i + 2]) << 8 | u[i + 3];
    };
    auto be16 = [&](int i) { return static_cast<int64_t>(u[i]) << 8 | u[i + 1]; };
    // 60-bit count of 100 ns intervals since the Gregorian reform.
    int64_t t = be32(0) | be16(4) << 32 | (be16(6) & 0xFFF) << 48;
    int64_t since_unix = t - kGregorianToUnix100ns;
    int64_t ns = since_unix / 10'000'000 * 1'000'000'000 + since_unix % 10'000'000 * 100;
    fields.emplace_back(Value::String("time"), Value::Int(ns));
    fields.emplace_back(Value::String("clocksequence"), Value::Int(be16(8) & 0x3FFF));
    fields.emplace_back(Value::String("nodeid"),
                        Value::String(fmt::format("{:02x}-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}", u[10],
                                                  u[11], u[12], u[13], u[14], u[15])));
    fields.emplace_back(Value::String("macvariables"),
                        Value::String(std::string(u[10] & 0x02 ? "local" : "global") + ":" +
                                      (u[10] & 0x01 ? "multicast" : "unicast")));
    if (version == 2) {
      fields.emplace_back(Value::String("id"), Value::Int(be32(0)));
      static const char* kDomains[] = {"Person", "Group", "Org"};
      fields.emplace_back(Value::String("domain"),
                          Value::String(u[9] < 3 ? kDomains[u[9]] : fmt::format("Domain{}", u[9])));
    }
  }
  *out = Value::Object(std::move(fields));
  return Status::Ok();
}

}  // namespace

void RegisterUuidBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"uuid.parse", 1, UuidParse},
                      });
}

}  // namespace governance::rego
