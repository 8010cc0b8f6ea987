#include "monitoring/kolmogorov_smirnov.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace governance::monitoring {
namespace {

// |actual - expected| <= tol · |expected|
bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

// A deterministic sample that Python reproduces exactly:
//   [((i * mult) % mod) / mod + shift for i in range(n)]
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

KsResult Ks(const std::vector<double>& a, const std::vector<double>& b,
            KsMethod method = KsMethod::kAuto) {
  auto r = KolmogorovSmirnovTest(a, b, method);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("published ks_2samp values are reproduced") {
  // scipy.stats.ks_2samp documentation and test suite.
  KsResult r = Ks({1.01, 2.01}, {1, 2, 3});
  CHECK(Near(r.statistic, 1.0 / 3));
  CHECK(r.p_value == 1.0);
  CHECK(r.method == KsMethod::kExact);

  r = Ks({0.99, 1.99}, {1, 2, 3, 4});
  CHECK(Near(r.statistic, 0.75));
  CHECK(Near(r.p_value, 6.0 / 15));

  std::vector<double> a, b;
  for (auto [value, count] : {std::pair{2.0, 3}, {3.0, 4}, {5.0, 10}, {6.0, 4}})
    a.insert(a.end(), count, value);
  for (auto [value, count] :
       {std::pair{3.0, 10}, {4.0, 2}, {6.0, 10}, {7.0, 4}})
    b.insert(b.end(), count, value);
  r = Ks(a, b);
  CHECK(Near(r.statistic, 190.0 / 546));
  CHECK(Near(r.p_value, 0.0919245790168125));
}

TEST_CASE("ks_2samp cross-checks computed by scipy 1.10.1") {
  // Each expected pair is (statistic, pvalue) of
  // scipy.stats.ks_2samp(Sample(...), Sample(...)) with the same arguments.
  SUBCASE("exact, unequal sizes") {
    KsResult r = Ks(Sample(60, 37, 101, 0.0), Sample(45, 53, 97, 0.1));
    CHECK(Near(r.statistic, 0.11666666666666667));
    CHECK(Near(r.p_value, 0.8412982135085666));
  }
  SUBCASE("exact, equal sizes") {
    KsResult r = Ks(Sample(500, 37, 101, 0.0), Sample(500, 53, 97, 0.05));
    CHECK(Near(r.statistic, 0.06));
    CHECK(Near(r.p_value, 0.3293581065813255));
  }
  SUBCASE("exact, heavy ties") {
    KsResult r = Ks(Sample(300, 7, 10, 0.0), Sample(400, 3, 8, 0.0));
    CHECK(Near(r.statistic, 0.1));
    CHECK(Near(r.p_value, 0.061118874860959765));
  }
  SUBCASE("asymptotic above 10000 samples") {
    KsResult r =
        Ks(Sample(20000, 7919, 10007, 0.0), Sample(15000, 104729, 10009, 0.01));
    CHECK(r.method == KsMethod::kAsymptotic);
    CHECK(Near(r.statistic, 0.010616666666666719));
    CHECK(Near(r.p_value, 0.2867790783116787));
  }
  SUBCASE("asymptotic with a small effective n (Durbin matrix)") {
    KsResult r = Ks(Sample(7, 3, 11, 0.0), Sample(20000, 7919, 10007, 0.0));
    CHECK(Near(r.statistic, 0.22069285714285714));
    CHECK(Near(r.p_value, 0.8185915521706228));
  }
  SUBCASE("huge samples: 2e6 per side") {
    KsResult r = Ks(Sample(2000000, 7919, 1000003, 0.0),
                    Sample(2000000, 104729, 1000033, 0.001));
    CHECK(Near(r.statistic, 0.0010045000000000748));
    CHECK(Near(r.p_value, 0.26503083971247066, 1e-10));
  }
}

TEST_CASE("kstwo survival matches scipy.stats.kstwo.sf on every branch") {
  struct Case {
    std::int64_t n;
    double x;
    double expected;  // scipy.stats.kstwo.sf(x, n)
  };
  const Case cases[] = {
      {5, 0.15, 0.9988},                        // Ruben–Gambino, x <= 1/n
      {3, 0.9, 0.0019999999999999987},          // Ruben–Gambino, x >= 1 - 1/n
      {10, 0.25, 0.4841115325000003},           // Durbin matrix, n <= 140
      {100, 0.15, 0.019839242125643017},        // Pomeranz
      {100, 0.3, 1.7719869892662917e-08},       // 2 · smirnov, n <= 140
      {100, 0.05, 0.9532159710635725},          // Durbin matrix
      {1000, 0.02, 0.8108971656895577},         // Durbin matrix, n > 140
      {1000, 0.05, 0.013012074781090332},       // 2 · smirnov
      {50000, 0.004, 0.3994316646755731},       // Pelz–Good
      {500000, 0.001, 0.6989801443663661},      // Pelz–Good
      {500000, 0.003, 0.00024632301239186754},  // 2 · smirnov, exact sum
      {2000000, 0.0008, 0.15445575917381638},   // Pelz–Good, n > 1e6
      {200, 0.004, 1.0},                        // x <= 1/(2n)
  };
  for (const Case& c : cases) {
    CAPTURE(c.n);
    CAPTURE(c.x);
    CHECK(Near(KolmogorovSurvival(c.n, c.x), c.expected));
  }
  CHECK(KolmogorovSurvival(10, 0.0) == 1.0);
  CHECK(KolmogorovSurvival(10, 1.0) == 0.0);
}

TEST_CASE("smirnov matches scipy.special.smirnov") {
  CHECK(Near(SmirnovSurvival(10, 0.3), 0.1354635556));
  CHECK(Near(SmirnovSurvival(1000, 0.05), 0.006506037390545166));
  CHECK(Near(SmirnovSurvival(2000000, 0.001),
             0.018303432023617325));  // approximation above 1e6
  CHECK(SmirnovSurvival(1, 0.25) == 0.75);
}

TEST_CASE("edge cases") {
  SUBCASE("identical samples") {
    KsResult r = Ks({1, 2, 3}, {1, 2, 3});
    CHECK(r.statistic == 0.0);
    CHECK(r.p_value == 1.0);
  }
  SUBCASE("all ties, one value") {
    KsResult r = Ks(std::vector<double>(10, 5.0), std::vector<double>(7, 5.0));
    CHECK(r.statistic == 0.0);
    CHECK(r.p_value == 1.0);
  }
  SUBCASE("n = 1 on each side") {
    KsResult r = Ks({1.0}, {2.0});  // scipy: (1.0, 1.0)
    CHECK(r.statistic == 1.0);
    CHECK(r.p_value == 1.0);
  }
  SUBCASE("disjoint samples give the smallest exact p-value") {
    KsResult r = Ks({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
    CHECK(r.statistic == 1.0);
    CHECK(Near(r.p_value, 2.0 / 252));  // 2 / C(10, 5)
  }
  SUBCASE("-0.0 and +0.0 are the same value") {
    KsResult r = Ks({-0.0, 1.0}, {0.0, 1.0});
    CHECK(r.statistic == 0.0);
  }
  SUBCASE("forced asymptotic method on a small sample") {
    KsResult r = Ks({0.99, 1.99}, {1, 2, 3, 4}, KsMethod::kAsymptotic);
    CHECK(r.method == KsMethod::kAsymptotic);
    CHECK(Near(r.statistic, 0.75));
  }
}

TEST_CASE("errors") {
  auto empty =
      KolmogorovSmirnovTest(std::vector<double>{}, std::vector<double>{1.0});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().code() == StatusCode::kInvalidArgument);
  CHECK(empty.status().message() ==
        "Kolmogorov-Smirnov test needs at least one value in each sample");
  auto nan =
      KolmogorovSmirnovTest(std::vector<double>{NAN}, std::vector<double>{1.0});
  REQUIRE_FALSE(nan.ok());
  CHECK(nan.status().message() == "Kolmogorov-Smirnov test got a NaN value");
}

TEST_CASE("properties: bounded, symmetric, p-value falls as the shift grows") {
  const std::vector<double> base = Sample(400, 37, 101, 0.0);
  double previous_p = 2.0;
  for (int step = 0; step <= 10; ++step) {
    const std::vector<double> shifted = Sample(300, 53, 97, 0.02 * step);
    KsResult ab = Ks(base, shifted);
    KsResult ba = Ks(shifted, base);
    CAPTURE(step);
    CHECK(ab.statistic >= 0.0);
    CHECK(ab.statistic <= 1.0);
    CHECK(ab.p_value >= 0.0);
    CHECK(ab.p_value <= 1.0);
    CHECK(ab.statistic == ba.statistic);
    CHECK(ab.p_value == ba.p_value);
    CHECK(ab.p_value <= previous_p);
    previous_p = ab.p_value;
  }
  CHECK(previous_p < 1e-6);
}

}  // namespace
}  // namespace governance::monitoring
