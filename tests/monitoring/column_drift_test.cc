#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "governance/drift.h"

namespace governance {
namespace {

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

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

TEST_CASE("test names round-trip") {
  for (DriftTest t :
       {DriftTest::kAuto, DriftTest::kKolmogorovSmirnov, DriftTest::kChiSquare,
        DriftTest::kProportionZ, DriftTest::kPsi, DriftTest::kWasserstein,
        DriftTest::kJensenShannon}) {
    CHECK(ParseDriftTest(DriftTestName(t)).value() == t);
  }
  CHECK(ParseDriftTest("kl").status() ==
        InvalidArgumentError(
            "unknown drift test 'kl' (expected auto, ks, chisquare, z, psi, "
            "wasserstein or jensenshannon)"));
}

TEST_CASE("automatic test selection follows Evidently") {
  SUBCASE("small numeric sample with many values: ks") {
    auto r = CheckNumericDrift("x", Sample(500, 37, 101, 0.0),
                               Sample(500, 53, 97, 0.05));
    REQUIRE(r.ok());
    CHECK(r->test == DriftTest::kKolmogorovSmirnov);
    CHECK(
        Near(r->p_value.value(), 0.3293581065813255));  // scipy.stats.ks_2samp
    CHECK(r->threshold == 0.05);
    CHECK_FALSE(r->drifted);
    CHECK(r->action == RecommendedAction::kMonitor);
  }
  SUBCASE("few numeric values: chi-square, two values: z") {
    auto r = CheckNumericDrift("x", std::vector<double>{1, 2, 3, 1, 2, 3},
                               std::vector<double>{1, 1, 1, 2, 3, 3});
    REQUIRE(r.ok());
    CHECK(r->test == DriftTest::kChiSquare);
    r = CheckNumericDrift("x", std::vector<double>{0, 1, 0, 1},
                          std::vector<double>{1, 1, 1, 0});
    REQUIRE(r.ok());
    CHECK(r->test == DriftTest::kProportionZ);
  }
  SUBCASE("large numeric sample: normalised Wasserstein") {
    auto r = CheckNumericDrift("x", Sample(3000, 37, 101, 0.0),
                               Sample(2000, 53, 97, 0.3));
    REQUIRE(r.ok());
    CHECK(r->test == DriftTest::kWasserstein);
    CHECK_FALSE(r->p_value.has_value());
    CHECK(r->threshold == 0.1);
    CHECK(r->drifted);
  }
  SUBCASE("large categorical sample: Jensen-Shannon") {
    std::vector<std::string> ref(1500, "a"), cur(10, "a");
    ref.insert(ref.end(), 500, "b");
    auto r = CheckCategoricalDrift("c", ref, cur);
    REQUIRE(r.ok());
    CHECK(r->test == DriftTest::kJensenShannon);
    CHECK(r->drifted);
  }
}

TEST_CASE("Wasserstein is normalised by the reference standard deviation") {
  const std::vector<double> u = Sample(300, 37, 101, 0.0);
  const std::vector<double> v = Sample(200, 53, 97, 0.3);
  auto r = CheckNumericDrift("x", u, v, DriftTest::kWasserstein);
  REQUIRE(r.ok());
  // scipy.stats.wasserstein_distance(u, v) / numpy.std(u)
  CHECK(Near(r->statistic, 0.29698598210336496 / 0.28874054625372436, 1e-12));
}

TEST_CASE(
    "categorical chi-square scales reference counts to the current size") {
  // Evidently: f_exp = ref_counts * len(cur)/len(ref);
  // scipy.stats.chisquare([10, 20, 30], [20, 20, 20]) = (10.0,
  // 0.006737946999085468)
  std::vector<std::string> ref, cur;
  for (auto [v, n] : {std::pair{"a", 10}, {"b", 10}, {"c", 10}})
    ref.insert(ref.end(), n, v);
  for (auto [v, n] : {std::pair{"a", 10}, {"b", 20}, {"c", 30}})
    cur.insert(cur.end(), n, v);
  auto r = CheckCategoricalDrift("c", ref, cur);
  REQUIRE(r.ok());
  CHECK(r->test == DriftTest::kChiSquare);
  CHECK(Near(r->statistic, 10.0));
  CHECK(Near(r->p_value.value(), 0.006737946999085468));
  CHECK(r->drifted);
  // severity 0.5 + 0.25 log10(0.05 / p)
  CHECK(
      Near(r->severity, 0.5 + 0.25 * std::log10(0.05 / 0.006737946999085468)));
  CHECK(r->action == RecommendedAction::kInvestigate);
}

TEST_CASE("severity and action") {
  CHECK(ActionForSeverity(0.49) == RecommendedAction::kMonitor);
  CHECK(ActionForSeverity(0.5) == RecommendedAction::kInvestigate);
  CHECK(ActionForSeverity(0.8) == RecommendedAction::kRevoke);
  CHECK(ActionForSeverity(0.7, 0.6) == RecommendedAction::kRevoke);
  auto r = CheckNumericDrift(
      "x", std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
      std::vector<double>{11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
      DriftTest::kKolmogorovSmirnov);
  REQUIRE(r.ok());
  CHECK(r->drifted);
  CHECK(r->severity == 1.0);  // p = 2/C(20,10), below 0.05 / 100
  CHECK(r->action == RecommendedAction::kRevoke);
  auto same = CheckNumericDrift("x", std::vector<double>{1, 2, 3, 4, 5, 6, 7},
                                std::vector<double>{1, 2, 3, 4, 5, 6, 7});
  REQUIRE(same.ok());
  CHECK(same->severity == 0.0);
}

TEST_CASE("errors name the column") {
  CHECK(CheckNumericDrift("x", std::vector<double>{}, std::vector<double>{1})
            .status() ==
        InvalidArgumentError("column 'x': no reference values to compare"));
  CHECK(
      CheckNumericDrift("x", std::vector<double>{1}, std::vector<double>{1},
                        DriftTest::kKolmogorovSmirnov, 1.5)
          .status() ==
      InvalidArgumentError(
          "column 'x': threshold 1.500000 for ks must be a p-value in (0, 1)"));
  CHECK(CheckNumericDrift("x", std::vector<double>{1}, std::vector<double>{1},
                          DriftTest::kPsi, -1.0)
            .status() ==
        InvalidArgumentError("column 'x': threshold -1.000000 for psi must be "
                             "a positive distance"));
  CHECK(CheckCategoricalDrift("c", std::vector<std::string>{"a"},
                              std::vector<std::string>{"b"},
                              DriftTest::kKolmogorovSmirnov)
            .status() ==
        InvalidArgumentError(
            "column 'c' is categorical; ks needs numeric values"));
  CHECK(CheckNumericDrift("x", std::vector<double>{NAN}, std::vector<double>{1})
            .status() ==
        InvalidArgumentError("column 'x': NaN or infinite value"));
}

}  // namespace
}  // namespace governance
