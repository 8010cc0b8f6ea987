#include "policy/value_pool.h"

#include <cstdint>
#include <new>

namespace governance::rego {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr size_t kGranule = 16;
constexpr size_t kClasses = 17;  // 16 .. 256 bytes; class 0 unused
constexpr size_t kMaxCachedBytes = kAddressSanitizer ? 0 : 32 * 1024;

struct Block {
  Block* next;
};

struct FreeList {
  Block* head;
  uint32_t count;
};

// Trivially destructible, so it stays usable while the thread's other
// thread_local and (on the main thread) static objects are destroyed.
struct PoolState {
  FreeList lists[kClasses];
  bool drained;
};

constinit thread_local PoolState pool{};

// Returns the kept blocks to malloc when the thread exits; after that the
// pool passes everything straight through.
struct Drain {
  ~Drain() {
    for (FreeList& list : pool.lists) {
      while (list.head != nullptr) {
        Block* b = list.head;
        list.head = b->next;
        ::operator delete(b);
      }
      list.count = 0;
    }
    pool.drained = true;
  }
};

// Makes sure this thread's Drain exists (constructed on first use).
void RegisterDrain() {
  thread_local Drain drain;
  (void)drain;
}

size_t ClassOf(size_t size) { return (size + kGranule - 1) / kGranule; }

}  // namespace

void* PoolAllocate(size_t size) {
  size_t c = ClassOf(size);
  if (c >= kClasses) return ::operator new(size);
  FreeList& list = pool.lists[c];
  if (list.head != nullptr) {
    Block* b = list.head;
    list.head = b->next;
    --list.count;
    return b;
  }
  // The whole class's size: the block may be reused for any size in it.
  return ::operator new(c * kGranule);
}

void PoolFree(void* block, size_t size) noexcept {
  size_t c = ClassOf(size);
  if (c < kClasses && !pool.drained) {
    FreeList& list = pool.lists[c];
    if ((list.count + 1) * c * kGranule <= kMaxCachedBytes) {  // no division on the hot path
      if (list.count == 0) RegisterDrain();
      Block* b = static_cast<Block*>(block);
      b->next = list.head;
      list.head = b;
      ++list.count;
      return;
    }
  }
  ::operator delete(block);
}

}  // namespace governance::rego
