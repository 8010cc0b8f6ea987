#include "monitoring/sort.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace governance::monitoring {
namespace {

TEST_CASE("radix sort agrees with std::sort on awkward doubles") {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1e3);
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) values.push_back(normal(rng));
  for (double special : {0.0, -0.0, std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::denorm_min(),
                         -std::numeric_limits<double>::denorm_min(),
                         std::numeric_limits<double>::max(),
                         std::numeric_limits<double>::lowest()}) {
    values.insert(values.end(), 3, special);
  }
  std::shuffle(values.begin(), values.end(), rng);
  std::vector<double> expected = values;
  std::sort(expected.begin(), expected.end());
  SortSample(values);
  CHECK(values == expected);
  CHECK_FALSE(std::any_of(values.begin(), values.end(), [](double v) {
    return v == 0.0 && std::signbit(v);
  }));
}

TEST_CASE("small inputs and one repeated value") {
  std::vector<double> small = {3, -1, 2};
  SortSample(small);
  CHECK(small == std::vector<double>{-1, 2, 3});
  std::vector<double> same(5000, 7.5);
  SortSample(same);
  CHECK(same == std::vector<double>(5000, 7.5));
}

}  // namespace
}  // namespace governance::monitoring
