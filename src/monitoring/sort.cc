#include "monitoring/sort.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace governance::monitoring {
namespace {

constexpr std::size_t kRadixThreshold = 2048;
constexpr int kDigitBits = 8;
constexpr int kPasses = 8;  // 8 × 8 bits = 64
constexpr std::uint64_t kBuckets = std::uint64_t{1} << kDigitBits;
constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;

// Maps a double to an unsigned key with the same order.
std::uint64_t ToKey(double v) {
  std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
  return (bits & kSignBit) != 0 ? ~bits : bits | kSignBit;
}

double FromKey(std::uint64_t key) {
  std::uint64_t bits = (key & kSignBit) != 0 ? key & ~kSignBit : ~key;
  return std::bit_cast<double>(bits);
}

}  // namespace

void SortSample(std::vector<double>& values) {
  for (double& v : values) {
    if (v == 0.0) v = 0.0;  // folds -0.0 into +0.0
  }
  if (values.size() < kRadixThreshold) {
    std::sort(values.begin(), values.end());
    return;
  }
  const std::size_t n = values.size();
  std::vector<std::uint64_t> keys(n);
  std::vector<std::uint64_t> scratch(n);
  std::array<std::array<std::size_t, kBuckets>, kPasses> counts{};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t key = ToKey(values[i]);
    keys[i] = key;
    for (int p = 0; p < kPasses; ++p) {
      ++counts[p][(key >> (p * kDigitBits)) & (kBuckets - 1)];
    }
  }
  for (int p = 0; p < kPasses; ++p) {
    auto& count = counts[p];
    // A digit shared by every key leaves the order unchanged: skip the pass.
    if (std::any_of(count.begin(), count.end(),
                    [n](std::size_t c) { return c == n; })) {
      continue;
    }
    std::size_t offset = 0;
    for (std::size_t& c : count) {
      std::size_t bucket_size = c;
      c = offset;
      offset += bucket_size;
    }
    const int shift = p * kDigitBits;
    for (std::uint64_t key : keys) {
      scratch[count[(key >> shift) & (kBuckets - 1)]++] = key;
    }
    keys.swap(scratch);
  }
  for (std::size_t i = 0; i < n; ++i) values[i] = FromKey(keys[i]);
}

}  // namespace governance::monitoring
