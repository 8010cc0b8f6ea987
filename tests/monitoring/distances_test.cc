#include "monitoring/distances.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "monitoring/binning.h"

namespace governance::monitoring {
namespace {

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

// [((i * mult) % mod) / mod + shift for i in range(n)], as in Python.
std::vector<double> Sample(int n, std::int64_t mult, std::int64_t mod,
                           double shift) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < n; ++i) {
    v.push_back(static_cast<double>((i * mult) % mod) /
                    static_cast<double>(mod) +
                shift);
  }
  return v;
}

TEST_CASE("published Jensen-Shannon distance") {
  // scipy.spatial.distance.jensenshannon([1, 0], [0.5, 0.5])
  CHECK(Near(JensenShannonDistance(std::vector<double>{1, 0},
                                   std::vector<double>{0.5, 0.5}),
             0.46450140402245893));
}

TEST_CASE("Jensen-Shannon normalises its inputs (scipy 1.10.1)") {
  // scipy.spatial.distance.jensenshannon([1.0,2,3,4], [4.0,3,2,1.5])
  CHECK(Near(JensenShannonDistance(std::vector<double>{1, 2, 3, 4},
                                   std::vector<double>{4, 3, 2, 1.5}),
             0.2922849470809434));
  CHECK(JensenShannonDistance(std::vector<double>{1, 2},
                              std::vector<double>{2, 4}) == 0.0);
  CHECK(Near(JensenShannonDistance(std::vector<double>{1, 0},
                                   std::vector<double>{0, 1}),
             std::sqrt(std::log(2.0))));
}

TEST_CASE("Wasserstein distance matches scipy.stats.wasserstein_distance") {
  CHECK(WassersteinDistance(std::vector<double>{0, 1, 3},
                            std::vector<double>{5, 6, 8}) == 5.0);
  CHECK(WassersteinDistance(std::vector<double>{0, 1},
                            std::vector<double>{0, 1, 2, 3}) == 1.0);
  // scipy.stats.wasserstein_distance(Sample(300,37,101,0),
  // Sample(200,53,97,0.3)); numpy.std(u)
  const std::vector<double> u = Sample(300, 37, 101, 0.0);
  const std::vector<double> v = Sample(200, 53, 97, 0.3);
  CHECK(Near(WassersteinDistance(u, v), 0.29698598210336496));
  CHECK(Near(WassersteinDistance(v, u), 0.29698598210336496));
  CHECK(Near(PopulationStandardDeviation(u), 0.28874054625372436));
  CHECK(WassersteinDistance(u, u) == 0.0);
}

TEST_CASE(
    "Sturges histogram, zero filling, JS and PSI match numpy + Evidently's "
    "binning") {
  const std::vector<double> a = Sample(500, 37, 101, 0.0);
  const std::vector<double> b = Sample(400, 53, 97, 0.2);
  // numpy.histogram(a, numpy.histogram_bin_edges(concat(a, b), bins="sturges"))
  BinnedCounts counts = BinForDistance(a, b);
  CHECK(counts.reference ==
        std::vector<double>{55, 54, 54, 55, 54, 54, 55, 55, 54, 10, 0});
  CHECK(counts.current ==
        std::vector<double>{0, 10, 45, 41, 45, 41, 46, 41, 45, 41, 45});
  BinnedShares shares = SharesWithoutZeros(counts);
  CHECK(shares.reference.back() == 0.0001);
  CHECK(shares.current.front() == 0.0001);
  // scipy.spatial.distance.jensenshannon(pa, pb);
  // numpy.sum((pa-pb)*numpy.log(pa/pb))
  CHECK(Near(JensenShannonDistance(shares.reference, shares.current),
             0.3252510074318502));
  CHECK(Near(PopulationStabilityIndex(shares.reference, shares.current),
             1.8176934627918588));
}

TEST_CASE("few distinct values are counted as categories") {
  BinnedCounts counts = BinForDistance(std::vector<double>{1, 2, 2, 3},
                                       std::vector<double>{2, 4});
  CHECK(counts.reference == std::vector<double>{1, 2, 1, 0});
  CHECK(counts.current == std::vector<double>{0, 1, 0, 1});
  BinnedCounts one =
      SturgesHistogram(std::vector<double>{5, 5}, std::vector<double>{5});
  CHECK(one.reference == std::vector<double>{2});
  CHECK(one.current == std::vector<double>{1});
}

}  // namespace
}  // namespace governance::monitoring
