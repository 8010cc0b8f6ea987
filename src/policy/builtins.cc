// The builtin registry and the core families: comparison, arithmetic,
// aggregates, types, objects, arrays and sets.
#include "policy/builtins.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

namespace governance::rego {

constinit thread_local bool builtin_error_messages = true;

Status TypeError(std::string_view fn, std::string_view message) {
  if (!builtin_error_messages) return InvalidArgumentError("");
  return InvalidArgumentError(fmt::format("eval_type_error: {}: {}", fn, message));
}

Status OperandTypeError(std::string_view fn, int pos, std::string_view want, const Value& got) {
  if (!builtin_error_messages) return InvalidArgumentError("");
  return TypeError(fn, fmt::format("operand {} must be {} but got {}", pos, want, got.TypeName()));
}

Status BuiltinError(std::string_view fn, std::string_view message) {
  if (!builtin_error_messages) return InvalidArgumentError("");
  return InvalidArgumentError(fmt::format("eval_builtin_error: {}: {}", fn, message));
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<uint32_t> Utf8Decode(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    if (i + len > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    bool ok = true;
    for (size_t j = 1; j < len; ++j) {
      unsigned char cc = static_cast<unsigned char>(s[i + j]);
      if ((cc & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string Utf8Encode(const std::vector<uint32_t>& cps, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < cps.size(); ++i) {
    uint32_t cp = cps[i];
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

namespace {

using Ctx = BuiltinContext;

// ---------------------------------------------------------------- comparison

Status Equal(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0] == a[1]);
  return Status::Ok();
}
Status NotEqual(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0] != a[1]);
  return Status::Ok();
}
Status Lt(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(Compare(a[0], a[1]) < 0);
  return Status::Ok();
}
Status Lte(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(Compare(a[0], a[1]) <= 0);
  return Status::Ok();
}
Status Gt(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(Compare(a[0], a[1]) > 0);
  return Status::Ok();
}
Status Gte(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(Compare(a[0], a[1]) >= 0);
  return Status::Ok();
}

// ---------------------------------------------------------------- arithmetic

Status CheckNumbers(std::string_view fn, Operands a) {
  if (!a[0].is_number()) return OperandTypeError(fn, 1, "number", a[0]);
  if (!a[1].is_number()) return OperandTypeError(fn, 2, "number", a[1]);
  return Status::Ok();
}

Value FromDouble(double d) {
  int64_t i;
  Value v = Value::Double(d);
  if (v.ToInt(&i) && std::fabs(d) < 9.007199254740992e15) return Value::Int(i);
  return v;
}

Status Plus(Ctx&, Operands a, Value* out) {
  GOV_RETURN_IF_ERROR(CheckNumbers("plus", a));
  int64_t r;
  if (a[0].is_int() && a[1].is_int() && !__builtin_add_overflow(a[0].as_int(), a[1].as_int(), &r)) {
    *out = Value::Int(r);
  } else {
    *out = FromDouble(a[0].as_double() + a[1].as_double());
  }
  return Status::Ok();
}

Status Minus(Ctx&, Operands a, Value* out) {
  if (a[0].is_set() || a[1].is_set()) {
    if (!a[0].is_set()) {
      return a[0].is_number() ? OperandTypeError("minus", 2, "number", a[1])
                              : OperandTypeError("minus", 1, "number or set", a[0]);
    }
    if (!a[1].is_set()) return OperandTypeError("minus", 2, "set", a[1]);
    ValueVector out_items;
    for (const Value& v : a[0].items()) {
      if (!a[1].Contains(v)) out_items.push_back(v);
    }
    *out = Value::SortedSet(std::move(out_items));
    return Status::Ok();
  }
  GOV_RETURN_IF_ERROR(CheckNumbers("minus", a));
  int64_t r;
  if (a[0].is_int() && a[1].is_int() && !__builtin_sub_overflow(a[0].as_int(), a[1].as_int(), &r)) {
    *out = Value::Int(r);
  } else {
    *out = FromDouble(a[0].as_double() - a[1].as_double());
  }
  return Status::Ok();
}

Status Mul(Ctx&, Operands a, Value* out) {
  GOV_RETURN_IF_ERROR(CheckNumbers("mul", a));
  int64_t r;
  if (a[0].is_int() && a[1].is_int() && !__builtin_mul_overflow(a[0].as_int(), a[1].as_int(), &r)) {
    *out = Value::Int(r);
  } else {
    *out = FromDouble(a[0].as_double() * a[1].as_double());
  }
  return Status::Ok();
}

Status Div(Ctx&, Operands a, Value* out) {
  GOV_RETURN_IF_ERROR(CheckNumbers("div", a));
  if (a[1].as_double() == 0) return BuiltinError("div", "divide by zero");
  if (a[0].is_int() && a[1].is_int() && a[1].as_int() != -1 &&
      a[0].as_int() % a[1].as_int() == 0) {
    *out = Value::Int(a[0].as_int() / a[1].as_int());
  } else {
    *out = FromDouble(a[0].as_double() / a[1].as_double());
  }
  return Status::Ok();
}

Status Rem(Ctx&, Operands a, Value* out) {
  GOV_RETURN_IF_ERROR(CheckNumbers("rem", a));
  int64_t x, y;
  if (!a[0].ToInt(&x) || !a[1].ToInt(&y)) {
    return BuiltinError("rem", "modulo on floating-point number");
  }
  if (y == 0) return BuiltinError("rem", "modulo by zero");
  *out = Value::Int(y == -1 ? 0 : x % y);
  return Status::Ok();
}

Status Abs(Ctx&, Operands a, Value* out) {
  if (!a[0].is_number()) return OperandTypeError("abs", 1, "number", a[0]);
  if (a[0].is_int() && a[0].as_int() != INT64_MIN) {
    *out = Value::Int(a[0].as_int() < 0 ? -a[0].as_int() : a[0].as_int());
  } else {
    *out = FromDouble(std::fabs(a[0].as_double()));
  }
  return Status::Ok();
}

template <double (*F)(double)>
Status Rounding(std::string_view name, Operands a, Value* out) {
  if (!a[0].is_number()) return OperandTypeError(name, 1, "number", a[0]);
  if (a[0].is_int()) {
    *out = a[0];
  } else {
    *out = FromDouble(F(a[0].as_double()));
  }
  return Status::Ok();
}
Status Round(Ctx&, Operands a, Value* out) { return Rounding<std::round>("round", a, out); }
Status Ceil(Ctx&, Operands a, Value* out) { return Rounding<std::ceil>("ceil", a, out); }
Status Floor(Ctx&, Operands a, Value* out) { return Rounding<std::floor>("floor", a, out); }

Status NumbersRange(Ctx& ctx, Operands a, Value* out) {
  int64_t x, y;
  if (!a[0].ToInt(&x)) return OperandTypeError("numbers.range", 1, "integer", a[0]);
  if (!a[1].ToInt(&y)) return OperandTypeError("numbers.range", 2, "integer", a[1]);
  // |y - x| without overflow: the difference of two int64 fits in uint64.
  const uint64_t span = x <= y ? static_cast<uint64_t>(y) - static_cast<uint64_t>(x)
                               : static_cast<uint64_t>(x) - static_cast<uint64_t>(y);
  if (span >= ctx.max_collection_elements) {
    return ctx.Exhausted("numbers.range", fmt::format("a range of more than {} numbers",
                                                      ctx.max_collection_elements));
  }
  ValueVector items;
  if (x <= y) {
    for (int64_t i = x; i <= y; ++i) items.push_back(Value::Int(i));
  } else {
    for (int64_t i = x; i >= y; --i) items.push_back(Value::Int(i));
  }
  *out = Value::Array(std::move(items));
  return Status::Ok();
}

// ---------------------------------------------------------------- sets

Status Or(Ctx&, Operands a, Value* out) {
  if (!a[0].is_set()) return OperandTypeError("or", 1, "set", a[0]);
  if (!a[1].is_set()) return OperandTypeError("or", 2, "set", a[1]);
  ValueVector items;
  std::set_union(a[0].items().begin(), a[0].items().end(), a[1].items().begin(),
                 a[1].items().end(), std::back_inserter(items));
  *out = Value::SortedSet(std::move(items));
  return Status::Ok();
}

Status And(Ctx&, Operands a, Value* out) {
  if (!a[0].is_set()) return OperandTypeError("and", 1, "set", a[0]);
  if (!a[1].is_set()) return OperandTypeError("and", 2, "set", a[1]);
  ValueVector items;
  std::set_intersection(a[0].items().begin(), a[0].items().end(), a[1].items().begin(),
                        a[1].items().end(), std::back_inserter(items));
  *out = Value::SortedSet(std::move(items));
  return Status::Ok();
}

Status Union(Ctx&, Operands a, Value* out) {
  if (!a[0].is_set()) return OperandTypeError("union", 1, "set", a[0]);
  ValueVector items;
  for (const Value& s : a[0].items()) {
    if (!s.is_set()) return OperandTypeError("union", 1, "set of sets", a[0]);
    items.insert(items.end(), s.items().begin(), s.items().end());
  }
  *out = Value::Set(std::move(items));
  return Status::Ok();
}

Status Intersection(Ctx&, Operands a, Value* out) {
  if (!a[0].is_set()) return OperandTypeError("intersection", 1, "set", a[0]);
  bool first = true;
  ValueVector acc;
  for (const Value& s : a[0].items()) {
    if (!s.is_set()) return OperandTypeError("intersection", 1, "set of sets", a[0]);
    if (first) {
      acc = s.items();
      first = false;
      continue;
    }
    ValueVector next;
    std::set_intersection(acc.begin(), acc.end(), s.items().begin(), s.items().end(),
                          std::back_inserter(next));
    acc = std::move(next);
  }
  *out = Value::SortedSet(std::move(acc));
  return Status::Ok();
}

Status Member2(Ctx&, Operands a, Value* out) {
  const Value& x = a[0];
  const Value& c = a[1];
  bool found = false;
  switch (c.kind()) {
    case Value::Kind::kArray:
      found = std::find(c.items().begin(), c.items().end(), x) != c.items().end();
      break;
    case Value::Kind::kSet:
      found = c.Contains(x);
      break;
    case Value::Kind::kObject:
      for (const auto& [k, v] : c.entries()) {
        if (v == x) {
          found = true;
          break;
        }
      }
      break;
    default:
      break;
  }
  *out = Value::Bool(found);
  return Status::Ok();
}

Status Member3(Ctx&, Operands a, Value* out) {
  const Value& key = a[0];
  const Value& val = a[1];
  const Value& c = a[2];
  bool found = false;
  switch (c.kind()) {
    case Value::Kind::kArray: {
      int64_t i;
      found = key.ToInt(&i) && i >= 0 && static_cast<size_t>(i) < c.items().size() &&
              c.items()[static_cast<size_t>(i)] == val;
      break;
    }
    case Value::Kind::kSet:
      found = key == val && c.Contains(key);
      break;
    case Value::Kind::kObject: {
      const Value* v = c.Find(key);
      found = v != nullptr && *v == val;
      break;
    }
    default:
      break;
  }
  *out = Value::Bool(found);
  return Status::Ok();
}

// ---------------------------------------------------------------- aggregates

Status Count(Ctx&, Operands a, Value* out) {
  switch (a[0].kind()) {
    case Value::Kind::kString:
      *out = Value::Int(static_cast<int64_t>(Utf8Length(a[0].str())));
      return Status::Ok();
    case Value::Kind::kArray:
    case Value::Kind::kSet:
    case Value::Kind::kObject:
      *out = Value::Int(static_cast<int64_t>(a[0].size()));
      return Status::Ok();
    default:
      return OperandTypeError("count", 1, "one of {array, object, set, string}", a[0]);
  }
}

Status Sum(Ctx& ctx, Operands a, Value* out) {
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError("sum", 1, "one of {array, set}", a[0]);
  }
  Value acc = Value::Int(0);
  for (const Value& v : a[0].items()) {
    if (!v.is_number()) return OperandTypeError("sum", 1, "array of numbers", a[0]);
    const Value* args[2] = {&acc, &v};
    Value next;
    GOV_RETURN_IF_ERROR(Plus(ctx, Operands(args, 2), &next));
    acc = std::move(next);
  }
  *out = acc;
  return Status::Ok();
}

Status Product(Ctx& ctx, Operands a, Value* out) {
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError("product", 1, "one of {array, set}", a[0]);
  }
  Value acc = Value::Int(1);
  for (const Value& v : a[0].items()) {
    if (!v.is_number()) return OperandTypeError("product", 1, "array of numbers", a[0]);
    const Value* args[2] = {&acc, &v};
    Value next;
    GOV_RETURN_IF_ERROR(Mul(ctx, Operands(args, 2), &next));
    acc = std::move(next);
  }
  *out = acc;
  return Status::Ok();
}

Status Max(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError("max", 1, "one of {array, set}", a[0]);
  }
  const ValueVector& items = a[0].items();
  if (items.empty()) return Status::Ok();
  *out = *std::max_element(items.begin(), items.end());
  return Status::Ok();
}

Status Min(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError("min", 1, "one of {array, set}", a[0]);
  }
  const ValueVector& items = a[0].items();
  if (items.empty()) return Status::Ok();
  *out = *std::min_element(items.begin(), items.end());
  return Status::Ok();
}

Status Sort(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError("sort", 1, "one of {array, set}", a[0]);
  }
  ValueVector items = a[0].items();
  std::sort(items.begin(), items.end());
  *out = Value::Array(std::move(items));
  return Status::Ok();
}

// ---------------------------------------------------------------- types

template <Value::Kind K>
Status IsKind(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0].kind() == K);
  return Status::Ok();
}

Status TypeName(Ctx&, Operands a, Value* out) {
  *out = Value::String(std::string(a[0].TypeName()));
  return Status::Ok();
}

Status ToNumber(Ctx&, Operands a, Value* out) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Value::Kind::kNull:
      *out = Value::Int(0);
      return Status::Ok();
    case Value::Kind::kBool:
      *out = Value::Int(v.as_bool() ? 1 : 0);
      return Status::Ok();
    case Value::Kind::kNumber:
      *out = v;
      return Status::Ok();
    case Value::Kind::kString: {
      const std::string& s = v.str();
      std::string lower;
      for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (lower.find("inf") != std::string::npos || lower.find("nan") != std::string::npos) {
        return TypeError("to_number", fmt::format("invalid syntax: {}", QuoteString(s)));
      }
      // JSON number grammar (Go's strconv accepts a little more; this is the
      // portable subset).
      size_t i = 0;
      if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
      size_t digits = 0;
      bool is_float = false;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
      if (i < s.size() && s[i] == '.') {
        is_float = true;
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
      }
      if (digits > 0 && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        is_float = true;
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        size_t exp_digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
        if (exp_digits == 0) digits = 0;
      }
      if (digits == 0 || i != s.size()) {
        return BuiltinError("to_number", fmt::format("invalid syntax: {}", QuoteString(s)));
      }
      if (!is_float) {
        errno = 0;
        long long ll = std::strtoll(s.c_str(), nullptr, 10);
        if (errno == 0) {
          *out = Value::Int(ll);
          return Status::Ok();
        }
      }
      *out = FromDouble(std::strtod(s.c_str(), nullptr));
      return Status::Ok();
    }
    default:
      return OperandTypeError("to_number", 1, "one of {boolean, null, number, string}", v);
  }
}

std::vector<Builtin>* BuildTable() {
  auto* table = new std::vector<Builtin>();
  RegisterCoreBuiltins(table);
  RegisterStringBuiltins(table);
  RegisterTimeBuiltins(table);
  RegisterEncodingBuiltins(table);
  RegisterCryptoBuiltins(table);
  RegisterX509Builtins(table);
  RegisterJwtBuiltins(table);
  RegisterNetBuiltins(table);
  RegisterWalkBuiltins(table);
  RegisterRegexBuiltins(table);
  RegisterGlobBuiltins(table);
  RegisterUnitsBuiltins(table);
  RegisterBitsBuiltins(table);
  RegisterUrlBuiltins(table);
  RegisterNumbersBuiltins(table);
  RegisterUuidBuiltins(table);
  RegisterTemplateBuiltins(table);
  RegisterRenderTemplateBuiltins(table);
  RegisterObjectBuiltins(table);
  RegisterJsonBuiltins(table);
  RegisterYamlBuiltins(table);
  RegisterGraphBuiltins(table);
  RegisterConftestBuiltins(table);
  std::sort(table->begin(), table->end(),
            [](const Builtin& x, const Builtin& y) { return x.name < y.name; });
  return table;
}

const std::vector<Builtin>& Table() {
  static const std::vector<Builtin>* table = BuildTable();
  return *table;
}

}  // namespace

void RegisterCoreBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"equal", 2, Equal},
                          {"neq", 2, NotEqual},
                          {"lt", 2, Lt},
                          {"lte", 2, Lte},
                          {"gt", 2, Gt},
                          {"gte", 2, Gte},
                          {"plus", 2, Plus},
                          {"minus", 2, Minus},
                          {"mul", 2, Mul},
                          {"div", 2, Div},
                          {"rem", 2, Rem},
                          {"abs", 1, Abs},
                          {"round", 1, Round},
                          {"ceil", 1, Ceil},
                          {"floor", 1, Floor},
                          {"numbers.range", 2, NumbersRange},
                          {"or", 2, Or},
                          {"and", 2, And},
                          {"union", 1, Union},
                          {"intersection", 1, Intersection},
                          {"internal.member_2", 2, Member2},
                          {"internal.member_3", 3, Member3},
                          {"count", 1, Count},
                          {"sum", 1, Sum},
                          {"product", 1, Product},
                          {"max", 1, Max},
                          {"min", 1, Min},
                          {"sort", 1, Sort},
                          {"is_string", 1, IsKind<Value::Kind::kString>},
                          {"is_number", 1, IsKind<Value::Kind::kNumber>},
                          {"is_boolean", 1, IsKind<Value::Kind::kBool>},
                          {"is_array", 1, IsKind<Value::Kind::kArray>},
                          {"is_object", 1, IsKind<Value::Kind::kObject>},
                          {"is_set", 1, IsKind<Value::Kind::kSet>},
                          {"is_null", 1, IsKind<Value::Kind::kNull>},
                          {"type_name", 1, TypeName},
                          {"to_number", 1, ToNumber},
                      });
}

const Builtin* LookupBuiltin(std::string_view name) {
  const std::vector<Builtin>& table = Table();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Builtin& b, std::string_view n) { return b.name < n; });
  if (it != table.end() && it->name == name) return &*it;
  return nullptr;
}

std::string_view UnsupportedBuiltinReason(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kUnsupported[] = {
      {"http.send", "it reaches the network, and a governance decision must not depend on it"},
      {"net.lookup_ip_addr", "it reaches the network (DNS)"},
      {"opa.runtime", "it describes an OPA process, which mgov is not"},
      {"providers.aws.sign_req", "it signs requests for the network"},
      {"rand.intn", "it is not deterministic, and a decision must be reproducible"},
      {"uuid.rfc4122", "it is not deterministic, and a decision must be reproducible"},
  };
  for (const auto& [n, why] : kUnsupported) {
    if (n == name) return why;
  }
  return {};
}

std::vector<const Builtin*> AllBuiltins() {
  std::vector<const Builtin*> out;
  for (const Builtin& b : Table()) out.push_back(&b);
  return out;
}

}  // namespace governance::rego
