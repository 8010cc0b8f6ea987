#include "monitoring/chi_square.h"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

namespace governance::monitoring {
namespace {

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

std::vector<double> Uniform(const std::vector<double>& observed) {
  double total = 0;
  for (double o : observed) total += o;
  return std::vector<double>(observed.size(),
                             total / static_cast<double>(observed.size()));
}

TEST_CASE("published scipy.stats.chisquare value") {
  std::vector<double> observed = {16, 18, 16, 14, 12, 12};
  auto r = ChiSquareTest(observed, Uniform(observed));
  REQUIRE(r.ok());
  CHECK(Near(r->statistic, 2.0));
  CHECK(Near(r->p_value, 0.84914503608460956));
}

TEST_CASE("chisquare cross-checks computed by scipy 1.10.1") {
  SUBCASE("explicit expected counts") {
    // scipy.stats.chisquare([16,18,16,14,12,12], f_exp=[16,16,16,16,16,8])
    auto r = ChiSquareTest(std::vector<double>{16, 18, 16, 14, 12, 12},
                           std::vector<double>{16, 16, 16, 16, 16, 8});
    REQUIRE(r.ok());
    CHECK(Near(r->statistic, 3.5));
    CHECK(Near(r->p_value, 0.6233876277495822));
  }
  SUBCASE("a tiny p-value keeps its relative precision") {
    // scipy.stats.chisquare([1000, 10], [505, 505])
    auto r = ChiSquareTest(std::vector<double>{1000, 10},
                           std::vector<double>{505, 505});
    REQUIRE(r.ok());
    CHECK(Near(r->statistic, 970.3960396039604));
    CHECK(Near(r->p_value, 4.888735344434279e-213, 1e-11));
  }
  SUBCASE("49 and 399 degrees of freedom") {
    // scipy.stats.chisquare([100 + (i*7 % 13)*4 - 24 for i in range(50)])
    std::vector<double> o;
    for (int i = 0; i < 50; ++i) o.push_back(100 + (i * 7 % 13) * 4 - 24);
    auto r = ChiSquareTest(o, Uniform(o));
    REQUIRE(r.ok());
    CHECK(Near(r->statistic, 111.13826366559486));
    CHECK(Near(r->p_value, 9.993055946086093e-07, 1e-11));
    // scipy.stats.chisquare([300 + (i*7 % 13)*6 - 36 for i in range(400)])
    o.clear();
    for (int i = 0; i < 400; ++i) o.push_back(300 + (i * 7 % 13) * 6 - 36);
    r = ChiSquareTest(o, Uniform(o));
    REQUIRE(r.ok());
    CHECK(Near(r->statistic, 672.7606901725433));
    CHECK(Near(r->p_value, 2.657998937500528e-16, 1e-10));
  }
}

TEST_CASE("edge cases and errors") {
  SUBCASE("identical counts") {
    auto r =
        ChiSquareTest(std::vector<double>{5, 5}, std::vector<double>{5, 5});
    REQUIRE(r.ok());
    CHECK(r->statistic == 0.0);
    CHECK(r->p_value == 1.0);
  }
  SUBCASE("observed where nothing was expected") {
    auto r =
        ChiSquareTest(std::vector<double>{5, 5}, std::vector<double>{10, 0});
    REQUIRE(r.ok());
    CHECK(std::isinf(r->statistic));
    CHECK(r->p_value == 0.0);
  }
  SUBCASE("errors") {
    auto r = ChiSquareTest(std::vector<double>{1, 2}, std::vector<double>{3});
    CHECK(r.status() ==
          InvalidArgumentError(
              "chi-square test: 2 observed but 1 expected categories"));
    r = ChiSquareTest(std::vector<double>{1}, std::vector<double>{1});
    CHECK(r.status() == InvalidArgumentError(
                            "chi-square test needs at least two categories"));
    r = ChiSquareTest(std::vector<double>{1, 2}, std::vector<double>{1, 3});
    CHECK(r.status() ==
          InvalidArgumentError("chi-square test: observed total 3.000000 "
                               "differs from expected total 4.000000"));
    r = ChiSquareTest(std::vector<double>{-1, 2}, std::vector<double>{0, 1});
    CHECK(r.status() ==
          InvalidArgumentError(
              "chi-square test: category 0 has a negative or NaN count"));
  }
}

}  // namespace
}  // namespace governance::monitoring
