// Checking data-quality expectations, cell by cell, keeping the first
// offending rows as examples.
#include "monitoring/data_quality_check.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <utility>

namespace governance::monitoring {
namespace {

bool IsInteger(std::string_view cell) {
  if (!cell.empty() && (cell.front() == '+' || cell.front() == '-'))
    cell.remove_prefix(1);
  return !cell.empty() && std::all_of(cell.begin(), cell.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

std::optional<double> FiniteNumber(std::string_view cell) {
  std::optional<double> v = ParseNumber(cell);
  if (v && !std::isfinite(*v)) return std::nullopt;
  return v;
}

bool IsBoolean(std::string_view cell) {
  auto equals = [&](std::string_view word) {
    return cell.size() == word.size() &&
           std::equal(cell.begin(), cell.end(), word.begin(),
                      [](char a, char b) { return (a | 0x20) == b; });
  };
  return equals("true") || equals("false");
}

bool HasType(std::string_view cell, CellType type) {
  switch (type) {
    case CellType::kInteger:
      return IsInteger(cell);
    case CellType::kNumber:
      return FiniteNumber(cell).has_value();
    case CellType::kBoolean:
      return IsBoolean(cell);
    case CellType::kString:
      return true;
  }
  return false;
}

bool InSet(std::string_view cell, const std::vector<nlohmann::json>& values) {
  const std::optional<double> number = FiniteNumber(cell);
  return std::any_of(values.begin(), values.end(),
                     [&](const nlohmann::json& v) {
                       if (v.is_string())
                         return v.get_ref<const std::string&>() == cell;
                       return number.has_value() && *number == v.get<double>();
                     });
}

bool Within(double v, const DataQualityRule& rule) {
  return (!rule.min || v >= *rule.min) && (!rule.max || v <= *rule.max);
}

// Walks one column, counting the cells checked and failing and keeping the
// first examples.
class ColumnCheck {
 public:
  ColumnCheck(const DataQualityRules& rules, const CsvTable& table,
              std::size_t column, ExpectationResult& result)
      : rules_(rules), table_(table), column_(column), result_(result) {}

  bool IsNull(std::string_view cell) const {
    return cell.empty() ||
           std::find(rules_.null_values.begin(), rules_.null_values.end(),
                     cell) != rules_.null_values.end();
  }

  // Calls `fails(cell)` on every cell (or only non-null ones).
  template <typename Fails>
  void Each(bool skip_nulls, Fails fails) {
    for (std::size_t r = 0; r < table_.rows.size(); ++r) {
      const std::string& cell = table_.rows[r][column_];
      if (skip_nulls && IsNull(cell)) continue;
      ++result_.checked;
      if (!fails(cell)) continue;
      ++result_.failing;
      if (result_.examples.size() < kMaxExamples)
        result_.examples.push_back({r + 1, cell});
    }
  }

 private:
  const DataQualityRules& rules_;
  const CsvTable& table_;
  std::size_t column_;
  ExpectationResult& result_;
};

void CheckColumn(const DataQualityRules& rules, const CsvTable& table,
                 std::size_t column, ExpectationResult& result) {
  const DataQualityRule& rule = result.rule;
  ColumnCheck check(rules, table, column, result);
  switch (rule.expectation) {
    case Expectation::kNotNull:
    case Expectation::kMaxNullFraction:
      check.Each(false,
                 [&](const std::string& cell) { return check.IsNull(cell); });
      break;
    case Expectation::kBetween:
      check.Each(true, [&](const std::string& cell) {
        std::optional<double> v = FiniteNumber(cell);
        return !v || !Within(*v, rule);
      });
      break;
    case Expectation::kInSet:
      check.Each(true, [&](const std::string& cell) {
        return !InSet(cell, rule.values);
      });
      break;
    case Expectation::kUnique: {
      std::unordered_map<std::string_view, std::size_t> seen;
      for (const auto& row : table.rows) {
        if (!check.IsNull(row[column])) ++seen[row[column]];
      }
      check.Each(true, [&](const std::string& cell) { return seen[cell] > 1; });
      break;
    }
    case Expectation::kMatches: {
      RE2::Options options;
      options.set_log_errors(false);
      const RE2 re(rule.pattern,
                   options);  // compiled when the rules were parsed
      check.Each(true, [&](const std::string& cell) {
        return !RE2::PartialMatch(cell, re);
      });
      break;
    }
    case Expectation::kType:
      check.Each(true, [&](const std::string& cell) {
        return !HasType(cell, rule.type);
      });
      break;
    case Expectation::kRequiredColumns:
    case Expectation::kRowCount:
      break;
  }
  if (rule.expectation == Expectation::kMaxNullFraction) {
    result.passed =
        result.checked == 0 || static_cast<double>(result.failing) /
                                       static_cast<double>(result.checked) <=
                                   rule.max_null_fraction;
  } else {
    result.passed = result.failing == 0;
  }
}

void CheckDataset(const CsvTable& table, ExpectationResult& result) {
  const DataQualityRule& rule = result.rule;
  if (rule.expectation == Expectation::kRowCount) {
    result.checked = 1;
    result.failing =
        Within(static_cast<double>(table.rows.size()), rule) ? 0 : 1;
  } else {
    for (const std::string& name : rule.columns) {
      ++result.checked;
      if (std::find(table.header.begin(), table.header.end(), name) ==
          table.header.end()) {
        ++result.failing;
        result.missing_columns.push_back(name);
      }
    }
  }
  result.passed = result.failing == 0;
}

}  // namespace

StatusOr<DataQualityResult> CheckDataQuality(const DataQualityRules& rules,
                                             const CsvTable& table) {
  // Every column is resolved first, so that a misnamed one fails before any
  // result exists.
  std::vector<std::optional<std::size_t>> columns;
  for (std::size_t i = 0; i < rules.rules.size(); ++i) {
    const DataQualityRule& rule = rules.rules[i];
    if (rule.column.empty()) {
      columns.emplace_back();
      continue;
    }
    StatusOr<std::size_t> column = table.ColumnIndex(rule.column);
    if (!column.ok()) {
      return InvalidArgumentError(rules.origin + ": /data_quality/" +
                                  std::to_string(i) +
                                  "/column: " + column.status().message());
    }
    columns.emplace_back(*column);
  }
  DataQualityResult result;
  result.origin = table.origin;
  result.rows = table.rows.size();
  for (std::size_t i = 0; i < rules.rules.size(); ++i) {
    ExpectationResult e;
    e.rule = rules.rules[i];
    if (columns[i]) {
      CheckColumn(rules, table, *columns[i], e);
    } else {
      CheckDataset(table, e);
    }
    if (!e.passed) ++result.failed_expectations;
    result.expectations.push_back(std::move(e));
  }
  result.passed = result.failed_expectations == 0;
  result.severity = result.expectations.empty()
                        ? 0
                        : static_cast<double>(result.failed_expectations) /
                              static_cast<double>(result.expectations.size());
  return result;
}

}  // namespace governance::monitoring

namespace governance {

StatusOr<DataQualityResult> CheckDataQuality(const DataQualityRules& rules,
                                             const std::string& csv_path) {
  GOV_ASSIGN_OR_RETURN(monitoring::CsvTable table,
                       monitoring::ReadCsvFile(csv_path));
  return monitoring::CheckDataQuality(rules, table);
}

}  // namespace governance
