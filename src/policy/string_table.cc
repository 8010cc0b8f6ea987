#include "policy/string_table.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/document.h"

namespace governance::rego {

// Hash and Probe are inlined into Find, which runs for every key of every
// input object: the two calls were a fifth of its cost.
[[gnu::always_inline]] inline uint64_t StringTable::Hash(std::string_view text) {
  // Whole words, then the last (overlapping) word or, for short texts, two
  // overlapping halves or three bytes, as wyhash reads them: no byte loop.
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  const char* p = text.data();
  const size_t n = text.size();
  auto load64 = [](const char* q) {
    uint64_t w;
    std::memcpy(&w, q, 8);
    return w;
  };
  auto load32 = [](const char* q) {
    uint32_t w;
    std::memcpy(&w, q, 4);
    return uint64_t{w};
  };
  uint64_t h = n * kMul;
  auto mix = [&](uint64_t w) {
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  };
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) mix(load64(p + i));
    if (i < n) mix(load64(p + n - 8));
  } else if (n >= 4) {
    mix(load32(p) << 32 | load32(p + n - 4));
  } else if (n > 0) {
    const auto byte = [&](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    mix(byte(0) << 16 | byte(n / 2) << 8 | byte(n - 1));
  }
  h *= kMul;
  return h ^ (h >> 32);
}

[[gnu::always_inline]] inline size_t StringTable::Probe(uint64_t hash,
                                                      std::string_view text) const {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].value.defined() &&
         !(slots_[i].hash == hash && slots_[i].value.str() == text)) {
    i = (i + 1) & mask;
  }
  return i;
}

const StringTable::Entry* StringTable::Find(std::string_view text) const {
  if (slots_.empty()) return nullptr;
  const Slot& slot = slots_[Probe(Hash(text), text)];
  return slot.value.defined() ? &slot : nullptr;
}

void StringTable::Add(const Value& s) {
  if (2 * (count_ + 1) > slots_.size()) Grow();
  const uint64_t h = Hash(s.str());
  Slot& slot = slots_[Probe(h, s.str())];
  if (slot.value.defined()) return;
  slot.hash = h;
  slot.value = pins_.Pin(s);
  const std::string& text = s.str();
  bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c != '"' && c != '\\';  // printable ASCII (char is signed)
  });
  slot.json = plain ? '"' + text + '"' : CanonicalJson(nlohmann::json(text));
  ++count_;
}

void StringTable::Grow() {
  std::vector<Slot> old =
      std::exchange(slots_, std::vector<Slot>(slots_.empty() ? 16 : 2 * slots_.size()));
  for (Slot& slot : old) {
    if (slot.value.defined()) slots_[Probe(slot.hash, slot.value.str())] = std::move(slot);
  }
}

}  // namespace governance::rego
