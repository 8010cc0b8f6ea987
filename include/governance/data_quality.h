// Data-quality gates: expectations about the columns and the shape of a CSV
// dataset, checked before a model is trained, approved or served on it.
//
//   governance::StatusOr<governance::DataQualityRules> rules =
//       governance::LoadDataQualityRules("rules.yaml");
//   if (!rules.ok()) return rules.status();  // "rules.yaml:
//   /data_quality/3/pattern: ..."
//   governance::StatusOr<governance::DataQualityResult> result =
//       governance::CheckDataQuality(*rules, "loans.csv");
//   if (!result.ok()) return result.status();  // unreadable CSV, unknown
//   column manifest["spec"]["data_quality"] =
//   governance::ToJson(*result)["spec"]["data_quality"]; if (!result->passed) {
//   ... }               // some expectation failed
//
// A rules file (YAML or JSON) holds a list of expectations, and optionally
// the cell texts that count as null besides the empty field:
//
//   null_values: [NA]                       # default: only the empty field
//   data_quality:
//     - {column: income, expectation: not_null}
//     - {column: age, expectation: between, min: 18, max: 100}
//     - {column: loan_status, expectation: in_set, values: [0, 1]}
//     - {column: id, expectation: unique}
//     - {column: email, expectation: matches, pattern: '^[^@]+@[^@]+$'}
//     - {column: income, expectation: max_null_fraction, value: 0.05}
//     - {column: age, expectation: type, type: integer}
//     - {expectation: required_columns, columns: [id, age, income]}
//     - {expectation: row_count, min: 100, max: 1000000}
//
// What each expectation checks ("checked" and "failing" in the result):
//   not_null           every row; failing: null cells.
//   max_null_fraction  every row; failing: null cells; passes while
//                      failing / rows <= value (value in [0, 1]).
//   between            non-null cells; failing: cells that are not a finite
//                      number or lie outside [min, max] (bounds inclusive,
//                      either may be left out, not both).
//   in_set             non-null cells; failing: cells equal to no value. A
//                      string value matches the same text; a number matches
//                      a cell that parses to the same number ("1.0" is 1).
//   unique             non-null cells; failing: every cell whose text occurs
//                      more than once (all occurrences, as pandas'
//                      duplicated(keep=False) and Great Expectations count).
//   matches            non-null cells; failing: cells the RE2 pattern does
//                      not match anywhere (partial match, like Python's
//                      re.search and Great Expectations' match_regex:
//                      anchor with ^ and $ to require the whole value).
//   type               non-null cells; failing: cells not of the type.
//                      integer: [+-]?[0-9]+; number: a finite decimal or
//                      exponent number; boolean: true or false in any case;
//                      string: any cell (every CSV field is text).
//   required_columns   the listed columns; failing: those not in the header.
//   row_count          the dataset; failing: 1 when the number of data rows
//                      lies outside [min, max], else 0.
// Null cells are the empty field (and null_values); column expectations other
// than not_null and max_null_fraction skip them, as Great Expectations does.
// Cells are compared as written: no trimming, case-sensitive.
//
// All functions are thread-safe; results are plain values owned by the caller.
#ifndef GOVERNANCE_DATA_QUALITY_H_
#define GOVERNANCE_DATA_QUALITY_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance {

enum class Expectation {
  kNotNull,          // "not_null"
  kBetween,          // "between"
  kInSet,            // "in_set"
  kUnique,           // "unique"
  kMatches,          // "matches"
  kMaxNullFraction,  // "max_null_fraction"
  kType,             // "type"
  kRequiredColumns,  // "required_columns"
  kRowCount,         // "row_count"
};

// The name rules files and results use ("not_null", ...).
std::string_view ExpectationName(Expectation expectation);

enum class CellType {
  kInteger,  // "integer"
  kNumber,   // "number"
  kString,   // "string"
  kBoolean,  // "boolean"
};

std::string_view CellTypeName(CellType type);

// One expectation of a rules file. Only the fields its kind uses are set.
struct DataQualityRule {
  Expectation expectation = Expectation::kNotNull;
  // The column checked; empty for required_columns and row_count.
  std::string column;
  // between: bounds on the value; row_count: bounds on the number of rows.
  std::optional<double> min;
  std::optional<double> max;
  // in_set: the allowed values, each a string or a number.
  std::vector<nlohmann::json> values;
  // matches: an RE2 pattern, checked to compile when the rules are loaded.
  std::string pattern;
  // max_null_fraction: the largest share of null cells allowed.
  double max_null_fraction = 0;
  // type: what each non-null cell must be.
  CellType type = CellType::kString;
  // required_columns: the columns the header must have.
  std::vector<std::string> columns;
};

struct DataQualityRules {
  // Names errors refer to, usually the rules file's path.
  std::string origin;
  // Cell texts that count as null besides the empty field (default none).
  std::vector<std::string> null_values;
  // In the order of the file; never empty once parsed.
  std::vector<DataQualityRule> rules;
};

// Parses rules from a loaded document. InvalidArgument
// "<origin>: <JSON path>: <what is wrong>" (for example
// "rules.yaml: /data_quality/3/pattern: invalid RE2 pattern: missing ): (a")
// for an unknown key or expectation, a missing or mistyped field, min > max,
// a fraction outside [0, 1], an empty list, or a pattern RE2 cannot compile.
StatusOr<DataQualityRules> ParseDataQualityRules(const nlohmann::json& doc,
                                                 std::string_view origin);

// Reads `path` (JSON when it ends in .json, else YAML) and parses it as
// ParseDataQualityRules does, with the path as the origin. NotFound or
// PermissionDenied when the file cannot be read.
StatusOr<DataQualityRules> LoadDataQualityRules(const std::string& path);

// A data row that broke an expectation.
struct DataQualityExample {
  std::size_t row = 0;  // 1-based data row (the header is not counted)
  std::string value;    // the cell as written ("" for a null)
};

struct ExpectationResult {
  DataQualityRule rule;
  bool passed = true;
  std::size_t checked = 0;  // cells, columns or datasets checked (see above)
  std::size_t failing = 0;  // how many of them broke the expectation
  // The first kMaxExamples failing rows, in row order (column expectations).
  std::vector<DataQualityExample> examples;
  // required_columns: the listed columns the header lacks, in rule order.
  std::vector<std::string> missing_columns;
};

inline constexpr std::size_t kMaxExamples = 5;

struct DataQualityResult {
  std::string origin;  // the data checked, usually the CSV path
  std::size_t rows = 0;
  bool passed = true;  // every expectation passed
  std::size_t failed_expectations = 0;
  // Share of expectations that failed, in [0, 1]: what evidence records as
  // the check's severity.
  double severity = 0;
  std::vector<ExpectationResult> expectations;  // in rule order
};

// Checks every rule against the CSV file at `csv_path` (RFC 4180, a header
// row; see src/monitoring/csv.h). A failing expectation is a result, not an
// error. InvalidArgument when the file is not valid CSV, or
// "<rules origin>: /data_quality/<i>/column: <csv>: no column 'x' (columns:
// ...)" when a column rule names a column the data lacks; NotFound when the
// file is missing.
StatusOr<DataQualityResult> CheckDataQuality(const DataQualityRules& rules,
                                             const std::string& csv_path);

// The JSON policies read, to merge into a manifest:
// {"spec": {"data_quality": {"passed", "rows", "data", "failed_expectations",
// "severity", "expectations": [{"expectation", "column" (column rules),
// "passed", "checked", "failing", "examples": [{"row", "value"}],
// "missing_columns" (required_columns), "rows" (row_count), and the rule's
// parameters: "min", "max", "values", "pattern", "value", "type",
// "columns"}]}}}.
nlohmann::json ToJson(const DataQualityResult& result);

}  // namespace governance

#endif  // GOVERNANCE_DATA_QUALITY_H_
