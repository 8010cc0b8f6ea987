#include "policy/string_table.h"

#include <cstring>
#include <utility>

namespace governance::rego {

uint64_t StringTable::Hash(std::string_view text) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  uint64_t h = text.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t j = i; j < text.size(); ++j) {
    tail = tail << 8 | static_cast<unsigned char>(text[j]);
  }
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

const Value* StringTable::Find(std::string_view text) const {
  if (slots_.empty()) return nullptr;
  const uint64_t h = Hash(text);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (!slot.value.defined()) return nullptr;
    if (slot.hash == h && slot.value.str() == text) return &slot.value;
  }
}

void StringTable::Add(const Value& s) {
  if (Find(s.str()) != nullptr) return;
  if (2 * (count_ + 1) > slots_.size()) Grow();
  const uint64_t h = Hash(s.str());
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].value.defined()) i = (i + 1) & mask;
  slots_[i].hash = h;
  slots_[i].value = s;
  ++count_;
}

void StringTable::Grow() {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots_.empty() ? 16 : 2 * slots_.size()));
  const size_t mask = slots_.size() - 1;
  for (Slot& slot : old) {
    if (!slot.value.defined()) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].value.defined()) i = (i + 1) & mask;
    slots_[i] = std::move(slot);
  }
}

}  // namespace governance::rego
