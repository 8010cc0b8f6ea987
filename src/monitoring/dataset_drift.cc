// Dataset drift: every column of two CSV files, and the share that drifted.
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "governance/drift.h"
#include "monitoring/csv.h"

namespace governance {
namespace {

using monitoring::CsvTable;

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Status ValidateOptions(const DriftOptions& options) {
  if (!(options.drift_share > 0 && options.drift_share <= 1)) {
    return InvalidArgumentError("drift share " +
                                std::to_string(options.drift_share) +
                                " must be in (0, 1]");
  }
  if (!(options.revoke_severity > 0 && options.revoke_severity <= 1)) {
    return InvalidArgumentError("revoke severity " +
                                std::to_string(options.revoke_severity) +
                                " must be in (0, 1]");
  }
  return Status::Ok();
}

// The columns to compare, in reference order.
StatusOr<std::vector<std::string>> SelectColumns(const CsvTable& reference,
                                                 const CsvTable& current,
                                                 const DriftOptions& options) {
  if (!options.columns.empty()) {
    std::set<std::string> seen;
    for (const std::string& name : options.columns) {
      GOV_RETURN_IF_ERROR(reference.ColumnIndex(name).status());
      GOV_RETURN_IF_ERROR(current.ColumnIndex(name).status());
      if (!seen.insert(name).second) {
        return InvalidArgumentError("column '" + name + "' is listed twice");
      }
    }
    return options.columns;
  }
  std::set<std::string> ref(reference.header.begin(), reference.header.end());
  std::set<std::string> cur(current.header.begin(), current.header.end());
  if (ref != cur) {
    std::vector<std::string> only_ref, only_cur;
    std::set_difference(ref.begin(), ref.end(), cur.begin(), cur.end(),
                        std::back_inserter(only_ref));
    std::set_difference(cur.begin(), cur.end(), ref.begin(), ref.end(),
                        std::back_inserter(only_cur));
    std::string message =
        reference.origin + " and " + current.origin + " have different columns";
    if (!only_ref.empty())
      message += "; only in " + reference.origin + ": " + JoinNames(only_ref);
    if (!only_cur.empty())
      message += "; only in " + current.origin + ": " + JoinNames(only_cur);
    return InvalidArgumentError(message +
                                " (choose common ones with --columns)");
  }
  return reference.header;
}

Status CheckPerColumnOptions(const DriftOptions& options,
                             const std::vector<std::string>& columns) {
  auto known = [&](const std::string& name) {
    return std::find(columns.begin(), columns.end(), name) != columns.end();
  };
  for (const auto& [name, test] : options.tests) {
    if (!known(name))
      return InvalidArgumentError("a test is set for column '" + name +
                                  "', which is not compared");
  }
  for (const auto& [name, threshold] : options.thresholds) {
    if (!known(name))
      return InvalidArgumentError("a threshold is set for column '" + name +
                                  "', which is not compared");
  }
  return Status::Ok();
}

std::string NoValues(const CsvTable& table, const std::string& column,
                     std::size_t empty, std::size_t non_finite) {
  return table.origin + ": column '" + column + "' has no values to compare (" +
         std::to_string(empty) + " empty, " + std::to_string(non_finite) +
         " NaN or infinite)";
}

StatusOr<DriftCheckResult> CheckColumn(const CsvTable& reference,
                                       const CsvTable& current,
                                       const std::string& name,
                                       const DriftOptions& options) {
  GOV_ASSIGN_OR_RETURN(std::size_t ref_col, reference.ColumnIndex(name));
  GOV_ASSIGN_OR_RETURN(std::size_t cur_col, current.ColumnIndex(name));
  DriftTest test = DriftTest::kAuto;
  if (auto it = options.tests.find(name); it != options.tests.end())
    test = it->second;
  std::optional<double> threshold;
  if (auto it = options.thresholds.find(name); it != options.thresholds.end())
    threshold = it->second;

  const bool needs_numbers =
      test == DriftTest::kKolmogorovSmirnov || test == DriftTest::kWasserstein;
  const bool numeric =
      needs_numbers || (monitoring::InferColumnKind(reference, ref_col) ==
                            monitoring::ColumnKind::kNumeric &&
                        monitoring::InferColumnKind(current, cur_col) ==
                            monitoring::ColumnKind::kNumeric);
  if (numeric) {
    // NumericValues names file, line and cell of the first non-number.
    GOV_ASSIGN_OR_RETURN(monitoring::NumericColumn ref,
                         monitoring::NumericValues(reference, ref_col));
    GOV_ASSIGN_OR_RETURN(monitoring::NumericColumn cur,
                         monitoring::NumericValues(current, cur_col));
    if (ref.values.empty())
      return InvalidArgumentError(
          NoValues(reference, name, ref.empty, ref.non_finite));
    if (cur.values.empty())
      return InvalidArgumentError(
          NoValues(current, name, cur.empty, cur.non_finite));
    GOV_ASSIGN_OR_RETURN(DriftCheckResult r,
                         CheckNumericDrift(name, ref.values, cur.values, test,
                                           threshold, options.revoke_severity));
    r.reference_dropped = ref.empty + ref.non_finite;
    r.current_dropped = cur.empty + cur.non_finite;
    return r;
  }
  monitoring::CategoricalColumn ref =
      monitoring::CategoricalValues(reference, ref_col);
  monitoring::CategoricalColumn cur =
      monitoring::CategoricalValues(current, cur_col);
  if (ref.values.empty())
    return InvalidArgumentError(NoValues(reference, name, ref.empty, 0));
  if (cur.values.empty())
    return InvalidArgumentError(NoValues(current, name, cur.empty, 0));
  GOV_ASSIGN_OR_RETURN(
      DriftCheckResult r,
      CheckCategoricalDrift(name, ref.values, cur.values, test, threshold,
                            options.revoke_severity));
  r.reference_dropped = ref.empty;
  r.current_dropped = cur.empty;
  return r;
}

StatusOr<DatasetDriftResult> CompareTables(const CsvTable& reference,
                                           const CsvTable& current,
                                           const DriftOptions& options) {
  GOV_RETURN_IF_ERROR(ValidateOptions(options));
  for (const CsvTable* table : {&reference, &current}) {
    if (table->rows.empty())
      return InvalidArgumentError(table->origin + ": no data rows");
  }
  GOV_ASSIGN_OR_RETURN(std::vector<std::string> columns,
                       SelectColumns(reference, current, options));
  GOV_RETURN_IF_ERROR(CheckPerColumnOptions(options, columns));

  DatasetDriftResult result;
  result.reference_origin = reference.origin;
  result.current_origin = current.origin;
  result.reference_rows = reference.rows.size();
  result.current_rows = current.rows.size();
  result.drift_share = options.drift_share;
  for (const std::string& name : columns) {
    GOV_ASSIGN_OR_RETURN(DriftCheckResult r,
                         CheckColumn(reference, current, name, options));
    if (r.drifted) ++result.drifted_columns;
    result.columns.push_back(std::move(r));
  }
  const auto n = static_cast<double>(result.columns.size());
  result.share_drifted = static_cast<double>(result.drifted_columns) / n;
  result.drifted = result.share_drifted >= options.drift_share;
  std::vector<double> severities;
  for (const DriftCheckResult& r : result.columns)
    severities.push_back(r.severity);
  std::sort(severities.begin(), severities.end(), std::greater<>());
  // Guard against 0.5·3 = 1.5000000000000002 style rounding before ceil.
  const auto k =
      static_cast<std::size_t>(std::ceil(options.drift_share * n - 1e-9));
  result.severity =
      severities[std::clamp<std::size_t>(k, 1, severities.size()) - 1];
  result.action = ActionForSeverity(result.severity, options.revoke_severity);
  return result;
}

}  // namespace

StatusOr<DatasetDriftResult> CheckDatasetDrift(
    const std::string& reference_path, const std::string& current_path,
    const DriftOptions& options) {
  GOV_ASSIGN_OR_RETURN(CsvTable reference,
                       monitoring::ReadCsvFile(reference_path));
  GOV_ASSIGN_OR_RETURN(CsvTable current, monitoring::ReadCsvFile(current_path));
  return CompareTables(reference, current, options);
}

StatusOr<DatasetDriftResult> CheckDatasetDriftText(
    std::string_view reference_csv, std::string_view reference_origin,
    std::string_view current_csv, std::string_view current_origin,
    const DriftOptions& options) {
  GOV_ASSIGN_OR_RETURN(CsvTable reference,
                       monitoring::ParseCsv(reference_csv, reference_origin));
  GOV_ASSIGN_OR_RETURN(CsvTable current,
                       monitoring::ParseCsv(current_csv, current_origin));
  return CompareTables(reference, current, options);
}

}  // namespace governance
