// The drift chart of the compliance report: an inline SVG line chart of a
// model's drift scores against the threshold, drawn by mgov (no script, no
// external asset), so that the report prints and reads offline.
#ifndef GOVERNANCE_SRC_GOVERNANCE_REPORT_CHART_H_
#define GOVERNANCE_SRC_GOVERNANCE_REPORT_CHART_H_

#include <string>
#include <string_view>
#include <vector>

#include "governance/compliance_report.h"

namespace governance {

// An <svg class="drift-chart"> of `points` in ledger order, evenly spaced,
// scores on a fixed 0..1 axis: one <circle class="drift-point"> per point
// with data-score, data-sequence, data-time and data-drifted, a polyline
// through them, and a <line class="threshold" data-threshold> at
// `threshold`. `label` names the chart for screen readers (escaped here).
// With no points, a <p class="empty"> saying so instead.
std::string DriftChartSvg(const std::vector<DriftPoint>& points, double threshold,
                          std::string_view label);

}  // namespace governance

#endif  // GOVERNANCE_SRC_GOVERNANCE_REPORT_CHART_H_
