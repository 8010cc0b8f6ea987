// Reading data-quality rules files: every field checked, every error naming
// the file and the JSON path of the offending value.
#include <re2/re2.h>

#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "core/document.h"
#include "governance/data_quality.h"

namespace governance {
namespace {

struct ExpectationSpec {
  Expectation expectation;
  std::string_view name;
  bool per_column;
  std::set<std::string_view> keys;  // besides "expectation" (and "column")
};

const std::array<ExpectationSpec, 9>& Specs() {
  static const std::array<ExpectationSpec, 9> specs = {{
      {Expectation::kNotNull, "not_null", true, {}},
      {Expectation::kBetween, "between", true, {"min", "max"}},
      {Expectation::kInSet, "in_set", true, {"values"}},
      {Expectation::kUnique, "unique", true, {}},
      {Expectation::kMatches, "matches", true, {"pattern"}},
      {Expectation::kMaxNullFraction, "max_null_fraction", true, {"value"}},
      {Expectation::kType, "type", true, {"type"}},
      {Expectation::kRequiredColumns, "required_columns", false, {"columns"}},
      {Expectation::kRowCount, "row_count", false, {"min", "max"}},
  }};
  return specs;
}

constexpr std::array<std::pair<CellType, std::string_view>, 4> kCellTypes = {{
    {CellType::kInteger, "integer"},
    {CellType::kNumber, "number"},
    {CellType::kString, "string"},
    {CellType::kBoolean, "boolean"},
}};

// Builds errors that name the origin and a JSON path.
class Where {
 public:
  Where(std::string_view origin, std::string path)
      : origin_(origin), path_(std::move(path)) {}
  Where operator/(std::string_view key) const {
    return Where(origin_, path_ + "/" + std::string(key));
  }
  Where operator/(std::size_t index) const {
    return *this / std::to_string(index);
  }
  Status Error(std::string_view what) const {
    return InvalidArgumentError(std::string(origin_) + ": " +
                                (path_.empty() ? "/" : path_) + ": " +
                                std::string(what));
  }

 private:
  std::string_view origin_;
  std::string path_;
};

StatusOr<std::string> NonEmptyString(const nlohmann::json& j,
                                     const Where& where) {
  if (!j.is_string() || j.get_ref<const std::string&>().empty()) {
    return where.Error("expected a non-empty string");
  }
  return j.get<std::string>();
}

StatusOr<std::vector<std::string>> StringList(const nlohmann::json& j,
                                              const Where& where,
                                              bool allow_empty_strings) {
  if (!j.is_array() || j.empty())
    return where.Error("expected a non-empty list of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string() ||
        (!allow_empty_strings && j[i].get_ref<const std::string&>().empty())) {
      return (where / i).Error(allow_empty_strings
                                   ? "expected a string"
                                   : "expected a non-empty string");
    }
    out.push_back(j[i].get<std::string>());
  }
  return out;
}

StatusOr<std::optional<double>> OptionalNumber(const nlohmann::json& rule,
                                               std::string_view key,
                                               const Where& where, bool whole) {
  auto it = rule.find(std::string(key));
  if (it == rule.end()) return std::optional<double>();
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return (where / key).Error("expected a finite number");
  }
  const double v = it->get<double>();
  if (whole && (v < 0 || std::floor(v) != v)) {
    return (where / key).Error("expected a whole number of rows, at least 0");
  }
  return std::optional<double>(v);
}

Status ReadBounds(const nlohmann::json& j, const Where& where, bool whole,
                  DataQualityRule& rule) {
  GOV_ASSIGN_OR_RETURN(rule.min, OptionalNumber(j, "min", where, whole));
  GOV_ASSIGN_OR_RETURN(rule.max, OptionalNumber(j, "max", where, whole));
  if (!rule.min && !rule.max) return where.Error("expected min, max or both");
  if (rule.min && rule.max && *rule.min > *rule.max) {
    return (where / "min").Error("min is greater than max");
  }
  return Status();
}

Status ReadParameters(const nlohmann::json& j, const Where& where,
                      DataQualityRule& rule) {
  switch (rule.expectation) {
    case Expectation::kNotNull:
    case Expectation::kUnique:
      return Status();
    case Expectation::kBetween:
      return ReadBounds(j, where, /*whole=*/false, rule);
    case Expectation::kRowCount:
      return ReadBounds(j, where, /*whole=*/true, rule);
    case Expectation::kInSet: {
      const nlohmann::json* values =
          j.contains("values") ? &j.at("values") : nullptr;
      if (values == nullptr || !values->is_array() || values->empty()) {
        return (where / "values")
            .Error("expected a non-empty list of strings and numbers");
      }
      for (std::size_t i = 0; i < values->size(); ++i) {
        const nlohmann::json& v = (*values)[i];
        if (!v.is_string() &&
            !(v.is_number() && std::isfinite(v.get<double>()))) {
          return (where / "values" / i)
              .Error("expected a string or a finite number");
        }
        rule.values.push_back(v);
      }
      return Status();
    }
    case Expectation::kMatches: {
      if (!j.contains("pattern"))
        return (where / "pattern").Error("expected a non-empty string");
      GOV_ASSIGN_OR_RETURN(rule.pattern,
                           NonEmptyString(j.at("pattern"), where / "pattern"));
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(rule.pattern, options);
      if (!re.ok())
        return (where / "pattern").Error("invalid RE2 pattern: " + re.error());
      return Status();
    }
    case Expectation::kMaxNullFraction: {
      auto it = j.find("value");
      if (it == j.end() || !it->is_number() || !(it->get<double>() >= 0) ||
          !(it->get<double>() <= 1)) {
        return (where / "value").Error("expected a fraction between 0 and 1");
      }
      rule.max_null_fraction = it->get<double>();
      return Status();
    }
    case Expectation::kType: {
      auto it = j.find("type");
      for (const auto& [type, name] : kCellTypes) {
        if (it != j.end() && it->is_string() &&
            it->get_ref<const std::string&>() == name) {
          rule.type = type;
          return Status();
        }
      }
      return (where / "type")
          .Error("expected integer, number, string or boolean");
    }
    case Expectation::kRequiredColumns: {
      if (!j.contains("columns")) {
        return (where / "columns")
            .Error("expected a non-empty list of strings");
      }
      GOV_ASSIGN_OR_RETURN(
          rule.columns, StringList(j.at("columns"), where / "columns", false));
      return Status();
    }
  }
  return where.Error("unknown expectation");
}

StatusOr<DataQualityRule> ParseRule(const nlohmann::json& j,
                                    const Where& where) {
  if (!j.is_object())
    return where.Error("expected a mapping with an expectation");
  if (!j.contains("expectation"))
    return (where / "expectation").Error("missing");
  GOV_ASSIGN_OR_RETURN(std::string name, NonEmptyString(j.at("expectation"),
                                                        where / "expectation"));
  const ExpectationSpec* spec = nullptr;
  for (const ExpectationSpec& s : Specs()) {
    if (s.name == name) spec = &s;
  }
  if (spec == nullptr) {
    return (where / "expectation")
        .Error("unknown expectation '" + name +
               "' (expected not_null, between, in_set, unique, matches, "
               "max_null_fraction, type, "
               "required_columns or row_count)");
  }
  DataQualityRule rule;
  rule.expectation = spec->expectation;
  for (const auto& [key, value] : j.items()) {
    const bool known = key == "expectation" ||
                       (spec->per_column && key == "column") ||
                       spec->keys.count(key) > 0;
    if (!known) {
      return (where / key).Error("unknown key for expectation " + name);
    }
  }
  if (spec->per_column) {
    if (!j.contains("column")) return (where / "column").Error("missing");
    GOV_ASSIGN_OR_RETURN(rule.column,
                         NonEmptyString(j.at("column"), where / "column"));
  }
  GOV_RETURN_IF_ERROR(ReadParameters(j, where, rule));
  return rule;
}

}  // namespace

std::string_view ExpectationName(Expectation expectation) {
  for (const ExpectationSpec& s : Specs()) {
    if (s.expectation == expectation) return s.name;
  }
  return "unknown";
}

std::string_view CellTypeName(CellType type) {
  for (const auto& [t, name] : kCellTypes) {
    if (t == type) return name;
  }
  return "unknown";
}

StatusOr<DataQualityRules> ParseDataQualityRules(const nlohmann::json& doc,
                                                 std::string_view origin) {
  const Where root(origin, "");
  if (!doc.is_object())
    return root.Error("expected a mapping with data_quality");
  for (const auto& [key, value] : doc.items()) {
    if (key != "data_quality" && key != "null_values") {
      return (root / key)
          .Error("unknown key (expected data_quality, null_values)");
    }
  }
  DataQualityRules rules;
  rules.origin = std::string(origin);
  if (doc.contains("null_values")) {
    GOV_ASSIGN_OR_RETURN(
        rules.null_values,
        StringList(doc.at("null_values"), root / "null_values", true));
  }
  const Where list = root / "data_quality";
  if (!doc.contains("data_quality")) return list.Error("missing");
  const nlohmann::json& items = doc.at("data_quality");
  if (!items.is_array() || items.empty())
    return list.Error("expected a non-empty list");
  for (std::size_t i = 0; i < items.size(); ++i) {
    GOV_ASSIGN_OR_RETURN(DataQualityRule rule, ParseRule(items[i], list / i));
    rules.rules.push_back(std::move(rule));
  }
  return rules;
}

StatusOr<DataQualityRules> LoadDataQualityRules(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json doc, LoadDocument(path));
  return ParseDataQualityRules(doc, path);
}

}  // namespace governance
