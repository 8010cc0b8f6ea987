// String builtins, sprintf (Go verbs) and semver.
#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

#define GOV_REQUIRE_STRING(fn, pos, v) \
  if (!(v).is_string()) return OperandTypeError(fn, pos, "string", v)

Status Concat(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("concat", 1, a[0]);
  if (!a[1].is_array() && !a[1].is_set()) {
    return OperandTypeError("concat", 2, "one of {array, set}", a[1]);
  }
  std::string result;
  bool first = true;
  for (const Value& v : a[1].items()) {
    if (!v.is_string()) return OperandTypeError("concat", 2, "array of strings", a[1]);
    if (!first) result += a[0].str();
    first = false;
    result += v.str();
  }
  *out = Value::String(std::move(result));
  return Status::Ok();
}

Status Contains(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("contains", 1, a[0]);
  GOV_REQUIRE_STRING("contains", 2, a[1]);
  *out = Value::Bool(a[0].str().find(a[1].str()) != std::string::npos);
  return Status::Ok();
}

Status StartsWith(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("startswith", 1, a[0]);
  GOV_REQUIRE_STRING("startswith", 2, a[1]);
  *out = Value::Bool(a[0].str().rfind(a[1].str(), 0) == 0);
  return Status::Ok();
}

bool HasSuffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status EndsWith(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("endswith", 1, a[0]);
  GOV_REQUIRE_STRING("endswith", 2, a[1]);
  *out = Value::Bool(HasSuffix(a[0].str(), a[1].str()));
  return Status::Ok();
}

// ASCII case mapping, independent of the C locale (std::tolower is a call
// per byte, and under a single-byte locale would rewrite UTF-8 bytes).
// Non-ASCII letters keep their case; OPA maps them with Unicode rules.
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

Status Lower(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("lower", 1, a[0]);
  const std::string& in = a[0].str();
  // Policies mostly lower-case what is already lower case: share it.
  if (std::none_of(in.begin(), in.end(), IsAsciiUpper)) {
    *out = a[0];
    return Status::Ok();
  }
  std::string s = in;
  for (char& c : s) {
    if (IsAsciiUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  *out = Value::String(std::move(s));
  return Status::Ok();
}

Status Upper(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("upper", 1, a[0]);
  std::string s = a[0].str();
  for (char& c : s) {
    if (IsAsciiLower(c)) c = static_cast<char>(c - 'a' + 'A');
  }
  *out = Value::String(std::move(s));
  return Status::Ok();
}

// Go's strings.Trim family, with the cutset taken as code points.
std::string TrimCutset(const std::string& s, const std::string& cutset, bool left, bool right) {
  auto ascii = [](const std::string& x) {
    return std::all_of(x.begin(), x.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  };
  if (ascii(s) && ascii(cutset)) {
    // Code points are bytes, and no decoding can replace an invalid one.
    size_t b = 0, e = s.size();
    if (left) {
      while (b < e && cutset.find(s[b]) != std::string::npos) ++b;
    }
    if (right) {
      while (e > b && cutset.find(s[e - 1]) != std::string::npos) --e;
    }
    return s.substr(b, e - b);
  }
  std::vector<uint32_t> cps = Utf8Decode(s);
  std::vector<uint32_t> cut = Utf8Decode(cutset);
  auto in_cut = [&](uint32_t c) { return std::find(cut.begin(), cut.end(), c) != cut.end(); };
  size_t b = 0, e = cps.size();
  if (left) {
    while (b < e && in_cut(cps[b])) ++b;
  }
  if (right) {
    while (e > b && in_cut(cps[e - 1])) --e;
  }
  return Utf8Encode(cps, b, e);
}

Status Trim(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("trim", 1, a[0]);
  GOV_REQUIRE_STRING("trim", 2, a[1]);
  *out = Value::String(TrimCutset(a[0].str(), a[1].str(), true, true));
  return Status::Ok();
}

Status TrimLeft(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("trim_left", 1, a[0]);
  GOV_REQUIRE_STRING("trim_left", 2, a[1]);
  *out = Value::String(TrimCutset(a[0].str(), a[1].str(), true, false));
  return Status::Ok();
}

Status TrimRight(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("trim_right", 1, a[0]);
  GOV_REQUIRE_STRING("trim_right", 2, a[1]);
  *out = Value::String(TrimCutset(a[0].str(), a[1].str(), false, true));
  return Status::Ok();
}

Status TrimSpace(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("trim_space", 1, a[0]);
  static constexpr std::string_view kSpace = " \t\n\r\v\f";
  const std::string& s = a[0].str();
  // Usually nothing is trimmed, which the two end bytes show: share the operand.
  auto kept = [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && kSpace.find(c) == kSpace.npos;
  };
  if (s.empty() || (kept(s.front()) && kept(s.back()))) {
    *out = a[0];
    return Status::Ok();
  }
  std::string trimmed = TrimCutset(s, std::string(kSpace), true, true);
  *out = trimmed == s ? a[0] : Value::String(std::move(trimmed));
  return Status::Ok();
}

Status TrimPrefix(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("trim_prefix", 1, a[0]);
  GOV_REQUIRE_STRING("trim_prefix", 2, a[1]);
  const std::string& s = a[0].str();
  const std::string& p = a[1].str();
  *out = s.rfind(p, 0) == 0 ? Value::String(s.substr(p.size())) : a[0];
  return Status::Ok();
}

Status TrimSuffix(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("trim_suffix", 1, a[0]);
  GOV_REQUIRE_STRING("trim_suffix", 2, a[1]);
  const std::string& s = a[0].str();
  const std::string& p = a[1].str();
  *out = HasSuffix(s, p) ? Value::String(s.substr(0, s.size() - p.size())) : a[0];
  return Status::Ok();
}

// Go's strings.Replace(s, old, new, n) with n < 0 meaning all.
// Go's strings.Replace; false once the result would pass `limit` bytes (an
// empty `from` inserts `to` at every code point, so the result can be far
// larger than both operands).
bool ReplaceN(const std::string& s, const std::string& from, const std::string& to, int64_t n,
              size_t limit, std::string* result) {
  std::string& out = *result;
  if (n == 0) {
    out = s;
    return s.size() <= limit;
  }
  if (from.empty()) {
    std::vector<uint32_t> cps = Utf8Decode(s);
    int64_t done = 0;
    for (size_t i = 0; i <= cps.size(); ++i) {
      if (n < 0 || done < n) {
        out += to;
        ++done;
      }
      if (i < cps.size()) out += Utf8Encode(cps, i, i + 1);
      if (out.size() > limit) return false;
    }
    return true;
  }
  size_t pos = 0;
  int64_t done = 0;
  while (n < 0 || done < n) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    if (out.size() > limit) return false;
    pos = hit + from.size();
    ++done;
  }
  out.append(s, pos, std::string::npos);
  return out.size() <= limit;
}

Status Replace(Ctx& ctx, Operands a, Value* out) {
  GOV_REQUIRE_STRING("replace", 1, a[0]);
  GOV_REQUIRE_STRING("replace", 2, a[1]);
  GOV_REQUIRE_STRING("replace", 3, a[2]);
  std::string result;
  if (!ReplaceN(a[0].str(), a[1].str(), a[2].str(), -1, ctx.max_string_bytes, &result)) {
    return ctx.Exhausted("replace", fmt::format("a string of more than {} bytes",
                                                ctx.max_string_bytes));
  }
  *out = Value::String(std::move(result));
  return Status::Ok();
}

// strings.replace_n: Go's strings.NewReplacer over the pattern object's
// pairs in key order. At each position the first key (in that order) that
// matches is replaced and scanning resumes after it; replaced text is never
// rescanned. An empty key matches everywhere, but not twice in a row at the
// same position, so it inserts its value between bytes.
Status ReplaceNBuiltin(Ctx& ctx, Operands a, Value* out) {
  constexpr std::string_view kFn = "strings.replace_n";
  if (!a[0].is_object()) return OperandTypeError(kFn, 1, "object", a[0]);
  GOV_REQUIRE_STRING(kFn, 2, a[1]);
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (const auto& [k, v] : a[0].entries()) {
    if (!k.is_string()) return TypeError(kFn, "operand 1 non-string key found in pattern object");
    if (!v.is_string()) return TypeError(kFn, "operand 1 non-string value found in pattern object");
    pairs.emplace_back(k.str(), v.str());
  }
  const std::string& s = a[1].str();
  std::string result;
  size_t last = 0;
  bool prev_empty = false;
  for (size_t i = 0; i <= s.size();) {
    const std::pair<std::string_view, std::string_view>* hit = nullptr;
    for (const auto& p : pairs) {
      if (p.first.empty() && prev_empty) continue;
      if (std::string_view(s).substr(i).starts_with(p.first)) {
        hit = &p;
        break;
      }
    }
    prev_empty = hit != nullptr && hit->first.empty();
    if (hit == nullptr) {
      ++i;
      continue;
    }
    result.append(s, last, i - last);
    result.append(hit->second);
    if (result.size() > ctx.max_string_bytes) {
      return ctx.Exhausted(kFn, fmt::format("a string of more than {} bytes", ctx.max_string_bytes));
    }
    i += hit->first.size();
    last = i;
  }
  if (last < s.size()) result.append(s, last, std::string::npos);
  *out = Value::String(std::move(result));
  return Status::Ok();
}

// strings.reverse: the code points in reverse order.
Status StringsReverse(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("strings.reverse", 1, a[0]);
  std::vector<uint32_t> cps = Utf8Decode(a[0].str());
  std::reverse(cps.begin(), cps.end());
  *out = Value::String(Utf8Encode(cps, 0, cps.size()));
  return Status::Ok();
}

// Go's strings.SplitN.
ValueVector SplitN(const std::string& s, const std::string& sep, int64_t n) {
  ValueVector parts;
  if (n == 0) return parts;
  if (sep.empty()) {
    std::vector<uint32_t> cps = Utf8Decode(s);
    for (size_t i = 0; i < cps.size(); ++i) {
      if (n > 0 && static_cast<int64_t>(parts.size()) == n - 1) {
        parts.push_back(Value::String(Utf8Encode(cps, i, cps.size())));
        return parts;
      }
      parts.push_back(Value::String(Utf8Encode(cps, i, i + 1)));
    }
    return parts;
  }
  size_t pos = 0;
  while (n < 0 || static_cast<int64_t>(parts.size()) < n - 1) {
    size_t hit = s.find(sep, pos);
    if (hit == std::string::npos) break;
    parts.push_back(Value::String(s.substr(pos, hit - pos)));
    pos = hit + sep.size();
  }
  parts.push_back(Value::String(s.substr(pos)));
  return parts;
}

Status Split(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("split", 1, a[0]);
  GOV_REQUIRE_STRING("split", 2, a[1]);
  *out = Value::Array(SplitN(a[0].str(), a[1].str(), -1));
  return Status::Ok();
}

Status SplitNBuiltin(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("strings.split_n", 1, a[0]);
  GOV_REQUIRE_STRING("strings.split_n", 2, a[1]);
  if (!a[2].is_number()) return OperandTypeError("strings.split_n", 3, "number", a[2]);
  int64_t n;
  if (!a[2].ToInt(&n) || !a[2].is_int()) {
    if (!a[2].is_int()) {
      return TypeError("strings.split_n",
                       "operand 3 must be integer number but got floating-point number");
    }
  }
  // OPA's split_n keeps the first n pieces, or the last -n when n < 0.
  ValueVector parts = SplitN(a[0].str(), a[1].str(), -1);
  int64_t size = static_cast<int64_t>(parts.size());
  if (n >= 0) {
    parts.resize(static_cast<size_t>(std::min(n, size)));
  } else {
    parts.erase(parts.begin(), parts.begin() + (size - std::min(-n, size)));
  }
  *out = Value::Array(std::move(parts));
  return Status::Ok();
}

Status Substring(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("substring", 1, a[0]);
  int64_t start, len;
  if (!a[1].ToInt(&start)) return OperandTypeError("substring", 2, "integer", a[1]);
  if (!a[2].ToInt(&len)) return OperandTypeError("substring", 3, "integer", a[2]);
  if (start < 0) return BuiltinError("substring", "negative offset");
  std::vector<uint32_t> cps = Utf8Decode(a[0].str());
  int64_t n = static_cast<int64_t>(cps.size());
  if (start >= n) {
    *out = Value::EmptyString();
    return Status::Ok();
  }
  int64_t end = len < 0 ? n : std::min(n, start + len);
  *out = Value::String(Utf8Encode(cps, static_cast<size_t>(start), static_cast<size_t>(end)));
  return Status::Ok();
}

// Index in code points of the byte offset `byte` of UTF-8 `s`.
int64_t RuneIndex(const std::string& s, size_t byte) {
  return static_cast<int64_t>(Utf8Length(std::string_view(s).substr(0, byte)));
}

Status IndexOf(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("indexof", 1, a[0]);
  GOV_REQUIRE_STRING("indexof", 2, a[1]);
  if (a[1].str().empty()) return BuiltinError("indexof", "empty search character");
  size_t hit = a[0].str().find(a[1].str());
  *out = Value::Int(hit == std::string::npos ? -1 : RuneIndex(a[0].str(), hit));
  return Status::Ok();
}

Status IndexOfN(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("indexof_n", 1, a[0]);
  GOV_REQUIRE_STRING("indexof_n", 2, a[1]);
  const std::string& s = a[0].str();
  const std::string& sub = a[1].str();
  if (sub.empty()) return BuiltinError("indexof_n", "empty search character");
  ValueVector hits;
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(sub, pos);
    if (hit == std::string::npos) break;
    hits.push_back(Value::Int(RuneIndex(s, hit)));
    pos = hit + 1;
  }
  *out = Value::Array(std::move(hits));
  return Status::Ok();
}

Status StringsCount(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("strings.count", 1, a[0]);
  GOV_REQUIRE_STRING("strings.count", 2, a[1]);
  const std::string& s = a[0].str();
  const std::string& sub = a[1].str();
  if (sub.empty()) {
    *out = Value::Int(static_cast<int64_t>(Utf8Length(s)) + 1);
    return Status::Ok();
  }
  int64_t n = 0;
  size_t pos = 0;
  while ((pos = s.find(sub, pos)) != std::string::npos) {
    ++n;
    pos += sub.size();
  }
  *out = Value::Int(n);
  return Status::Ok();
}

Status StringList(std::string_view fn, int pos, const Value& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    out->push_back(v.str());
    return Status::Ok();
  }
  if (!v.is_array() && !v.is_set()) {
    return OperandTypeError(fn, pos, "one of {string, set, array}", v);
  }
  for (const Value& e : v.items()) {
    if (!e.is_string()) {
      return TypeError(fn, fmt::format("operand {} must be {} of strings but got {} containing {}",
                                       pos, v.TypeName(), v.TypeName(), e.TypeName()));
    }
    out->push_back(e.str());
  }
  return Status::Ok();
}

Status AnyPrefixMatch(Ctx&, Operands a, Value* out) {
  std::vector<std::string> strings, prefixes;
  GOV_RETURN_IF_ERROR(StringList("strings.any_prefix_match", 1, a[0], &strings));
  GOV_RETURN_IF_ERROR(StringList("strings.any_prefix_match", 2, a[1], &prefixes));
  for (const std::string& s : strings) {
    for (const std::string& p : prefixes) {
      if (s.rfind(p, 0) == 0) {
        *out = Value::True();
        return Status::Ok();
      }
    }
  }
  *out = Value::False();
  return Status::Ok();
}

Status AnySuffixMatch(Ctx&, Operands a, Value* out) {
  std::vector<std::string> strings, suffixes;
  GOV_RETURN_IF_ERROR(StringList("strings.any_suffix_match", 1, a[0], &strings));
  GOV_RETURN_IF_ERROR(StringList("strings.any_suffix_match", 2, a[1], &suffixes));
  for (const std::string& s : strings) {
    for (const std::string& p : suffixes) {
      if (HasSuffix(s, p)) {
        *out = Value::True();
        return Status::Ok();
      }
    }
  }
  *out = Value::False();
  return Status::Ok();
}

Status FormatInt(Ctx&, Operands a, Value* out) {
  if (!a[0].is_number()) return OperandTypeError("format_int", 1, "number", a[0]);
  int64_t base;
  if (!a[1].ToInt(&base)) return OperandTypeError("format_int", 2, "integer", a[1]);
  if (base != 2 && base != 8 && base != 10 && base != 16) {
    return BuiltinError("format_int", "operand 2 must be one of {2, 8, 10, 16}");
  }
  double d = std::trunc(a[0].as_double());
  int64_t i = a[0].is_int() ? a[0].as_int() : static_cast<int64_t>(d);
  bool neg = i < 0;
  uint64_t u = neg ? static_cast<uint64_t>(0) - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
  std::string digits;
  do {
    digits.push_back("0123456789abcdef"[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  } while (u != 0);
  if (neg) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  *out = Value::String(std::move(digits));
  return Status::Ok();
}

// ---------------------------------------------------------------- sprintf

std::string Pad(std::string s, int width, bool left, char fill) {
  int len = static_cast<int>(Utf8Length(s));
  if (width <= len) return s;
  std::string pad(static_cast<size_t>(width - len), fill);
  return left ? s + pad : (fill == '0' && !s.empty() && s[0] == '-' ? "-" + pad + s.substr(1)
                                                                     : pad + s);
}

std::string GoFloat(double d, char verb, int prec) {
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (std::isnan(d)) return "NaN";
  if (verb == 'g' || verb == 'G') {
    if (prec < 0) {
      // Shortest representation, like Go's %g / %v on float64.
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, d);
      std::string s(buf, res.ptr);
      return s;
    }
  }
  std::string spec = fmt::format("%.{}{}", prec < 0 ? 6 : prec, verb);
  char buf[512];
  std::snprintf(buf, sizeof buf, spec.c_str(), d);
  std::string s = buf;
  if (verb == 'e' || verb == 'E') {
    // Go writes at least two exponent digits, like C.
  }
  return s;
}

Status Sprintf(Ctx& ctx, Operands a, Value* out) {
  GOV_REQUIRE_STRING("sprintf", 1, a[0]);
  if (!a[1].is_array()) return OperandTypeError("sprintf", 2, "array", a[1]);
  const std::string& f = a[0].str();
  const ValueVector& args = a[1].items();
  std::string result;
  size_t argi = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c != '%') {
      result.push_back(c);
      continue;
    }
    ++i;
    if (i >= f.size()) {
      result += "%!(NOVERB)";
      break;
    }
    if (f[i] == '%') {
      result.push_back('%');
      continue;
    }
    bool left = false, plus = false, zero = false, space = false, sharp = false;
    for (; i < f.size(); ++i) {
      if (f[i] == '-') {
        left = true;
      } else if (f[i] == '+') {
        plus = true;
      } else if (f[i] == '0') {
        zero = true;
      } else if (f[i] == ' ') {
        space = true;
      } else if (f[i] == '#') {
        sharp = true;
      } else {
        break;
      }
    }
    // As Go's fmt: a width or precision over a million is "crazy long"; the
    // rest of the format is then consumed and reported as %!(NOVERB). This
    // also bounds what one verb can allocate.
    constexpr int kMaxWidth = 1'000'000;
    bool too_large = false;
    auto number = [&](int* n) {
      while (i < f.size() && std::isdigit(static_cast<unsigned char>(f[i]))) {
        if (*n > kMaxWidth) too_large = true;
        *n = too_large ? 0 : (*n < 0 ? 0 : *n * 10) + (f[i] - '0');
        ++i;
      }
    };
    int width = -1;
    number(&width);
    int prec = -1;
    if (!too_large && i < f.size() && f[i] == '.') {
      ++i;
      prec = 0;
      number(&prec);
    }
    if (too_large || i >= f.size()) {
      result += "%!(NOVERB)";
      break;
    }
    char verb = f[i];
    if (argi >= args.size()) {
      result += fmt::format("%!{}(MISSING)", verb);
      continue;
    }
    const Value& v = args[argi++];
    std::string s;
    switch (verb) {
      case 'v':
        s = v.is_number() && !v.is_int() ? GoFloat(v.as_double(), 'g', -1) : v.ToDisplayString();
        if (v.is_number()) s = FormatNumber(v);
        break;
      case 's':
        s = v.ToDisplayString();
        if (prec >= 0) {
          std::vector<uint32_t> cps = Utf8Decode(s);
          s = Utf8Encode(cps, 0, static_cast<size_t>(prec));
        }
        break;
      case 'q':
        s = v.is_string() ? QuoteString(v.str()) : fmt::format("%!q({})", v.ToString());
        break;
      case 't':
        s = v.is_bool() ? (v.as_bool() ? "true" : "false") : fmt::format("%!t({})", v.ToString());
        break;
      case 'd': {
        int64_t iv;
        if (v.is_number() && v.ToInt(&iv)) {
          s = std::to_string(iv);
          if (plus && iv >= 0) s = "+" + s;
          if (space && iv >= 0) s = " " + s;
        } else if (v.is_number()) {
          s = fmt::format("%!d(float64={})", FormatNumber(v));
        } else {
          s = fmt::format("%!d({}={})", v.TypeName(), v.ToDisplayString());
        }
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        if (!v.is_number()) {
          s = fmt::format("%!{}({}={})", verb, v.TypeName(), v.ToDisplayString());
        } else {
          s = GoFloat(v.as_double(), verb == 'F' ? 'f' : verb, prec);
          if (plus && v.as_double() >= 0) s = "+" + s;
        }
        break;
      case 'x':
      case 'X':
      case 'o':
      case 'b': {
        int64_t iv;
        if (v.is_number() && v.ToInt(&iv)) {
          int base = verb == 'o' ? 8 : (verb == 'b' ? 2 : 16);
          bool neg = iv < 0;
          uint64_t u = neg ? static_cast<uint64_t>(0) - static_cast<uint64_t>(iv)
                           : static_cast<uint64_t>(iv);
          const char* digits = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
          std::string d;
          do {
            d.push_back(digits[u % static_cast<uint64_t>(base)]);
            u /= static_cast<uint64_t>(base);
          } while (u != 0);
          if (sharp) d += verb == 'o' ? "0" : (verb == 'b' ? "b0" : (verb == 'X' ? "X0" : "x0"));
          if (neg) d.push_back('-');
          std::reverse(d.begin(), d.end());
          s = d;
        } else if (v.is_string()) {
          for (unsigned char ch : v.str()) {
            s += verb == 'X' ? fmt::format("{:02X}", ch) : fmt::format("{:02x}", ch);
          }
        } else {
          s = fmt::format("%!{}({}={})", verb, v.TypeName(), v.ToDisplayString());
        }
        break;
      }
      default:
        s = fmt::format("%!{}({}={})", verb, v.TypeName(), v.ToDisplayString());
    }
    if (width >= 0) s = Pad(s, width, left, zero && !left && verb != 's' && verb != 'v' ? '0' : ' ');
    result += s;
    if (result.size() > ctx.max_string_bytes) {
      return ctx.Exhausted("sprintf", fmt::format("a string of more than {} bytes",
                                                  ctx.max_string_bytes));
    }
  }
  if (argi < args.size()) {
    result += "%!(EXTRA ";
    for (size_t j = argi; j < args.size(); ++j) {
      if (j > argi) result += ", ";
      result += fmt::format("{}={}", args[j].TypeName(), args[j].ToDisplayString());
    }
    result += ")";
  }
  *out = Value::String(std::move(result));
  return Status::Ok();
}

// ---------------------------------------------------------------- semver

struct SemVer {
  int64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;
};

bool ParseNumeric(std::string_view s, int64_t* out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0') || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool ValidIdent(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

bool ParseSemVer(std::string_view s, SemVer* v) {
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    std::string_view build = s.substr(plus + 1);
    size_t start = 0;
    while (true) {
      size_t dot = build.find('.', start);
      if (!ValidIdent(build.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
        return false;
      }
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  std::string_view core = s.substr(0, dash);
  if (dash != std::string_view::npos) {
    std::string_view pre = s.substr(dash + 1);
    size_t start = 0;
    while (true) {
      size_t dot = pre.find('.', start);
      std::string_view id = pre.substr(start, dot == std::string_view::npos ? dot : dot - start);
      if (!ValidIdent(id)) return false;
      bool numeric = std::all_of(id.begin(), id.end(),
                                 [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      if (numeric && id.size() > 1 && id[0] == '0') return false;
      v->pre.emplace_back(id);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  size_t d1 = core.find('.');
  if (d1 == std::string_view::npos) return false;
  size_t d2 = core.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  return ParseNumeric(core.substr(0, d1), &v->major) &&
         ParseNumeric(core.substr(d1 + 1, d2 - d1 - 1), &v->minor) &&
         ParseNumeric(core.substr(d2 + 1), &v->patch);
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  for (size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i) {
    int64_t x, y;
    bool nx = ParseNumeric(a.pre[i], &x) || a.pre[i] == "0";
    bool ny = ParseNumeric(b.pre[i], &y) || b.pre[i] == "0";
    if (a.pre[i] == "0") x = 0;
    if (b.pre[i] == "0") y = 0;
    if (nx && ny) {
      if (x != y) return x < y ? -1 : 1;
    } else if (nx != ny) {
      return nx ? -1 : 1;
    } else if (a.pre[i] != b.pre[i]) {
      return a.pre[i] < b.pre[i] ? -1 : 1;
    }
  }
  if (a.pre.size() != b.pre.size()) return a.pre.size() < b.pre.size() ? -1 : 1;
  return 0;
}

Status SemverIsValid(Ctx&, Operands a, Value* out) {
  SemVer v;
  *out = Value::Bool(a[0].is_string() && ParseSemVer(a[0].str(), &v));
  return Status::Ok();
}

Status SemverCompare(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("semver.compare", 1, a[0]);
  GOV_REQUIRE_STRING("semver.compare", 2, a[1]);
  SemVer x, y;
  if (!ParseSemVer(a[0].str(), &x)) {
    return BuiltinError("semver.compare",
                        fmt::format("operand 1: string {} is not a valid SemVer", QuoteString(a[0].str())));
  }
  if (!ParseSemVer(a[1].str(), &y)) {
    return BuiltinError("semver.compare",
                        fmt::format("operand 2: string {} is not a valid SemVer", QuoteString(a[1].str())));
  }
  *out = Value::Int(CompareSemVer(x, y));
  return Status::Ok();
}

}  // namespace

void RegisterStringBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"concat", 2, Concat},
                          {"contains", 2, Contains},
                          {"startswith", 2, StartsWith},
                          {"endswith", 2, EndsWith},
                          {"lower", 1, Lower},
                          {"upper", 1, Upper},
                          {"trim", 2, Trim},
                          {"trim_left", 2, TrimLeft},
                          {"trim_right", 2, TrimRight},
                          {"trim_space", 1, TrimSpace},
                          {"trim_prefix", 2, TrimPrefix},
                          {"trim_suffix", 2, TrimSuffix},
                          {"replace", 3, Replace},
                          {"strings.replace_n", 2, ReplaceNBuiltin},
                          {"strings.reverse", 1, StringsReverse},
                          {"split", 2, Split},
                          {"strings.split_n", 3, SplitNBuiltin},
                          {"substring", 3, Substring},
                          {"indexof", 2, IndexOf},
                          {"indexof_n", 2, IndexOfN},
                          {"strings.count", 2, StringsCount},
                          {"strings.any_prefix_match", 2, AnyPrefixMatch},
                          {"strings.any_suffix_match", 2, AnySuffixMatch},
                          {"format_int", 2, FormatInt},
                          {"sprintf", 2, Sprintf},
                          {"semver.is_valid", 1, SemverIsValid},
                          {"semver.compare", 2, SemverCompare},
                      });
}

}  // namespace governance::rego
