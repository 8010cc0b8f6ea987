// Object and array builtins: object.get/keys/union/union_n/remove/filter/
// subset and array.concat/slice/reverse/flatten.
#include <algorithm>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// ---------------------------------------------------------------- objects

Status ObjectGet(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("object.get", 1, "object", a[0]);
  if (a[1].is_array()) {
    const Value* cur = &a[0];
    for (const Value& k : a[1].items()) {
      const Value* next = nullptr;
      if (cur->is_object()) {
        next = cur->Find(k);
      } else if (cur->is_array()) {
        int64_t i;
        if (k.ToInt(&i) && i >= 0 && static_cast<size_t>(i) < cur->items().size()) {
          next = &cur->items()[static_cast<size_t>(i)];
        }
      } else if (cur->is_set() && cur->Contains(k)) {
        next = &k;
      }
      if (next == nullptr) {
        *out = a[2];
        return Status::Ok();
      }
      cur = next;
    }
    *out = *cur;
    return Status::Ok();
  }
  const Value* v = a[0].Find(a[1]);
  *out = v != nullptr ? *v : a[2];
  return Status::Ok();
}

Status ObjectKeys(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("object.keys", 1, "object", a[0]);
  ValueVector keys;
  for (const auto& [k, v] : a[0].entries()) keys.push_back(k);
  *out = Value::SortedSet(std::move(keys));
  return Status::Ok();
}

// b's keys win, except where both sides hold objects: those merge.
Value MergeObjects(const Value& a, const Value& b) {
  if (!a.is_object() || !b.is_object()) return b;
  ObjectEntries entries = a.entries();
  for (const auto& [k, v] : b.entries()) {
    auto it = std::lower_bound(entries.begin(), entries.end(), k,
                               [](const auto& e, const Value& key) { return e.first < key; });
    if (it != entries.end() && it->first == k) {
      it->second = MergeObjects(it->second, v);
    } else {
      entries.insert(it, {k, v});
    }
  }
  return Value::SortedObject(std::move(entries));
}

Status ObjectUnion(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("object.union", 1, "object", a[0]);
  if (!a[1].is_object()) return OperandTypeError("object.union", 2, "object", a[1]);
  *out = MergeObjects(a[0], a[1]);
  return Status::Ok();
}

Status ObjectUnionN(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array()) return OperandTypeError("object.union_n", 1, "array", a[0]);
  Value acc = Value::Object({});
  for (const Value& v : a[0].items()) {
    if (!v.is_object()) return OperandTypeError("object.union_n", 1, "array of objects", a[0]);
    acc = MergeObjects(acc, v);
  }
  *out = acc;
  return Status::Ok();
}

// The keys named by object.remove's and object.filter's second operand: an
// array's or set's elements, or an object's keys; sorted for lookup.
Status KeySet(std::string_view fn, const Value& keys, ValueVector* out) {
  if (keys.is_array() || keys.is_set()) {
    *out = keys.items();
  } else if (keys.is_object()) {
    for (const auto& [k, v] : keys.entries()) out->push_back(k);
  } else {
    return OperandTypeError(fn, 2, "one of {object, set, array}", keys);
  }
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

Status ObjectRemove(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("object.remove", 1, "object", a[0]);
  ValueVector keys;
  GOV_RETURN_IF_ERROR(KeySet("object.remove", a[1], &keys));
  ObjectEntries entries;
  for (const auto& e : a[0].entries()) {
    if (!std::binary_search(keys.begin(), keys.end(), e.first)) entries.push_back(e);
  }
  *out = Value::SortedObject(std::move(entries));
  return Status::Ok();
}

Status ObjectFilter(Ctx&, Operands a, Value* out) {
  if (!a[0].is_object()) return OperandTypeError("object.filter", 1, "object", a[0]);
  ValueVector keys;
  GOV_RETURN_IF_ERROR(KeySet("object.filter", a[1], &keys));
  ObjectEntries entries;
  for (const auto& e : a[0].entries()) {
    if (std::binary_search(keys.begin(), keys.end(), e.first)) entries.push_back(e);
  }
  *out = Value::SortedObject(std::move(entries));
  return Status::Ok();
}

// object.subset's relations. Sets and arrays are compared element by
// element without recursing (there is no way to pair up elements); objects
// recurse into values that are both objects, sets or arrays.
bool SetSubset(const Value& super, const Value& sub) {
  return std::includes(super.items().begin(), super.items().end(), sub.items().begin(),
                       sub.items().end());
}

// The whole of `sub` appears contiguously in `super`.
bool ArraySubset(const Value& super, const Value& sub) {
  const ValueVector& s = super.items();
  const ValueVector& t = sub.items();
  if (t.size() > s.size()) return false;
  return std::search(s.begin(), s.end(), t.begin(), t.end()) != s.end();
}

// Every element of the set `sub` occurs in the array `super`. OPA counts
// matches down from the set's size, so repeated matching elements count
// again, and an empty set is only contained in a non-empty array; kept so.
bool ArraySetSubset(const Value& super, const Value& sub) {
  size_t unmatched = sub.items().size();
  for (const Value& v : super.items()) {
    if (sub.Contains(v)) --unmatched;
    if (unmatched == 0) return true;
  }
  return false;
}

bool ObjectSubsetOf(const Value& super, const Value& sub) {
  for (const auto& [k, sub_v] : sub.entries()) {
    const Value* super_v = super.Find(k);
    if (super_v == nullptr) return false;
    if (*super_v == sub_v) continue;
    if (super_v->is_object() && sub_v.is_object()) {
      if (!ObjectSubsetOf(*super_v, sub_v)) return false;
    } else if (super_v->is_set() && sub_v.is_set()) {
      if (!SetSubset(*super_v, sub_v)) return false;
    } else if (super_v->is_array() && sub_v.is_array()) {
      if (!ArraySubset(*super_v, sub_v)) return false;
    } else {
      return false;
    }
  }
  return true;
}

Status ObjectSubset(Ctx&, Operands a, Value* out) {
  const Value& super = a[0];
  const Value& sub = a[1];
  if (super.is_object() && sub.is_object()) {
    *out = Value::Bool(ObjectSubsetOf(super, sub));
  } else if (super.is_set() && sub.is_set()) {
    *out = Value::Bool(SetSubset(super, sub));
  } else if (super.is_array() && sub.is_array()) {
    *out = Value::Bool(ArraySubset(super, sub));
  } else if (super.is_array() && sub.is_set()) {
    *out = Value::Bool(ArraySetSubset(super, sub));
  } else {
    return TypeError("object.subset",
                     "both arguments object.subset must be of the same type or array and set");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- arrays

Status ArrayConcat(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array()) return OperandTypeError("array.concat", 1, "array", a[0]);
  if (!a[1].is_array()) return OperandTypeError("array.concat", 2, "array", a[1]);
  ValueVector items = a[0].items();
  items.insert(items.end(), a[1].items().begin(), a[1].items().end());
  *out = Value::Array(std::move(items));
  return Status::Ok();
}

Status ArraySlice(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array()) return OperandTypeError("array.slice", 1, "array", a[0]);
  int64_t start, stop;
  if (!a[1].ToInt(&start)) return OperandTypeError("array.slice", 2, "integer", a[1]);
  if (!a[2].ToInt(&stop)) return OperandTypeError("array.slice", 3, "integer", a[2]);
  const ValueVector& items = a[0].items();
  int64_t n = static_cast<int64_t>(items.size());
  start = std::clamp<int64_t>(start, 0, n);
  stop = std::clamp<int64_t>(stop, 0, n);
  if (stop < start) stop = start;
  *out = Value::Array(ValueVector(items.begin() + start, items.begin() + stop));
  return Status::Ok();
}

Status ArrayReverse(Ctx&, Operands a, Value* out) {
  if (!a[0].is_array()) return OperandTypeError("array.reverse", 1, "array", a[0]);
  ValueVector items(a[0].items().rbegin(), a[0].items().rend());
  *out = Value::Array(std::move(items));
  return Status::Ok();
}

// One level only: array elements are spliced in, anything else (a set
// included) is kept as one element.
Status ArrayFlatten(Ctx& ctx, Operands a, Value* out) {
  if (!a[0].is_array()) return OperandTypeError("array.flatten", 1, "array", a[0]);
  ValueVector items;
  for (const Value& v : a[0].items()) {
    if (v.is_array()) {
      items.insert(items.end(), v.items().begin(), v.items().end());
    } else {
      items.push_back(v);
    }
    if (items.size() > ctx.max_collection_elements) {
      return ctx.Exhausted("array.flatten", "an array of too many elements");
    }
  }
  *out = Value::Array(std::move(items));
  return Status::Ok();
}

}  // namespace

void RegisterObjectBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"object.get", 3, ObjectGet},
                          {"object.keys", 1, ObjectKeys},
                          {"object.union", 2, ObjectUnion},
                          {"object.union_n", 1, ObjectUnionN},
                          {"object.remove", 2, ObjectRemove},
                          {"object.filter", 2, ObjectFilter},
                          {"object.subset", 2, ObjectSubset},
                          {"array.concat", 2, ArrayConcat},
                          {"array.slice", 3, ArraySlice},
                          {"array.reverse", 1, ArrayReverse},
                          {"array.flatten", 1, ArrayFlatten},
                      });
}

}  // namespace governance::rego
