// A small process-wide cache of what immutable documents parse to, keyed by
// the digest of their bytes: governance roots, changes and training outputs
// are read and parsed on every action, but never change once signed.
// Bounded (cleared when full); thread-safe; values are copied out.
#ifndef GOVERNANCE_SRC_CORE_PARSE_CACHE_H_
#define GOVERNANCE_SRC_CORE_PARSE_CACHE_H_

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/verification_cache.h"

namespace governance {

template <typename T>
class ParseCache {
 public:
  explicit ParseCache(size_t capacity) : capacity_(capacity) {}

  std::optional<T> Find(const std::string& digest) {
    std::lock_guard<std::mutex> lock(mu_);
    Expire();
    auto it = entries_.find(digest);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

  void Put(const std::string& digest, const T& value) {
    std::lock_guard<std::mutex> lock(mu_);
    Expire();
    if (entries_.size() >= capacity_) entries_.clear();
    entries_.insert_or_assign(digest, value);
  }

 private:
  // Drops everything after ForgetEverythingChecked.
  void Expire() {
    const uint64_t now = CacheGeneration();
    if (now != generation_) entries_.clear();
    generation_ = now;
  }

  const size_t capacity_;
  uint64_t generation_ = 0;
  std::mutex mu_;
  std::map<std::string, T> entries_;
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_PARSE_CACHE_H_
