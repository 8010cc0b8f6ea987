#include "policy/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace governance::rego {

namespace {

// Objects up to this size are first searched for a key by address.
constexpr size_t kScanByAddress = 16;

template <typename Rep, typename... Args>
std::shared_ptr<const void> MakeRep(Args&&... args) {
  return std::allocate_shared<const Rep>(PoolAllocator<Rep>(), std::forward<Args>(args)...);
}

// A pointer to `rep` that owns nothing (the aliasing constructor with an
// empty owner): copying or destroying it touches no count.
std::shared_ptr<const void> Unowned(const void* rep) {
  return std::shared_ptr<const void>(std::shared_ptr<const void>(), rep);
}

}  // namespace

Value Value::Null() {
  Value v;
  v.kind_ = Kind::kNull;
  return v;
}

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.scalar_.b = b;
  return v;
}

Value Value::Int(int64_t i) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.is_int_ = true;
  v.scalar_.i = i;
  return v;
}

Value Value::Double(double d) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.is_int_ = false;
  v.scalar_.d = d;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.rep_ = MakeRep<std::string>(std::move(s));
  return v;
}

// Empty composites share one representation each. Most deny and warn rules
// of a passing manifest produce the empty set, and allocating a fresh one per
// rule was about one in twelve of an evaluation's allocations. It is not
// counted: threads making empty sets at once would contend for the count.
namespace {

template <Value::Kind kKind, typename Rep>
const std::shared_ptr<const void>& EmptyRep() {
  static const Rep empty;
  static const std::shared_ptr<const void> rep = Unowned(&empty);
  return rep;
}

}  // namespace

Value Value::Array(ValueVector items) {
  Value v;
  if (items.empty()) {
    v.kind_ = Kind::kArray;
    v.rep_ = EmptyRep<Kind::kArray, ValueVector>();
    return v;
  }
  v.kind_ = Kind::kArray;
  v.rep_ = MakeRep<ValueVector>(std::move(items));
  return v;
}

Value Value::Set(ValueVector items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return SortedSet(std::move(items));
}

Value Value::SortedSet(ValueVector items) {
  Value v;
  if (items.empty()) {
    v.kind_ = Kind::kSet;
    v.rep_ = EmptyRep<Kind::kSet, ValueVector>();
    return v;
  }
  v.kind_ = Kind::kSet;
  v.rep_ = MakeRep<ValueVector>(std::move(items));
  return v;
}

Value Value::Object(ObjectEntries entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ObjectEntries unique;
  unique.reserve(entries.size());
  for (auto& e : entries) {
    if (!unique.empty() && unique.back().first == e.first) {
      unique.back().second = std::move(e.second);
    } else {
      unique.push_back(std::move(e));
    }
  }
  return SortedObject(std::move(unique));
}

Value Value::SortedObject(ObjectEntries entries) {
  Value v;
  if (entries.empty()) {
    v.kind_ = Kind::kObject;
    v.rep_ = EmptyRep<Kind::kObject, ObjectEntries>();
    return v;
  }
  v.kind_ = Kind::kObject;
  v.rep_ = MakeRep<ObjectEntries>(std::move(entries));
  return v;
}

const Value& Value::True() {
  static const Value v = Bool(true);
  return v;
}

const Value& Value::False() {
  static const Value v = Bool(false);
  return v;
}

const Value& Value::EmptyString() {
  static const std::string empty;
  static const Value v = [] {
    Value s;
    s.kind_ = Kind::kString;
    s.rep_ = Unowned(&empty);
    return s;
  }();
  return v;
}

Value ValuePins::Pin(const Value& v) {
  if (v.rep_ == nullptr || v.rep_.use_count() == 0) return v;  // a scalar, or pinned
  if (v.kind_ == Value::Kind::kString) {
    // Pinned in place: pinning it again only adds an owner.
    Value pinned = v;
    pinned.rep_ = Unowned(v.rep_.get());
    owners_.push_back(v);
    return pinned;
  }
  auto [it, added] = pinned_.try_emplace(v.rep_.get());
  if (!added) {
    Value same = it->second;
    same.kind_ = v.kind_;  // an array and a set may share a representation
    return same;
  }
  Value owner = v;
  switch (v.kind_) {
    case Value::Kind::kArray:
    case Value::Kind::kSet: {
      ValueVector items;
      items.reserve(v.items().size());
      for (const Value& e : v.items()) items.push_back(Pin(e));
      owner.rep_ = MakeRep<ValueVector>(std::move(items));
      owners_.push_back(v);  // so that no other representation takes its address
      break;
    }
    case Value::Kind::kObject: {
      ObjectEntries entries;
      entries.reserve(v.entries().size());
      for (const auto& [key, val] : v.entries()) entries.emplace_back(Pin(key), Pin(val));
      owner.rep_ = MakeRep<ObjectEntries>(std::move(entries));
      owners_.push_back(v);
      break;
    }
    default:
      return v;  // not reached: scalars hold no representation
  }
  Value pinned = owner;
  pinned.rep_ = Unowned(owner.rep_.get());
  owners_.push_back(std::move(owner));
  // `it` may have moved while elements were pinned.
  pinned_[v.rep_.get()] = pinned;
  return pinned;
}

bool Value::ToInt(int64_t* out) const {
  if (kind_ != Kind::kNumber) return false;
  if (is_int_) {
    *out = scalar_.i;
    return true;
  }
  double d = scalar_.d;
  if (!std::isfinite(d) || d != std::floor(d) || d < -9.2233720368547758e18 ||
      d >= 9.2233720368547758e18) {
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

size_t Value::size() const {
  switch (kind_) {
    case Kind::kArray:
    case Kind::kSet:
      return items().size();
    case Kind::kObject:
      return entries().size();
    default:
      return 0;
  }
}

namespace {

int KindRank(Value::Kind k) { return static_cast<int>(k); }

template <typename T>
int Order(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

// Integer `i` against double `d` as the numbers they denote. Converting `i`
// to double rounds above 2^53 (9007199254740993 would equal
// 9007199254740992.0), so `d`'s integral part is compared as an integer and
// its fraction breaks the tie.
int CompareIntDouble(int64_t i, double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (std::isnan(d)) return 0;  // unordered, as the comparison of doubles has it
  if (d >= kTwo63) return -1;
  if (d < -kTwo63) return 1;
  const double whole = std::trunc(d);
  const int c = Order(i, static_cast<int64_t>(whole));
  if (c != 0) return c;
  return Order(0.0, d - whole);
}

int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return Order(a.as_int(), b.as_int());
  if (a.is_int()) return CompareIntDouble(a.as_int(), b.as_double());
  if (b.is_int()) return -CompareIntDouble(b.as_int(), a.as_double());
  return Order(a.as_double(), b.as_double());
}

}  // namespace

int Compare(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return KindRank(a.kind()) < KindRank(b.kind()) ? -1 : 1;
  switch (a.kind()) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kBool:
      return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
    case Value::Kind::kNumber:
      return CompareNumbers(a, b);
    case Value::Kind::kString: {
      int c = a.str().compare(b.str());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Value::Kind::kArray:
    case Value::Kind::kSet: {
      const ValueVector& x = a.items();
      const ValueVector& y = b.items();
      if (&x == &y) return 0;
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        int c = Compare(x[i], y[i]);
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    case Value::Kind::kObject: {
      const ObjectEntries& x = a.entries();
      const ObjectEntries& y = b.entries();
      if (&x == &y) return 0;
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        int c = Compare(x[i].first, y[i].first);
        if (c != 0) return c;
        c = Compare(x[i].second, y[i].second);
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
  }
  return 0;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Value::Kind::kString) return a.str() == b.str();
  return Compare(a, b) == 0;
}

bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }

const Value* Value::Find(const Value& key) const {
  if (kind_ != Kind::kObject) return nullptr;
  const ObjectEntries& e = entries();
  if (key.is_string()) {
    // Keys of a converted input and the program's string literals share one
    // representation per text (Program::strings), so a ref such as
    // input.spec.metrics finds its key by address, without comparing text.
    if (e.size() <= kScanByAddress) {
      for (const auto& entry : e) {
        if (entry.first.rep_ == key.rep_) return &entry.second;
      }
    }
    return FindString(key.str());
  }
  auto it = std::lower_bound(e.begin(), e.end(), key,
                             [](const auto& entry, const Value& k) { return entry.first < k; });
  if (it != e.end() && it->first == key) return &it->second;
  return nullptr;
}

const Value* Value::FindString(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  const ObjectEntries& e = entries();
  // String keys sort after null/bool/number keys and before composites.
  size_t lo = 0, hi = e.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const Value& k = e[mid].first;
    int c;
    if (k.kind() != Kind::kString) {
      c = KindRank(k.kind()) < KindRank(Kind::kString) ? -1 : 1;
    } else {
      c = k.str().compare(key);
    }
    if (c == 0) return &e[mid].second;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

Value Value::Get(const Value& key) const {
  const Value* v = Find(key);
  return v != nullptr ? *v : Value();
}

bool Value::Contains(const Value& element) const {
  if (kind_ != Kind::kSet) return false;
  const ValueVector& v = items();
  return std::binary_search(v.begin(), v.end(), element);
}

std::string_view Value::TypeName() const {
  switch (kind_) {
    case Kind::kUndefined:
      return "undefined";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
    case Kind::kSet:
      return "set";
  }
  return "undefined";
}

std::string FormatNumber(const Value& number) {
  if (number.is_int()) return std::to_string(number.as_int());
  double d = number.as_double();
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == std::floor(d) && std::fabs(d) < 1e21) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, res.ptr);
}

std::string QuoteString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

namespace {

void AppendTerm(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Value::Kind::kUndefined:
      *out += "undefined";
      return;
    case Value::Kind::kNull:
      *out += "null";
      return;
    case Value::Kind::kBool:
      *out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::kNumber:
      *out += FormatNumber(v);
      return;
    case Value::Kind::kString:
      *out += QuoteString(v.str());
      return;
    case Value::Kind::kArray: {
      *out += '[';
      bool first = true;
      for (const Value& e : v.items()) {
        if (!first) *out += ", ";
        first = false;
        AppendTerm(e, out);
      }
      *out += ']';
      return;
    }
    case Value::Kind::kSet: {
      if (v.items().empty()) {
        *out += "set()";
        return;
      }
      *out += '{';
      bool first = true;
      for (const Value& e : v.items()) {
        if (!first) *out += ", ";
        first = false;
        AppendTerm(e, out);
      }
      *out += '}';
      return;
    }
    case Value::Kind::kObject: {
      *out += '{';
      bool first = true;
      for (const auto& [k, e] : v.entries()) {
        if (!first) *out += ", ";
        first = false;
        AppendTerm(k, out);
        *out += ": ";
        AppendTerm(e, out);
      }
      *out += '}';
      return;
    }
  }
}

}  // namespace

std::string Value::ToString() const {
  std::string out;
  AppendTerm(*this, &out);
  return out;
}

std::string Value::ToDisplayString() const {
  if (is_string()) return str();
  return ToString();
}

nlohmann::json Value::ToJson() const {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNull:
      return nullptr;
    case Kind::kBool:
      return scalar_.b;
    case Kind::kNumber: {
      if (is_int_) return scalar_.i;
      int64_t i;
      if (ToInt(&i) && std::fabs(scalar_.d) < 9.007199254740992e15) return i;
      return scalar_.d;
    }
    case Kind::kString:
      return str();
    case Kind::kArray:
    case Kind::kSet: {
      nlohmann::json arr = nlohmann::json::array();
      for (const Value& e : items()) arr.push_back(e.ToJson());
      return arr;
    }
    case Kind::kObject: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [k, e] : entries()) {
        obj[k.is_string() ? k.str() : k.ToJson().dump()] = e.ToJson();
      }
      return obj;
    }
  }
  return nullptr;
}

Value Value::FromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return Null();
    case nlohmann::json::value_t::boolean:
      return Bool(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Int(json.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = json.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Int(static_cast<int64_t>(u));
      return Double(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float:
      return Double(json.get<double>());
    case nlohmann::json::value_t::string:
      return String(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      ValueVector items;
      items.reserve(json.size());
      for (const auto& e : json) items.push_back(FromJson(e));
      return Array(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      // nlohmann keeps object keys sorted by std::string order, which is Rego
      // order for strings, so the entries are already canonical.
      ObjectEntries entries;
      entries.reserve(json.size());
      for (auto it = json.begin(); it != json.end(); ++it) {
        entries.emplace_back(String(it.key()), FromJson(it.value()));
      }
      return SortedObject(std::move(entries));
    }
    default:
      return Null();
  }
}

}  // namespace governance::rego
