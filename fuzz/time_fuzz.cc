// libFuzzer target for time text (core/time.cc): RFC 3339 timestamps, which
// every signed document carries (issued_at, expires_at, revoked_at, ...),
// and durations ("90d", "1d12h"), which configurations and --ttl carry.
//
// Both are checked against references written independently of the code
// under test: a regular expression and libc's timegm() for timestamps,
// 128-bit arithmetic for durations, so that a timestamp read with the wrong
// instant or a duration that wraps around is reported, not just a crash.
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

#include "core/time.h"
#include "fuzz_check.h"

namespace {

using governance::UnixSeconds;

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// What ParseRfc3339 must return: the instant, or false when the text is not
// a timestamp it documents (a second of 60 is accepted as the next one).
bool ReferenceTimestamp(const std::string& s, UnixSeconds* out) {
  static const std::regex kGrammar(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$)");
  std::smatch m;
  if (!std::regex_match(s, m, kGrammar)) return false;
  auto num = [&](int i) { return std::stoi(m[i].str()); };
  const int y = num(1), mo = num(2), d = num(3), h = num(4), mi = num(5), se = num(6);
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return false;
  if (h > 23 || mi > 59 || se > 60) return false;
  int64_t offset = 0;
  if (m[9].matched) {
    const int oh = num(10), om = num(11);
    if (oh > 23 || om > 59) return false;
    offset = (oh * 3600 + om * 60) * (m[9].str() == "+" ? 1 : -1);
  }
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  const UnixSeconds t = static_cast<UnixSeconds>(timegm(&tm)) - offset;
  if (t < governance::kEarliestTimestamp || t > governance::kLatestTimestamp) return false;
  *out = t;
  return true;
}

void Timestamp(std::string_view text) {
  auto t = governance::ParseRfc3339(text);
  if (text.size() <= 64) {
    UnixSeconds expected = 0;
    const bool valid = ReferenceTimestamp(std::string(text), &expected);
    GOV_FUZZ_CHECK(t.ok() == valid);
    if (valid) GOV_FUZZ_CHECK(*t == expected);
  }
  if (!t.ok()) {
    GOV_FUZZ_CHECK(t.status().code() == governance::StatusCode::kInvalidArgument);
    return;
  }
  GOV_FUZZ_CHECK(*t >= governance::kEarliestTimestamp && *t <= governance::kLatestTimestamp);
  const std::string formatted = governance::FormatRfc3339(*t);
  GOV_FUZZ_CHECK(formatted.size() == 20);
  auto again = governance::ParseRfc3339(formatted);
  GOV_FUZZ_CHECK(again.ok() && *again == *t);
}

// What ParseDurationSeconds must return: the sum of one or more <n><unit>
// terms, each n at most 10^12, when it is positive and at most
// kLongestDurationSeconds.
bool ReferenceDuration(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  __int128 total = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    __int128 n = 0;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      n = n * 10 + (s[pos] - '0');
      if (n > 1'000'000'000'000) return false;
      ++pos;
    }
    if (pos == start || pos == s.size()) return false;
    switch (s[pos++]) {
      case 'w': total += n * 7 * 86400; break;
      case 'd': total += n * 86400; break;
      case 'h': total += n * 3600; break;
      case 'm': total += n * 60; break;
      case 's': total += n; break;
      default: return false;
    }
  }
  if (total <= 0 || total > governance::kLongestDurationSeconds) return false;
  *out = static_cast<int64_t>(total);
  return true;
}

void Duration(std::string_view text) {
  auto d = governance::ParseDurationSeconds(text);
  int64_t expected = 0;
  const bool valid = ReferenceDuration(text, &expected);
  GOV_FUZZ_CHECK(d.ok() == valid);
  if (!d.ok()) {
    GOV_FUZZ_CHECK(d.status().code() == governance::StatusCode::kInvalidArgument);
    return;
  }
  GOV_FUZZ_CHECK(*d == expected);
  const std::string formatted = governance::FormatDuration(*d);
  auto again = governance::ParseDurationSeconds(formatted);
  GOV_FUZZ_CHECK(again.ok() && *again == *d);
  GOV_FUZZ_CHECK(governance::FormatDuration(*again) == formatted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Timestamp(text);
  Duration(text);
  return 0;
}
