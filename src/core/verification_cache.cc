#include "core/verification_cache.h"

#include <mutex>
#include <unordered_set>

#include "core/sha256.h"

namespace governance {
namespace {

constexpr size_t kMaxFacts = 1 << 14;

struct Cache {
  std::mutex mu;
  std::unordered_set<std::string> checked;
  uint64_t generation = 0;
};

Cache& TheCache() {
  static Cache* cache = new Cache();
  return *cache;
}

}  // namespace

std::string SignatureFact(std::string_view public_key, std::string_view message,
                          std::string_view signature) {
  const std::string message_digest = Sha256Digest(message);
  Sha256 h;
  h.Update("ed25519 signature", 17);
  h.Update(public_key);
  h.Update(signature);
  h.Update(message_digest);
  return h.Finish();
}

std::string ValidPointFact(std::string_view public_key) {
  Sha256 h;
  h.Update("ed25519 prime-order point", 25);
  h.Update(public_key);
  return h.Finish();
}

bool CheckedBefore(const std::string& fact) {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mu);
  return c.checked.count(fact) > 0;
}

void RememberChecked(const std::string& fact) {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.checked.size() >= kMaxFacts) c.checked.clear();
  c.checked.insert(fact);
}

void ForgetEverythingChecked() {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mu);
  c.checked.clear();
  ++c.generation;
}

uint64_t CacheGeneration() {
  Cache& c = TheCache();
  std::lock_guard<std::mutex> lock(c.mu);
  return c.generation;
}

}  // namespace governance
