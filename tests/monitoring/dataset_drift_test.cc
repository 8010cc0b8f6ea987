#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "governance/drift.h"

namespace governance {
namespace {

const std::string kData = GOV_SOURCE_DIR "/tests/monitoring/data/";

bool Near(double actual, double expected, double tol = 1e-12) {
  return std::fabs(actual - expected) <= tol * std::fabs(expected);
}

const DriftCheckResult& Column(const DatasetDriftResult& r,
                               const std::string& name) {
  for (const DriftCheckResult& c : r.columns) {
    if (c.column == name) return c;
  }
  FAIL("no column " << name);
  return r.columns.front();
}

TEST_CASE("stable data does not drift") {
  auto r =
      CheckDatasetDrift(kData + "reference.csv", kData + "current_stable.csv");
  REQUIRE(r.ok());
  CHECK(r->columns.size() == 4);
  CHECK(r->drifted_columns == 0);
  CHECK_FALSE(r->drifted);
  CHECK(r->action == RecommendedAction::kMonitor);
  const DriftCheckResult& age = Column(*r, "age");
  CHECK(age.test == DriftTest::kKolmogorovSmirnov);
  // scipy.stats.ks_2samp(age column of reference.csv, of current_stable.csv)
  CHECK(Near(age.statistic, 0.02));
  CHECK(Near(age.p_value.value(), 0.9999999999997793));
  CHECK(Column(*r, "city").test == DriftTest::kChiSquare);
  CHECK_FALSE(Column(*r, "city").numeric);
  CHECK(Column(*r, "member").test == DriftTest::kProportionZ);
}

TEST_CASE("drifted data drifts, with severity and action") {
  auto r =
      CheckDatasetDrift(kData + "reference.csv", kData + "current_drifted.csv");
  REQUIRE(r.ok());
  CHECK(r->drifted_columns == 4);
  CHECK(r->share_drifted == 1.0);
  CHECK(r->drifted);
  CHECK(r->severity == 1.0);
  CHECK(r->action == RecommendedAction::kRevoke);
  // scipy.stats.ks_2samp on the age columns: (0.305, 1.2940880677508261e-08)
  CHECK(Near(Column(*r, "age").statistic, 0.305));
  CHECK(Near(Column(*r, "age").p_value.value(), 1.2940880677508261e-08, 1e-11));
  nlohmann::json j = ToJson(*r);
  CHECK(j["spec"]["drift"]["score"] == 1.0);
  CHECK(j["spec"]["drift"]["drifted"] == true);
  CHECK(j["spec"]["drift"]["action"] == "revoke");
  CHECK(j["spec"]["drift"]["columns"]["age"]["test"] == "ks");
  CHECK(j["spec"]["drift"]["columns"]["city"]["kind"] == "categorical");
}

TEST_CASE("drift share decides the dataset verdict") {
  DriftOptions options;
  auto r = CheckDatasetDrift(kData + "reference.csv",
                             kData + "current_one_drifted.csv", options);
  REQUIRE(r.ok());
  CHECK(r->drifted_columns == 1);
  CHECK(r->share_drifted == 0.25);
  CHECK_FALSE(r->drifted);
  CHECK(r->severity < 0.5);  // the 2nd largest of four column severities
  options.drift_share = 0.25;
  r = CheckDatasetDrift(kData + "reference.csv",
                        kData + "current_one_drifted.csv", options);
  REQUIRE(r.ok());
  CHECK(r->drifted);
  CHECK(r->severity == 1.0);
}

TEST_CASE("per-column tests, thresholds and column selection") {
  DriftOptions options;
  options.columns = {"income", "city"};
  options.tests["income"] = DriftTest::kPsi;
  options.thresholds["city"] = 0.5;
  auto r = CheckDatasetDrift(kData + "reference.csv",
                             kData + "current_stable.csv", options);
  REQUIRE(r.ok());
  REQUIRE(r->columns.size() == 2);
  CHECK(r->columns[0].column == "income");
  CHECK(r->columns[0].test == DriftTest::kPsi);
  CHECK(r->columns[0].threshold == 0.1);
  CHECK(r->columns[1].threshold == 0.5);
}

TEST_CASE("dropped cells are counted") {
  auto r = CheckDatasetDriftText("x\n1\n2\nnan\n\n3\n4\n5\n6\n", "r.csv",
                                 "x\n1\ninf\n2\n3\n4\n5\n6\n", "c.csv");
  REQUIRE(r.ok());
  CHECK(r->columns[0].reference_values == 6);
  CHECK(r->columns[0].reference_dropped ==
        1);  // the blank line is skipped, nan dropped
  CHECK(r->columns[0].current_dropped == 1);
}

TEST_CASE("errors name file, line and column") {
  auto r =
      CheckDatasetDrift(kData + "reference.csv", kData + "missing_column.csv");
  CHECK(
      r.status() ==
      InvalidArgumentError(
          kData + "reference.csv and " + kData +
          "missing_column.csv have different columns; only in " + kData +
          "reference.csv: income, member (choose common ones with --columns)"));
  DriftOptions options;
  options.columns = {"salary"};
  r = CheckDatasetDrift(kData + "reference.csv", kData + "current_stable.csv",
                        options);
  CHECK(r.status() ==
        InvalidArgumentError(kData + "reference.csv: no column 'salary' "
                                     "(columns: age, city, member, income)"));
  options.columns = {};
  options.tests["income"] = DriftTest::kKolmogorovSmirnov;
  r = CheckDatasetDrift(kData + "reference.csv", kData + "bad_number.csv",
                        options);
  CHECK(
      r.status() ==
      InvalidArgumentError(
          kData + "bad_number.csv:2: column 'income': 'abc' is not a number"));
  r = CheckDatasetDrift(kData + "reference.csv", kData + "header_only.csv");
  CHECK(r.status() ==
        InvalidArgumentError(kData + "header_only.csv: no data rows"));
  r = CheckDatasetDriftText("x,y\n1,\n", "r.csv", "x,y\n1,2\n", "c.csv");
  CHECK(r.status() ==
        InvalidArgumentError("r.csv: column 'y' has no values to compare (1 "
                             "empty, 0 NaN or infinite)"));
  options.tests.clear();
  options.tests["nope"] = DriftTest::kPsi;
  r = CheckDatasetDrift(kData + "reference.csv", kData + "current_stable.csv",
                        options);
  CHECK(r.status() ==
        InvalidArgumentError(
            "a test is set for column 'nope', which is not compared"));
  options.tests.clear();
  options.drift_share = 0;
  r = CheckDatasetDrift(kData + "reference.csv", kData + "current_stable.csv",
                        options);
  CHECK(r.status() ==
        InvalidArgumentError("drift share 0.000000 must be in (0, 1]"));
  r = CheckDatasetDrift(kData + "nonexistent.csv",
                        kData + "current_stable.csv");
  CHECK(r.status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace governance
