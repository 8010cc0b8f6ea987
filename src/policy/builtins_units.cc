// Unit builtins: units.parse ("500m" -> 0.5, "2Ki" -> 2048) and
// units.parse_bytes ("2KiB" -> 2048). OPA computes both exactly (big.Rat,
// big.Float); so does this file, in decimal, so that "0.0000005M" is 0.5 and
// not the nearest double to a product of two rounded doubles.
#include <cerrno>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// OPA's limit on the digits of a scientific-notation exponent.
constexpr size_t kMaxExponentDigits = 6;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// OPA's extractNumAndUnit: splits "10.5e3KiB" into the number ("10.5e3")
// and the unit ("KiB"). False when an exponent has too many digits.
bool SplitAmount(const std::string& s, std::string* num, std::string* unit) {
  size_t first_unit = std::string::npos;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!IsDigit(c) && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      first_unit = i;
      break;
    }
    if (c == 'e' || c == 'E') {
      // An 'e' is an exponent only when a digit or sign follows; else it is
      // the unit (exa).
      if (i + 1 == s.size() || (!IsDigit(s[i + 1]) && s[i + 1] != '+' && s[i + 1] != '-')) {
        first_unit = i;
        break;
      }
      if (s[i + 1] == '+' || s[i + 1] == '-') ++i;
      size_t digits = 0;
      while (i + 1 + digits < s.size() && IsDigit(s[i + 1 + digits])) ++digits;
      if (digits > kMaxExponentDigits) return false;
    }
  }
  if (first_unit == std::string::npos) first_unit = s.size();
  *num = s.substr(0, first_unit);
  *unit = s.substr(first_unit);
  return true;
}

// An exact decimal: (-1)^negative * digits * 10^exponent.
struct Decimal {
  bool negative = false;
  std::string digits;  // most significant first, no leading zeros ("" is 0)
  int64_t exponent = 0;
};

// Parses Go's decimal number syntax as big.Rat.SetString accepts it:
// [sign] digits [. digits] [e [sign] digits], with at least one digit.
bool ParseDecimal(const std::string& s, Decimal* d) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) d->negative = s[i++] == '-';
  std::string digits;
  int64_t exponent = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    if (IsDigit(s[i])) {
      digits.push_back(s[i]);
      if (dot) --exponent;
      any = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == s.size()) return false;
    int64_t e = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) e = e * 10 + (s[i] - '0');
    exponent += neg ? -e : e;
  }
  if (i != s.size()) return false;
  size_t nz = digits.find_first_not_of('0');
  d->digits = nz == std::string::npos ? "" : digits.substr(nz);
  d->exponent = exponent;
  return true;
}

// digits *= m, in decimal.
void MultiplyDigits(std::string* digits, uint64_t m) {
  if (digits->empty()) return;
  std::string out;
  // digit * m + carry < 10 * 2^60 + 2^61 fits in 64 bits.
  uint64_t carry = 0;
  for (auto it = digits->rbegin(); it != digits->rend(); ++it) {
    uint64_t v = static_cast<uint64_t>(*it - '0') * m + carry;
    out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    carry = v / 10;
  }
  while (carry > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(carry % 10)));
    carry /= 10;
  }
  *digits = std::string(out.rbegin(), out.rend());
}

// The number `d` as a Value: an integer when it is one and fits, else the
// nearest double. `fraction_digits` >= 0 first rounds to that many decimals
// (halves away from zero), as big.Rat.FloatString does; < 0 truncates
// toward zero to an integer, as big.Float.Int does.
Value ToNumber(const Decimal& d, int fraction_digits) {
  std::string int_part, frac_part;
  if (d.exponent >= 0) {
    int_part = d.digits.empty() ? "" : d.digits + std::string(static_cast<size_t>(d.exponent), '0');
  } else {
    size_t shift = static_cast<size_t>(-d.exponent);
    if (shift >= d.digits.size()) {
      frac_part = std::string(shift - d.digits.size(), '0') + d.digits;
    } else {
      int_part = d.digits.substr(0, d.digits.size() - shift);
      frac_part = d.digits.substr(d.digits.size() - shift);
    }
  }
  if (int_part.empty()) int_part = "0";
  bool integral = frac_part.find_first_not_of('0') == std::string::npos;
  std::string text;
  if (integral || fraction_digits < 0) {
    text = int_part;
  } else {
    // Round to fraction_digits decimals, halves away from zero.
    std::string all = int_part + frac_part.substr(0, static_cast<size_t>(fraction_digits)) +
                      std::string(frac_part.size() < static_cast<size_t>(fraction_digits)
                                      ? static_cast<size_t>(fraction_digits) - frac_part.size()
                                      : 0,
                                  '0');
    if (frac_part.size() > static_cast<size_t>(fraction_digits) &&
        frac_part[static_cast<size_t>(fraction_digits)] >= '5') {
      size_t k = all.size();
      while (k > 0) {
        --k;
        if (all[k] == '9') {
          all[k] = '0';
        } else {
          ++all[k];
          break;
        }
        if (k == 0) all.insert(all.begin(), '1');
      }
    }
    text = all.substr(0, all.size() - static_cast<size_t>(fraction_digits)) + "." +
           all.substr(all.size() - static_cast<size_t>(fraction_digits));
  }
  if (d.negative) text = "-" + text;
  if (text.find('.') == std::string::npos && text.size() <= 19) {
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0) return Value::Int(v);
  }
  return Value::Double(std::strtod(text.c_str(), nullptr));
}

struct Unit {
  const char* name;
  uint64_t multiplier;  // 0 marks milli, the one multiplier below 1
};

constexpr uint64_t kKi = uint64_t{1} << 10;

Status UnitsParse(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "units.parse";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::string s;
  for (char c : a[0].str()) {
    if (c != '"') s.push_back(c);
  }
  if (s.find(' ') != std::string::npos) {
    return BuiltinError(kFn, "spaces not allowed in resource strings");
  }
  std::string num, unit;
  if (!SplitAmount(s, &num, &unit)) return BuiltinError(kFn, "exponent too large");
  if (num.empty()) return BuiltinError(kFn, "no amount provided");
  // Only the letters after the first are case-insensitive, so that "m"
  // (milli) and "M" (mega) stay apart.
  for (size_t i = 1; i < unit.size(); ++i) {
    if (unit[i] >= 'A' && unit[i] <= 'Z') unit[i] = static_cast<char>(unit[i] - 'A' + 'a');
  }
  static const Unit kUnits[] = {
      {"m", 0},          {"", 1},           {"k", 1000},       {"K", 1000},
      {"ki", kKi},       {"Ki", kKi},       {"M", 1000000},    {"mi", kKi * kKi},
      {"Mi", kKi * kKi}, {"g", 1000000000}, {"G", 1000000000}, {"gi", kKi * kKi * kKi},
      {"Gi", kKi * kKi * kKi}, {"t", 1000000000000}, {"T", 1000000000000},
      {"ti", kKi * kKi * kKi * kKi}, {"Ti", kKi * kKi * kKi * kKi},
      {"p", 1000000000000000}, {"P", 1000000000000000},
      {"pi", kKi * kKi * kKi * kKi * kKi}, {"Pi", kKi * kKi * kKi * kKi * kKi},
      {"e", 1000000000000000000}, {"E", 1000000000000000000},
      {"ei", kKi * kKi * kKi * kKi * kKi * kKi}, {"Ei", kKi * kKi * kKi * kKi * kKi * kKi},
  };
  const Unit* found = nullptr;
  for (const Unit& u : kUnits) {
    if (unit == u.name) found = &u;
  }
  if (found == nullptr) return BuiltinError(kFn, fmt::format("unit {} not recognized", unit));
  Decimal d;
  if (!ParseDecimal(num, &d)) return BuiltinError(kFn, "could not parse amount to a number");
  if (found->multiplier == 0) {
    d.exponent -= 3;
  } else {
    MultiplyDigits(&d.digits, found->multiplier);
  }
  *out = ToNumber(d, 10);
  return Status::Ok();
}

Status UnitsParseBytes(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "units.parse_bytes";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::string s;
  for (char c : a[0].str()) {
    if (c == '"') continue;
    s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (s.find(' ') != std::string::npos) {
    return BuiltinError(kFn, "spaces not allowed in resource strings");
  }
  std::string num, unit;
  if (!SplitAmount(s, &num, &unit)) return BuiltinError(kFn, "exponent too large");
  if (num.empty()) return BuiltinError(kFn, "no byte amount provided");
  static const Unit kUnits[] = {
      {"", 1},
      {"kb", 1000},          {"k", 1000},          {"kib", kKi},         {"ki", kKi},
      {"mb", 1000000},       {"m", 1000000},       {"mib", kKi * kKi},   {"mi", kKi * kKi},
      {"gb", 1000000000},    {"g", 1000000000},    {"gib", kKi * kKi * kKi},
      {"gi", kKi * kKi * kKi},
      {"tb", 1000000000000}, {"t", 1000000000000}, {"tib", kKi * kKi * kKi * kKi},
      {"ti", kKi * kKi * kKi * kKi},
      {"pb", 1000000000000000}, {"p", 1000000000000000},
      {"pib", kKi * kKi * kKi * kKi * kKi}, {"pi", kKi * kKi * kKi * kKi * kKi},
      {"eb", 1000000000000000000}, {"e", 1000000000000000000},
      {"eib", kKi * kKi * kKi * kKi * kKi * kKi}, {"ei", kKi * kKi * kKi * kKi * kKi * kKi},
  };
  const Unit* found = nullptr;
  for (const Unit& u : kUnits) {
    if (unit == u.name) found = &u;
  }
  if (found == nullptr) return BuiltinError(kFn, fmt::format("byte unit {} not recognized", unit));
  Decimal d;
  if (!ParseDecimal(num, &d)) return BuiltinError(kFn, "could not parse byte amount to a number");
  MultiplyDigits(&d.digits, found->multiplier);
  *out = ToNumber(d, -1);
  return Status::Ok();
}

}  // namespace

void RegisterUnitsBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"units.parse", 1, UnitsParse},
                          {"units.parse_bytes", 1, UnitsParseBytes},
                      });
}

}  // namespace governance::rego
