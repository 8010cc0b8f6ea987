#include "governance/data_quality.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "core/document.h"
#include "monitoring/data_quality_check.h"
#include "test_util.h"

namespace governance {
namespace {

// Five rows with a duplicate id, an empty income, an "NA", out-of-range and
// non-numeric ages, a status outside the set and an address without '@'.
constexpr const char* kData =
    "id,age,income,loan_status,email,flag\n"
    "1,25,50000,0,a@x.com,true\n"
    "2,17,,1,bob,false\n"
    "3,40,60000,2,c@y.org,TRUE\n"
    "3,abc,NA,1.0,,yes\n"
    "5,101,70000,0,e@z.net,\n";

StatusOr<DataQualityRules> Rules(const std::string& yaml) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json doc, ParseYaml(yaml, "r.yaml"));
  return ParseDataQualityRules(doc, "r.yaml");
}

// Checks one rule (YAML flow mapping) against kData.
ExpectationResult CheckOne(const std::string& rule,
                           const std::string& extra = "") {
  StatusOr<DataQualityRules> rules =
      Rules(extra + "data_quality:\n  - " + rule + "\n");
  REQUIRE_MESSAGE(rules.ok(), rules.status().message());
  StatusOr<monitoring::CsvTable> table = monitoring::ParseCsv(kData, "d.csv");
  REQUIRE(table.ok());
  StatusOr<DataQualityResult> result =
      monitoring::CheckDataQuality(*rules, *table);
  REQUIRE_MESSAGE(result.ok(), result.status().message());
  REQUIRE(result->expectations.size() == 1);
  CHECK(result->passed == result->expectations[0].passed);
  return result->expectations[0];
}

using Examples = std::vector<std::pair<std::size_t, std::string>>;

Examples ExamplesOf(const ExpectationResult& e) {
  Examples out;
  for (const DataQualityExample& x : e.examples)
    out.emplace_back(x.row, x.value);
  return out;
}

TEST_CASE(
    "not_null and max_null_fraction count empty fields, and null_values") {
  ExpectationResult e = CheckOne("{column: income, expectation: not_null}");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 5);
  CHECK(e.failing == 1);
  CHECK(ExamplesOf(e) == Examples{{2, ""}});
  CHECK(CheckOne("{column: id, expectation: not_null}").passed);

  e = CheckOne("{column: income, expectation: not_null}",
               "null_values: [NA]\n");
  CHECK(e.failing == 2);
  CHECK(ExamplesOf(e) == Examples{{2, ""}, {4, "NA"}});

  e = CheckOne("{column: income, expectation: max_null_fraction, value: 0.2}");
  CHECK(e.passed);  // 1 of 5 is exactly the bound
  CHECK(e.failing == 1);
  e = CheckOne("{column: income, expectation: max_null_fraction, value: 0.2}",
               "null_values: [NA]\n");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 5);
  CHECK(e.failing == 2);
}

TEST_CASE("between skips nulls; non-numbers and out-of-range values fail") {
  ExpectationResult e =
      CheckOne("{column: age, expectation: between, min: 18, max: 100}");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 5);
  CHECK(e.failing == 3);
  CHECK(ExamplesOf(e) == Examples{{2, "17"}, {4, "abc"}, {5, "101"}});
  // Bounds are inclusive and either may be left out.
  e = CheckOne("{column: income, expectation: between, min: 50000}",
               "null_values: [NA]\n");
  CHECK(e.passed);
  CHECK(e.checked == 3);
  e = CheckOne("{column: income, expectation: between, max: 60000}",
               "null_values: [NA]\n");
  CHECK(e.failing == 1);
  CHECK(ExamplesOf(e) == Examples{{5, "70000"}});
}

TEST_CASE("in_set compares strings as text and numbers as numbers") {
  ExpectationResult e =
      CheckOne("{column: loan_status, expectation: in_set, values: [0, 1]}");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 5);
  CHECK(e.failing == 1);  // "1.0" is 1
  CHECK(ExamplesOf(e) == Examples{{3, "2"}});
  e = CheckOne(
      "{column: loan_status, expectation: in_set, values: ['0', '1']}");
  CHECK(e.failing == 2);
  CHECK(ExamplesOf(e) == Examples{{3, "2"}, {4, "1.0"}});
  e = CheckOne(
      "{column: flag, expectation: in_set, values: ['true', 'false', 'TRUE']}");
  CHECK(e.checked == 4);
  CHECK(ExamplesOf(e) == Examples{{4, "yes"}});
}

TEST_CASE("unique counts every occurrence of a repeated value") {
  ExpectationResult e = CheckOne("{column: id, expectation: unique}");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 5);
  CHECK(e.failing == 2);
  CHECK(ExamplesOf(e) == Examples{{3, "3"}, {4, "3"}});
  CHECK(CheckOne("{column: email, expectation: unique}")
            .passed);  // nulls are skipped
}

TEST_CASE("matches is a partial match: anchors require the whole value") {
  ExpectationResult e = CheckOne(
      "{column: email, expectation: matches, pattern: '^[^@]+@[^@]+$'}");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 4);
  CHECK(e.failing == 1);
  CHECK(ExamplesOf(e) == Examples{{2, "bob"}});
  e = CheckOne("{column: email, expectation: matches, pattern: 'x'}");
  CHECK(e.failing == 3);  // "a@x.com" matches somewhere
  e = CheckOne("{column: email, expectation: matches, pattern: '^x$'}");
  CHECK(e.failing == 4);
}

TEST_CASE("type checks integer, number, boolean and string cells") {
  ExpectationResult e =
      CheckOne("{column: age, expectation: type, type: integer}");
  CHECK(e.failing == 1);
  CHECK(ExamplesOf(e) == Examples{{4, "abc"}});
  e = CheckOne("{column: loan_status, expectation: type, type: integer}");
  CHECK(ExamplesOf(e) == Examples{{4, "1.0"}});
  CHECK(CheckOne("{column: loan_status, expectation: type, type: number}")
            .passed);
  e = CheckOne("{column: income, expectation: type, type: number}");
  CHECK(e.checked == 4);
  CHECK(ExamplesOf(e) == Examples{{4, "NA"}});
  e = CheckOne("{column: flag, expectation: type, type: boolean}");
  CHECK(e.checked == 4);
  CHECK(ExamplesOf(e) == Examples{{4, "yes"}});
  e = CheckOne("{column: email, expectation: type, type: string}");
  CHECK(e.passed);
  CHECK(e.checked == 4);
}

TEST_CASE("required_columns and row_count check the dataset") {
  ExpectationResult e = CheckOne(
      "{expectation: required_columns, columns: [id, zip, age, city]}");
  CHECK_FALSE(e.passed);
  CHECK(e.checked == 4);
  CHECK(e.failing == 2);
  CHECK(e.missing_columns == std::vector<std::string>{"zip", "city"});
  CHECK(CheckOne("{expectation: required_columns, columns: [id, age]}").passed);
  e = CheckOne("{expectation: row_count, min: 1, max: 5}");
  CHECK(e.passed);
  CHECK(e.checked == 1);
  CHECK(e.failing == 0);
  e = CheckOne("{expectation: row_count, min: 6}");
  CHECK_FALSE(e.passed);
  CHECK(e.failing == 1);
}

TEST_CASE("examples stop at five; the result and its JSON add up") {
  std::string csv = "v\n";
  for (int i = 1; i <= 8; ++i) csv += "x" + std::to_string(i) + "\n";
  StatusOr<monitoring::CsvTable> table = monitoring::ParseCsv(csv, "d.csv");
  REQUIRE(table.ok());
  StatusOr<DataQualityRules> rules = Rules(
      "data_quality:\n"
      "  - {column: v, expectation: type, type: integer}\n"
      "  - {column: v, expectation: not_null}\n"
      "  - {expectation: row_count, max: 7}\n");
  REQUIRE(rules.ok());
  StatusOr<DataQualityResult> r = monitoring::CheckDataQuality(*rules, *table);
  REQUIRE(r.ok());
  CHECK(r->expectations[0].failing == 8);
  CHECK(ExamplesOf(r->expectations[0]) ==
        Examples{{1, "x1"}, {2, "x2"}, {3, "x3"}, {4, "x4"}, {5, "x5"}});
  CHECK_FALSE(r->passed);
  CHECK(r->failed_expectations == 2);
  CHECK(r->severity == doctest::Approx(2.0 / 3));
  const nlohmann::json j = ToJson(*r)["spec"]["data_quality"];
  CHECK(j["passed"] == false);
  CHECK(j["rows"] == 8);
  CHECK(j["data"] == "d.csv");
  CHECK(j["failed_expectations"] == 2);
  CHECK(j["expectations"][0] == nlohmann::json::parse(R"({
      "expectation": "type", "column": "v", "type": "integer", "passed": false,
      "checked": 8, "failing": 8,
      "examples": [{"row": 1, "value": "x1"}, {"row": 2, "value": "x2"},
                   {"row": 3, "value": "x3"}, {"row": 4, "value": "x4"},
                   {"row": 5, "value": "x5"}]})"));
  CHECK(j["expectations"][2] == nlohmann::json::parse(R"({
      "expectation": "row_count", "max": 7.0, "rows": 8, "passed": false,
      "checked": 1, "failing": 1, "examples": []})"));
}

TEST_CASE("a dataset without rows is checked, not refused") {
  StatusOr<monitoring::CsvTable> table = monitoring::ParseCsv("v\n", "d.csv");
  REQUIRE(table.ok());
  StatusOr<DataQualityRules> rules = Rules(
      "data_quality:\n"
      "  - {column: v, expectation: max_null_fraction, value: 0}\n"
      "  - {column: v, expectation: not_null}\n"
      "  - {expectation: row_count, min: 1}\n");
  REQUIRE(rules.ok());
  StatusOr<DataQualityResult> r = monitoring::CheckDataQuality(*rules, *table);
  REQUIRE(r.ok());
  CHECK(r->rows == 0);
  CHECK(r->expectations[0].passed);
  CHECK(r->expectations[0].checked == 0);
  CHECK(r->expectations[1].passed);
  CHECK_FALSE(r->expectations[2].passed);
  CHECK(r->failed_expectations == 1);
}

TEST_CASE(
    "a rule naming a column the data lacks is an error naming both files") {
  StatusOr<DataQualityRules> rules = Rules(
      "data_quality:\n  - {column: id, expectation: unique}\n"
      "  - {column: salary, expectation: not_null}\n");
  REQUIRE(rules.ok());
  StatusOr<monitoring::CsvTable> table = monitoring::ParseCsv(kData, "d.csv");
  REQUIRE(table.ok());
  CHECK(monitoring::CheckDataQuality(*rules, *table).status() ==
        InvalidArgumentError(
            "r.yaml: /data_quality/1/column: d.csv: no column 'salary' "
            "(columns: id, age, income, loan_status, email, flag)"));
}

TEST_CASE("CheckDataQuality reads the file, LoadDataQualityRules the rules") {
  testing::TempDir dir;
  const std::string csv = dir.path() + "/d.csv";
  const std::string yaml = dir.path() + "/r.yaml";
  std::ofstream(csv) << kData;
  std::ofstream(yaml)
      << "data_quality:\n  - {column: id, expectation: unique}\n";
  StatusOr<DataQualityRules> rules = LoadDataQualityRules(yaml);
  REQUIRE(rules.ok());
  CHECK(rules->origin == yaml);
  StatusOr<DataQualityResult> r = CheckDataQuality(*rules, csv);
  REQUIRE(r.ok());
  CHECK(r->origin == csv);
  CHECK(r->expectations[0].failing == 2);
  CHECK(CheckDataQuality(*rules, dir.path() + "/none.csv").status().code() ==
        StatusCode::kNotFound);
  CHECK(LoadDataQualityRules(dir.path() + "/none.yaml").status().code() ==
        StatusCode::kNotFound);
}

TEST_CASE("every rules-file error names the file and the JSON path") {
  auto error = [](const std::string& yaml) { return Rules(yaml).status(); };
  auto one = [&](const std::string& rule) {
    return error("data_quality:\n  - " + rule + "\n");
  };
  auto bad = [](const std::string& message) {
    return InvalidArgumentError("r.yaml: " + message);
  };
  CHECK(error("[1]") == bad("/: expected a mapping with data_quality"));
  CHECK(error("rules: []") ==
        bad("/rules: unknown key (expected data_quality, null_values)"));
  CHECK(error("null_values: [NA]") == bad("/data_quality: missing"));
  CHECK(error("data_quality: []") ==
        bad("/data_quality: expected a non-empty list"));
  CHECK(error("data_quality: {column: a}") ==
        bad("/data_quality: expected a non-empty list"));
  CHECK(error("null_values: NA\ndata_quality: [{expectation: unique, column: "
              "a}]") ==
        bad("/null_values: expected a non-empty list of strings"));
  CHECK(error("null_values: [1]\ndata_quality: [{expectation: unique, column: "
              "a}]") == bad("/null_values/0: expected a string"));
  CHECK(error("data_quality:\n  - {column: a, expectation: unique}\n  - "
              "unique\n") ==
        bad("/data_quality/1: expected a mapping with an expectation"));
  CHECK(one("{column: a}") == bad("/data_quality/0/expectation: missing"));
  CHECK(one("{column: a, expectation: 3}") ==
        bad("/data_quality/0/expectation: expected a non-empty string"));
  CHECK(one("{column: a, expectation: positive}") ==
        bad("/data_quality/0/expectation: unknown expectation 'positive' "
            "(expected not_null, "
            "between, in_set, unique, matches, max_null_fraction, type, "
            "required_columns or "
            "row_count)"));
  CHECK(one("{column: a, expectation: not_null, pattern: x}") ==
        bad("/data_quality/0/pattern: unknown key for expectation not_null"));
  CHECK(one("{column: a, expectation: row_count, min: 1}") ==
        bad("/data_quality/0/column: unknown key for expectation row_count"));
  CHECK(one("{expectation: unique}") == bad("/data_quality/0/column: missing"));
  CHECK(one("{column: [a], expectation: unique}") ==
        bad("/data_quality/0/column: expected a non-empty string"));
  CHECK(one("{column: a, expectation: between}") ==
        bad("/data_quality/0: expected min, max or both"));
  CHECK(one("{column: a, expectation: between, min: 5, max: 1}") ==
        bad("/data_quality/0/min: min is greater than max"));
  CHECK(one("{column: a, expectation: between, max: '5'}") ==
        bad("/data_quality/0/max: expected a finite number"));
  CHECK(one("{column: a, expectation: between, max: .inf}") ==
        bad("/data_quality/0/max: expected a finite number"));
  CHECK(
      one("{expectation: row_count, min: 1.5}") ==
      bad("/data_quality/0/min: expected a whole number of rows, at least 0"));
  CHECK(one("{expectation: row_count, min: 10, max: 5}") ==
        bad("/data_quality/0/min: min is greater than max"));
  CHECK(one("{column: a, expectation: in_set}") ==
        bad("/data_quality/0/values: expected a non-empty list of strings and "
            "numbers"));
  CHECK(one("{column: a, expectation: in_set, values: []}") ==
        bad("/data_quality/0/values: expected a non-empty list of strings and "
            "numbers"));
  CHECK(one("{column: a, expectation: in_set, values: [1, [2]]}") ==
        bad("/data_quality/0/values/1: expected a string or a finite number"));
  CHECK(one("{column: a, expectation: in_set, values: [true]}") ==
        bad("/data_quality/0/values/0: expected a string or a finite number"));
  CHECK(one("{column: a, expectation: matches}") ==
        bad("/data_quality/0/pattern: expected a non-empty string"));
  CHECK(one("{column: a, expectation: matches, pattern: '(a'}") ==
        bad("/data_quality/0/pattern: invalid RE2 pattern: missing ): (a"));
  CHECK(one("{column: a, expectation: max_null_fraction, value: 1.5}") ==
        bad("/data_quality/0/value: expected a fraction between 0 and 1"));
  CHECK(one("{column: a, expectation: max_null_fraction}") ==
        bad("/data_quality/0/value: expected a fraction between 0 and 1"));
  CHECK(
      one("{column: a, expectation: type, type: float}") ==
      bad("/data_quality/0/type: expected integer, number, string or boolean"));
  CHECK(one("{expectation: required_columns, columns: a}") ==
        bad("/data_quality/0/columns: expected a non-empty list of strings"));
  CHECK(one("{expectation: required_columns, columns: [a, '']}") ==
        bad("/data_quality/0/columns/1: expected a non-empty string"));
}

}  // namespace
}  // namespace governance
