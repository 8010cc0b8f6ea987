#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace governance {

void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t)>& fn) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // Blocks small enough to balance uneven work, large enough that taking one
  // is rare next to the work in it.
  const size_t block = std::clamp<size_t>(n / (8 * size_t{threads}), 1, 256);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      size_t begin = next.fetch_add(block, std::memory_order_relaxed);
      if (begin >= n) return;
      size_t end = std::min(n, begin + block);
      for (size_t i = begin; i < end; ++i) fn(i);
    }
  };
  std::vector<std::thread> helpers;
  size_t wanted = std::min<size_t>(threads, (n + block - 1) / block);
  for (size_t t = 1; t < wanted; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // out of threads: the ones running take the remaining blocks
    }
  }
  work();
  for (std::thread& t : helpers) t.join();
}

}  // namespace governance
