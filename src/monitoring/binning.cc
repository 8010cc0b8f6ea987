#include "monitoring/binning.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace governance::monitoring {
namespace {

template <typename T>
BinnedCounts CountByKey(std::span<const T> reference,
                        std::span<const T> current) {
  std::map<T, std::pair<double, double>> counts;
  for (const T& v : reference) counts[v].first += 1;
  for (const T& v : current) counts[v].second += 1;
  BinnedCounts out;
  for (const auto& [key, c] : counts) {
    out.reference.push_back(c.first);
    out.current.push_back(c.second);
  }
  out.reference_total = reference.size();
  out.current_total = current.size();
  return out;
}

std::vector<double> Shares(const std::vector<double>& counts,
                           std::size_t total) {
  std::vector<double> shares(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i)
    shares[i] = counts[i] / static_cast<double>(total);
  double smallest = 0;
  for (double s : shares) {
    if (s != 0 && (smallest == 0 || s < smallest)) smallest = s;
  }
  const double fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  for (double& s : shares) {
    if (s == 0) s = fill;
  }
  return shares;
}

}  // namespace

BinnedCounts CountCategories(std::span<const std::string> reference,
                             std::span<const std::string> current) {
  return CountByKey(reference, current);
}

BinnedCounts CountCategories(std::span<const double> reference,
                             std::span<const double> current) {
  return CountByKey(reference, current);
}

BinnedCounts SturgesHistogram(std::span<const double> reference,
                              std::span<const double> current) {
  double lo = reference.front();
  double hi = reference.front();
  for (auto sample : {reference, current}) {
    for (double v : sample) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const double ptp = hi - lo;
  double first = lo;
  double last = hi;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  const auto n = static_cast<double>(reference.size() + current.size());
  const double width = ptp / (std::log2(n) + 1.0);
  const std::size_t bins =
      width != 0 ? static_cast<std::size_t>(std::ceil((last - first) / width))
                 : 1;
  // numpy.linspace: start + i·step, with the last edge set to stop exactly.
  std::vector<double> edges(bins + 1);
  const double step = (last - first) / static_cast<double>(bins);
  for (std::size_t i = 0; i <= bins; ++i)
    edges[i] = static_cast<double>(i) * step + first;
  edges[bins] = last;

  // As numpy's uniform-bin fast path: estimate the bin arithmetically, then
  // correct it by one against the edges so the result equals a search.
  const double norm = static_cast<double>(bins) / (last - first);
  auto count = [&](std::span<const double> sample) {
    std::vector<double> counts(bins, 0.0);
    for (double v : sample) {
      if (v < edges.front() || v > edges.back()) continue;
      auto bin =
          std::min(static_cast<std::size_t>((v - first) * norm), bins - 1);
      if (v < edges[bin]) {
        --bin;
      } else if (bin + 1 < bins && v >= edges[bin + 1]) {
        ++bin;
      }
      counts[bin] += 1;
    }
    return counts;
  };
  BinnedCounts out;
  out.reference = count(reference);
  out.current = count(current);
  out.reference_total = reference.size();
  out.current_total = current.size();
  return out;
}

BinnedCounts BinForDistance(std::span<const double> reference,
                            std::span<const double> current) {
  std::set<double> distinct;
  for (double v : reference) {
    distinct.insert(v);
    if (distinct.size() > 20) return SturgesHistogram(reference, current);
  }
  return CountCategories(reference, current);
}

BinnedShares SharesWithoutZeros(const BinnedCounts& counts) {
  return BinnedShares{Shares(counts.reference, counts.reference_total),
                      Shares(counts.current, counts.current_total)};
}

}  // namespace governance::monitoring
