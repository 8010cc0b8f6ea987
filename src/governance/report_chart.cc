// The drift chart (report_chart.h).
#include "governance/report_chart.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/markup.h"
#include "core/time.h"

namespace governance {
namespace {

constexpr double kWidth = 640, kHeight = 220;
constexpr double kLeft = 44, kRight = 16, kTop = 14, kBottom = 30;

double Y(double score) {
  const double s = std::clamp(score, 0.0, 1.0);
  return kTop + (1 - s) * (kHeight - kTop - kBottom);
}

}  // namespace

std::string DriftChartSvg(const std::vector<DriftPoint>& points, double threshold,
                          std::string_view label) {
  if (points.empty()) return "<p class=\"empty\">No drift checks recorded.</p>\n";
  const double plot = kWidth - kLeft - kRight;
  auto x = [&](size_t i) {
    return points.size() == 1 ? kLeft + plot / 2
                              : kLeft + plot * static_cast<double>(i) /
                                            static_cast<double>(points.size() - 1);
  };
  std::string svg = fmt::format(
      "<svg class=\"drift-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      kWidth, kHeight, kWidth, kHeight, EscapeMarkup(label));
  // Axes and the score scale.
  svg += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", kLeft,
                     kTop, kHeight - kBottom);
  svg += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", kLeft,
                     kHeight - kBottom, kWidth - kRight);
  for (double tick : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    svg += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\">{:.2f}</text>\n", kLeft - 6,
                       Y(tick) + 4, tick);
  }
  svg += fmt::format(
      "<line class=\"threshold\" data-threshold=\"{0}\" x1=\"{1}\" y1=\"{2:.1f}\" x2=\"{3}\" "
      "y2=\"{2:.1f}\"/>\n<text class=\"threshold-label\" x=\"{3}\" y=\"{4:.1f}\">threshold "
      "{0}</text>\n",
      threshold, kLeft, Y(threshold), kWidth - kRight, Y(threshold) - 4);
  std::string polyline;
  std::string circles;
  for (size_t i = 0; i < points.size(); ++i) {
    const DriftPoint& p = points[i];
    polyline += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x(i), Y(p.score));
    const std::string when = FormatRfc3339(p.timestamp);
    circles += fmt::format(
        "<circle class=\"drift-point{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4.5\" data-score=\"{}\" "
        "data-sequence=\"{}\" data-time=\"{}\" data-drifted=\"{}\"><title>entry {}, {}: score "
        "{:.3f}{}</title></circle>\n",
        p.drifted ? " drifted" : "", x(i), Y(p.score), p.score, p.sequence, when,
        p.drifted ? "true" : "false", p.sequence, when, p.score, p.drifted ? " (drift)" : "");
  }
  svg += "<polyline class=\"drift-line\" points=\"" + polyline + "\"/>\n" + circles;
  svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\">{}</text>\n", kLeft,
                     kHeight - 10, EscapeMarkup(FormatRfc3339(points.front().timestamp)));
  if (points.size() > 1) {
    svg += fmt::format("<text class=\"tick end\" x=\"{}\" y=\"{}\">{}</text>\n", kWidth - kRight,
                       kHeight - 10, EscapeMarkup(FormatRfc3339(points.back().timestamp)));
  }
  return svg + "</svg>\n";
}

}  // namespace governance
