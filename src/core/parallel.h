// ParallelFor: one loop spread over the machine's cores.
//
//   std::vector<Result> out(items.size());
//   ParallelFor(items.size(), 0, [&](size_t i) { out[i] = Work(items[i]); });
//
// Used where many independent evaluations are run at once, such as
// re-evaluating every deployed model after a policy change.
#ifndef GOVERNANCE_SRC_CORE_PARALLEL_H_
#define GOVERNANCE_SRC_CORE_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace governance {

// Calls fn(i) once for every i in [0, n), on up to `threads` threads (0: one
// per hardware thread; the calling thread works too), and returns when every
// call has returned. With one thread, or n of at most one block, every call
// runs on the calling thread, in order. Indices are handed out in blocks in increasing
// order; which thread runs which is unspecified. If a thread cannot be
// started, the threads that did start (at least the calling one) do its
// share.
//
// REQUIRES: fn may be called concurrently for distinct i and does not throw.
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_PARALLEL_H_
