// Checking data-quality rules against a CSV table already read (the public
// CheckDataQuality reads the file first).
#ifndef GOVERNANCE_SRC_MONITORING_DATA_QUALITY_CHECK_H_
#define GOVERNANCE_SRC_MONITORING_DATA_QUALITY_CHECK_H_

#include "governance/data_quality.h"
#include "monitoring/csv.h"

namespace governance::monitoring {

// As governance::CheckDataQuality, on `table`; its origin names the data.
StatusOr<DataQualityResult> CheckDataQuality(const DataQualityRules& rules,
                                             const CsvTable& table);

}  // namespace governance::monitoring

#endif  // GOVERNANCE_SRC_MONITORING_DATA_QUALITY_CHECK_H_
