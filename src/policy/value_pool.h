// ValuePool: the memory behind Values, recycled per thread.
//
// Every string, array, set and object Value is a block (the shared_ptr
// control block with the string or vector in it), and arrays, sets and
// objects have a second one for their elements. An evaluation makes and
// drops dozens of them together, more than malloc's per-thread cache keeps
// (seven of a size), so most frees went down malloc's slow path. The pool
// keeps freed blocks of up to 256 bytes, in 16-byte size classes, on a
// per-thread free list (at most 32 KB a class) and hands them out again.
// A block may be freed on another thread than the one that allocated it;
// it joins that thread's lists. Lists are returned to malloc at thread exit.
// Under AddressSanitizer nothing is kept, so that a use after free is still
// reported.
#ifndef GOVERNANCE_SRC_POLICY_VALUE_POOL_H_
#define GOVERNANCE_SRC_POLICY_VALUE_POOL_H_

#include <cstddef>

namespace governance::rego {

void* PoolAllocate(size_t size);
void PoolFree(void* block, size_t size) noexcept;

// A standard allocator over the pool.
template <typename T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT: rebinding is implicit
  T* allocate(size_t n) { return static_cast<T*>(PoolAllocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) noexcept { PoolFree(p, n * sizeof(T)); }
  friend bool operator==(const PoolAllocator&, const PoolAllocator&) { return true; }
};

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_VALUE_POOL_H_
