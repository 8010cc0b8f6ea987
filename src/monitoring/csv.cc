#include "monitoring/csv.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>
#include <system_error>
#include <utility>

#include "core/file.h"

namespace governance::monitoring {
namespace {

// Shortens a cell for an error message.
std::string Excerpt(std::string_view cell) {
  constexpr std::size_t kMax = 40;
  if (cell.size() <= kMax) return std::string(cell);
  return std::string(cell.substr(0, kMax)) + "...";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view origin)
      : text_(text), origin_(origin) {}

  // Reads the next record into `fields`; false at end of input.
  StatusOr<bool> NextRecord(std::vector<std::string>& fields,
                            std::size_t& start_line) {
    fields.clear();
    // Skip blank lines.
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r'))
      Newline();
    if (pos_ >= text_.size()) return false;
    start_line = line_;
    std::string field;
    while (true) {
      field.clear();
      if (pos_ < text_.size() && text_[pos_] == '"') {
        const std::size_t quote_line = line_;
        ++pos_;
        while (true) {
          if (pos_ >= text_.size()) {
            return InvalidArgumentError(origin_ + ":" +
                                        std::to_string(quote_line) +
                                        ": unterminated quoted field");
          }
          char c = text_[pos_];
          if (c == '"') {
            if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
              field.push_back('"');
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          if (c == '\n') {
            ++line_;
          }
          field.push_back(c);
          ++pos_;
        }
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
            text_[pos_] != '\r') {
          return InvalidArgumentError(
              origin_ + ":" + std::to_string(line_) +
              ": unexpected text after closing quote in field " +
              std::to_string(fields.size() + 1));
        }
      } else {
        while (pos_ < text_.size() && text_[pos_] != ',' &&
               text_[pos_] != '\n' && text_[pos_] != '\r') {
          if (text_[pos_] == '"') {
            return InvalidArgumentError(origin_ + ":" + std::to_string(line_) +
                                        ": quote inside unquoted field " +
                                        std::to_string(fields.size() + 1));
          }
          field.push_back(text_[pos_++]);
        }
      }
      fields.push_back(field);
      if (pos_ >= text_.size()) return true;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      Newline();
      return true;
    }
  }

  const std::string& origin() const { return origin_; }

 private:
  // Consumes one LF, CRLF or lone CR.
  void Newline() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() &&
        text_[pos_ + 1] == '\n')
      ++pos_;
    ++pos_;
    ++line_;
  }

  std::string_view text_;
  std::string origin_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

StatusOr<std::size_t> CsvTable::ColumnIndex(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  std::string known;
  for (const std::string& h : header) known += (known.empty() ? "" : ", ") + h;
  return InvalidArgumentError(origin + ": no column '" + std::string(name) +
                              "' (columns: " + known + ")");
}

StatusOr<CsvTable> ParseCsv(std::string_view text, std::string_view origin) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable table;
  table.origin = std::string(origin);
  Parser parser(text, origin);
  std::size_t line = 0;
  GOV_ASSIGN_OR_RETURN(bool has_header, parser.NextRecord(table.header, line));
  if (!has_header)
    return InvalidArgumentError(table.origin +
                                ": empty file, expected a header row");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    if (name.empty()) {
      return InvalidArgumentError(table.origin + ":" + std::to_string(line) +
                                  ": header field " + std::to_string(i + 1) +
                                  " is empty");
    }
    if (!seen.insert(name).second) {
      return InvalidArgumentError(table.origin + ":" + std::to_string(line) +
                                  ": duplicate column '" + Excerpt(name) + "'");
    }
  }
  std::vector<std::string> fields;
  while (true) {
    GOV_ASSIGN_OR_RETURN(bool more, parser.NextRecord(fields, line));
    if (!more) break;
    if (fields.size() != table.header.size()) {
      return InvalidArgumentError(
          table.origin + ":" + std::to_string(line) + ": expected " +
          std::to_string(table.header.size()) + " fields, found " +
          std::to_string(fields.size()));
    }
    table.rows.push_back(std::move(fields));
    table.lines.push_back(line);
    fields = {};
  }
  return table;
}

StatusOr<CsvTable> ReadCsvFile(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseCsv(text, path);
}

std::optional<double> ParseNumber(std::string_view cell) {
  cell = Trim(cell);
  if (cell.empty()) return std::nullopt;
  bool negative = false;
  if (cell.front() == '+' || cell.front() == '-') {
    negative = cell.front() == '-';
    cell.remove_prefix(1);
    if (cell.empty() || cell.front() == '+' || cell.front() == '-')
      return std::nullopt;
  }
  double value = 0;
  auto [end, ec] =
      std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (end != cell.data() + cell.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow becomes infinity and underflow zero (or a denormal), as strtod
    // does.
    value = std::strtod(std::string(cell).c_str(), nullptr);
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

ColumnKind InferColumnKind(const CsvTable& table, std::size_t column) {
  bool any = false;
  for (const auto& row : table.rows) {
    const std::string& cell = row[column];
    if (Trim(cell).empty()) continue;
    if (!ParseNumber(cell).has_value()) return ColumnKind::kCategorical;
    any = true;
  }
  return any ? ColumnKind::kNumeric : ColumnKind::kCategorical;
}

StatusOr<NumericColumn> NumericValues(const CsvTable& table,
                                      std::size_t column) {
  NumericColumn out;
  out.values.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& cell = table.rows[r][column];
    if (Trim(cell).empty()) {
      ++out.empty;
      continue;
    }
    std::optional<double> v = ParseNumber(cell);
    if (!v.has_value()) {
      return InvalidArgumentError(
          table.origin + ":" + std::to_string(table.lines[r]) + ": column '" +
          table.header[column] + "': '" + Excerpt(cell) + "' is not a number");
    }
    if (!std::isfinite(*v)) {
      ++out.non_finite;
      continue;
    }
    out.values.push_back(*v);
  }
  return out;
}

CategoricalColumn CategoricalValues(const CsvTable& table, std::size_t column) {
  CategoricalColumn out;
  out.values.reserve(table.rows.size());
  for (const auto& row : table.rows) {
    const std::string& cell = row[column];
    if (Trim(cell).empty()) {
      ++out.empty;
    } else {
      out.values.push_back(cell);
    }
  }
  return out;
}

}  // namespace governance::monitoring
