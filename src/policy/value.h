// Value: the compact, immutable document type the Rego evaluator works on.
//
// A Value is null, a boolean, a number (int64 or double), a string, an array,
// a set or an object. Composite values share their representation through a
// reference count, so copying a Value is cheap and never deep. Sets and
// objects keep their elements sorted in Rego order, which gives them a
// canonical form: two equal sets have identical element vectors.
//
// Rego order (OPA's ast.Compare): null < booleans < numbers < strings <
// arrays < objects < sets; false < true; numbers compare numerically (1 ==
// 1.0); arrays lexicographically; objects by their sorted key/value pairs;
// sets by their sorted elements.
//
// A default-constructed Value is "undefined": it is not a document but the
// absence of one (a missing key, an unbound variable).
//
// Thread-safety: a Value may be read from many threads at once.
#ifndef GOVERNANCE_SRC_POLICY_VALUE_H_
#define GOVERNANCE_SRC_POLICY_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/value_pool.h"

namespace governance::rego {

class Value;
// Element storage comes from the per-thread pool (policy/value_pool.h).
using ValueVector = std::vector<Value, PoolAllocator<Value>>;
using ObjectEntries = std::vector<std::pair<Value, Value>, PoolAllocator<std::pair<Value, Value>>>;

class Value {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kBool, kNumber, kString, kArray, kObject, kSet };

  Value() = default;
  static Value Null();
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Double(double d);
  static Value String(std::string s);
  static Value Array(ValueVector items);
  // Sorts and removes duplicates.
  static Value Set(ValueVector items);
  // Sorts by key; on duplicate keys the last entry wins.
  static Value Object(ObjectEntries entries);
  // REQUIRES: `items` already sorted and unique (as from another set).
  static Value SortedSet(ValueVector items);
  // REQUIRES: `entries` already sorted by key with unique keys.
  static Value SortedObject(ObjectEntries entries);
  static const Value& True();
  static const Value& False();
  static const Value& EmptyString();

  Kind kind() const { return kind_; }
  bool defined() const { return kind_ != Kind::kUndefined; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_set() const { return kind_ == Kind::kSet; }
  bool is_false() const { return kind_ == Kind::kBool && !scalar_.b; }
  bool is_true() const { return kind_ == Kind::kBool && scalar_.b; }

  bool as_bool() const { return scalar_.b; }
  // Numbers: is_int() tells which representation is held.
  bool is_int() const { return kind_ == Kind::kNumber && is_int_; }
  int64_t as_int() const { return scalar_.i; }
  double as_double() const { return is_int_ ? static_cast<double>(scalar_.i) : scalar_.d; }
  // True when the number is integral (1, 1.0) and fits int64; sets *out.
  bool ToInt(int64_t* out) const;

  const std::string& str() const { return *static_cast<const std::string*>(rep_.get()); }
  // Array and set elements (a set's are sorted).
  const ValueVector& items() const { return *static_cast<const ValueVector*>(rep_.get()); }
  const ObjectEntries& entries() const { return *static_cast<const ObjectEntries*>(rep_.get()); }
  // Number of elements of an array, set or object; 0 otherwise.
  size_t size() const;

  // Object lookup by key; undefined when absent or not an object.
  Value Get(const Value& key) const;
  const Value* Find(const Value& key) const;
  const Value* FindString(std::string_view key) const;
  // Set membership.
  bool Contains(const Value& element) const;

  // OPA's type name: "null", "boolean", "number", "string", "array", "object", "set".
  std::string_view TypeName() const;

  // Rego term text: strings quoted, sets as {1, 2} or set().
  std::string ToString() const;
  // Rego term text, but a top-level string is written without quotes (sprintf %v).
  std::string ToDisplayString() const;

  // JSON: sets become arrays (in Rego order), non-string object keys become
  // their JSON text. Undefined becomes null.
  nlohmann::json ToJson() const;
  // Converts JSON; unsigned integers above int64 become doubles.
  static Value FromJson(const nlohmann::json& json);

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
  friend bool operator<(const Value& a, const Value& b);

 private:
  Kind kind_ = Kind::kUndefined;
  bool is_int_ = false;
  union {
    bool b;
    int64_t i;
    double d;
  } scalar_{};
  std::shared_ptr<const void> rep_;

  friend class ValuePins;
};

// Pins values: a pinned value's representation, and those of all its
// elements, are owned here instead of counted, so copying it, or an element
// taken from it, changes no count. Threads evaluating one compiled program
// copy its literals and base data without contending for their counts.
//
// Each representation is pinned once, however many values share it. A
// string keeps its representation (and address, which Value::Find matches);
// pinning a pinned value returns it unchanged.
//
// Values pinned here must not be used once it is destroyed. Moving it keeps
// them valid. Not thread-safe: a program pins its values while it is
// compiled, before any thread evaluates it.
class ValuePins {
 public:
  Value Pin(const Value& v);
  // Values owned: each string pinned, and each composite with its copy.
  size_t size() const { return owners_.size(); }

 private:
  std::vector<Value> owners_;
  std::unordered_map<const void*, Value> pinned_;  // composites, by the representation pinned
};

// Three-way comparison in Rego order: negative, zero or positive.
int Compare(const Value& a, const Value& b);

// Formats a number the way OPA prints it: integers plainly, integral doubles
// without a fraction, others in the shortest form that reads back.
std::string FormatNumber(const Value& number);

// JSON string literal for `s` (quotes and escapes).
std::string QuoteString(std::string_view s);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_VALUE_H_
