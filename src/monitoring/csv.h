// Reading the CSV files that drift and fairness checks take as input.
//
//   StatusOr<CsvTable> table = ReadCsvFile("reference.csv");
//   if (!table.ok()) return table.status();  // "reference.csv:7: expected 3
//   fields, found 2" StatusOr<std::size_t> age = table->ColumnIndex("age");
//   StatusOr<NumericColumn> values = NumericValues(*table, *age);
//
// The format is RFC 4180: a header row, comma separators, fields optionally
// quoted with '"' (a doubled quote inside is one quote; quoted fields may hold
// commas and line breaks), LF or CRLF line ends. A UTF-8 byte order mark is
// skipped and blank lines are ignored. Every error names the origin and the
// 1-based line, and a column when one is involved.
#ifndef GOVERNANCE_SRC_MONITORING_CSV_H_
#define GOVERNANCE_SRC_MONITORING_CSV_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance::monitoring {

struct CsvTable {
  // Names errors refer to, usually the file path.
  std::string origin;
  // Column names, unique and non-empty.
  std::vector<std::string> header;
  // Data rows; each holds exactly header.size() fields.
  std::vector<std::vector<std::string>> rows;
  // lines[i] is the line on which rows[i] starts.
  std::vector<std::size_t> lines;

  // The position of column `name` in `header`. InvalidArgument
  // "<origin>: no column 'x' (columns: a, b, c)" when there is none.
  StatusOr<std::size_t> ColumnIndex(std::string_view name) const;
};

// Parses CSV text. InvalidArgument on a missing or malformed header, an
// unterminated quoted field, text after a closing quote, or a row whose field
// count differs from the header's.
StatusOr<CsvTable> ParseCsv(std::string_view text, std::string_view origin);

// Reads and parses the file at `path` (its path is the origin).
StatusOr<CsvTable> ReadCsvFile(const std::string& path);

// A cell parsed as a number: decimal or exponent notation with optional sign
// and surrounding spaces, or nan / inf / infinity in any case. nullopt when
// the cell is not a number.
std::optional<double> ParseNumber(std::string_view cell);

enum class ColumnKind {
  kNumeric,      // every non-empty cell is a number
  kCategorical,  // anything else, including a column of only empty cells
};

// Infers the kind of column `column` from its non-empty cells.
ColumnKind InferColumnKind(const CsvTable& table, std::size_t column);

// The finite numbers of a column, and what was left out.
struct NumericColumn {
  std::vector<double> values;
  std::size_t empty = 0;       // empty cells
  std::size_t non_finite = 0;  // NaN, inf, -inf
};

// Collects the finite numbers of column `column`. InvalidArgument
// "<origin>:<line>: column '<name>': '<cell>' is not a number" on the first
// cell that is neither empty nor a number.
StatusOr<NumericColumn> NumericValues(const CsvTable& table,
                                      std::size_t column);

// The non-empty cells of column `column`, and how many were empty.
struct CategoricalColumn {
  std::vector<std::string> values;
  std::size_t empty = 0;
};
CategoricalColumn CategoricalValues(const CsvTable& table, std::size_t column);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_CSV_H_
