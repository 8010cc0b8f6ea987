// StringTable: one shared string Value per distinct text.
//
// A compiled Program interns its string literals here; converting an input
// and loading base data take object keys from it, so a literal such as
// "metrics" in input.spec.metrics and the key it looks up are one
// representation (Value::Find then matches by address). Each entry also keeps
// its text as CanonicalJson writes it, which an input's digest copies for
// each key instead of escaping the key again.
//
// Open addressing over a power-of-two array with a cheap word-at-a-time
// hash: looking up every key of every input costs less than the
// std::unordered_map it replaces (hashing, a division and a node walk), which
// was 3% of an evaluation.
//
// The entries' values are pinned (ValuePins) by the table, so copying one
// from many threads at once changes no shared count.
//
// Thread-safety: Find may be called from many threads; Add may not run
// concurrently with anything.
#ifndef GOVERNANCE_SRC_POLICY_STRING_TABLE_H_
#define GOVERNANCE_SRC_POLICY_STRING_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/value.h"

namespace governance::rego {

class StringTable {
 public:
  struct Entry {
    Value value;       // the interned string; undefined in an empty slot
    std::string json;  // CanonicalJson of the string: quoted and escaped
    uint64_t hash = 0;
  };

  // Adds string Value `s` unless a string with its text is present.
  void Add(const Value& s);
  // The entry of the interned string with text `text`, or null.
  const Entry* Find(std::string_view text) const;
  size_t size() const { return count_; }

 private:
  using Slot = Entry;
  static uint64_t Hash(std::string_view text);
  // The slot holding `text`, or the empty slot where it would go.
  // REQUIRES: slots_ is not empty.
  size_t Probe(uint64_t hash, std::string_view text) const;
  void Grow();

  std::vector<Slot> slots_;  // size is zero or a power of two, at most half full
  size_t count_ = 0;
  ValuePins pins_;  // owns the entry values
};

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_STRING_TABLE_H_
