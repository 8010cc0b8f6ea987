#include "core/parallel.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

namespace governance {
namespace {

TEST_CASE("ParallelFor calls every index exactly once") {
  for (unsigned threads : {0u, 1u, 2u, 3u, 8u, 64u}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{255}, size_t{1000},
                     size_t{100'003}}) {
      CAPTURE(threads);
      CAPTURE(n);
      std::vector<std::atomic<int>> calls(n);
      ParallelFor(n, threads, [&](size_t i) { calls[i].fetch_add(1); });
      size_t wrong = 0;
      for (const auto& c : calls) wrong += c.load() != 1;
      CHECK(wrong == 0);
    }
  }
}

TEST_CASE("ParallelFor uses several threads") {
  std::mutex mu;
  std::set<std::thread::id> seen;
  // Each call waits until a second thread has joined in. Helpers are started
  // before the caller takes its first block, so one does join, however
  // loaded the machine; the 10 s limit only ends a failing run.
  auto distinct = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size();
  };
  std::atomic<int> started{0};
  ParallelFor(64, 4, [&](size_t) {
    started.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(mu);
      seen.insert(std::this_thread::get_id());
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (distinct() < 2 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  CHECK(started.load() == 64);
  CHECK(seen.size() >= 2);
}

TEST_CASE("ParallelFor with one thread runs in order on the caller") {
  std::vector<size_t> order;
  const std::thread::id caller = std::this_thread::get_id();
  bool elsewhere = false;
  ParallelFor(1000, 1, [&](size_t i) {
    order.push_back(i);
    elsewhere = elsewhere || std::this_thread::get_id() != caller;
  });
  REQUIRE(order.size() == 1000);
  for (size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
  CHECK_FALSE(elsewhere);
}

}  // namespace
}  // namespace governance
