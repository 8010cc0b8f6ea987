// Wall-clock time as whole seconds since the Unix epoch, RFC 3339 text, and
// durations such as "90d", "12h", "30m", "45s".
#ifndef GOVERNANCE_SRC_CORE_TIME_H_
#define GOVERNANCE_SRC_CORE_TIME_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "governance/status.h"

namespace governance {

// Seconds since 1970-01-01T00:00:00Z.
using UnixSeconds = int64_t;

UnixSeconds NowSeconds();

// The instants mgov records and reads: 1970-01-01T00:00:00Z to
// 9999-12-31T23:59:59Z, the range RFC 3339 can write with a four-digit year.
inline constexpr UnixSeconds kEarliestTimestamp = 0;
inline constexpr UnixSeconds kLatestTimestamp = 253'402'300'799;

// "2026-11-22T03:04:05Z".
std::string FormatRfc3339(UnixSeconds t);

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)"; fractions are truncated.
// The offset's hours are 00-23 and minutes 00-59; the instant must lie in
// [kEarliestTimestamp, kLatestTimestamp].
StatusOr<UnixSeconds> ParseRfc3339(std::string_view text);

// The longest duration there is between two instants mgov records. Anything
// longer bounds nothing, and keeping sums below it means that adding one to
// a timestamp never overflows.
inline constexpr int64_t kLongestDurationSeconds = kLatestTimestamp - kEarliestTimestamp;

// "90d", "36h", "15m", "30s", "2w", or a sum like "1d12h", positive and at
// most kLongestDurationSeconds. InvalidArgument otherwise.
StatusOr<int64_t> ParseDurationSeconds(std::string_view text);

// "90d", "1d12h", "45s": the shortest text ParseDurationSeconds reads back,
// for 1 to kLongestDurationSeconds seconds.
std::string FormatDuration(int64_t seconds);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_TIME_H_
