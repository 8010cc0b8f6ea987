// The JSON form of a data-quality result, shaped as the manifest section
// policies read (spec.data_quality).
#include "governance/data_quality.h"

namespace governance {
namespace {

// The rule's own parameters, so that a policy sees what was asked for.
void AddParameters(const DataQualityRule& rule, nlohmann::json& j) {
  if (!rule.column.empty()) j["column"] = rule.column;
  switch (rule.expectation) {
    case Expectation::kBetween:
    case Expectation::kRowCount:
      if (rule.min) j["min"] = *rule.min;
      if (rule.max) j["max"] = *rule.max;
      break;
    case Expectation::kInSet:
      j["values"] = rule.values;
      break;
    case Expectation::kMatches:
      j["pattern"] = rule.pattern;
      break;
    case Expectation::kMaxNullFraction:
      j["value"] = rule.max_null_fraction;
      break;
    case Expectation::kType:
      j["type"] = CellTypeName(rule.type);
      break;
    case Expectation::kRequiredColumns:
      j["columns"] = rule.columns;
      break;
    case Expectation::kNotNull:
    case Expectation::kUnique:
      break;
  }
}

}  // namespace

nlohmann::json ToJson(const DataQualityResult& result) {
  nlohmann::json expectations = nlohmann::json::array();
  for (const ExpectationResult& e : result.expectations) {
    nlohmann::json j = {{"expectation", ExpectationName(e.rule.expectation)},
                        {"passed", e.passed},
                        {"checked", e.checked},
                        {"failing", e.failing}};
    nlohmann::json examples = nlohmann::json::array();
    for (const DataQualityExample& x : e.examples) {
      examples.push_back({{"row", x.row}, {"value", x.value}});
    }
    j["examples"] = std::move(examples);
    if (e.rule.expectation == Expectation::kRequiredColumns) {
      j["missing_columns"] = e.missing_columns;
    }
    if (e.rule.expectation == Expectation::kRowCount) j["rows"] = result.rows;
    AddParameters(e.rule, j);
    expectations.push_back(std::move(j));
  }
  nlohmann::json quality = {{"passed", result.passed},
                            {"rows", result.rows},
                            {"data", result.origin},
                            {"failed_expectations", result.failed_expectations},
                            {"severity", result.severity},
                            {"expectations", std::move(expectations)}};
  return {{"spec", {{"data_quality", std::move(quality)}}}};
}

}  // namespace governance
