#include "core/time.h"

#include <doctest/doctest.h>

namespace governance {
namespace {

TEST_CASE("RFC 3339 round trip") {
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339(1795316645) == "2026-11-22T03:04:05Z");
  CHECK(*ParseRfc3339("2026-11-22T03:04:05Z") == 1795316645);
  CHECK(*ParseRfc3339("2026-11-22T05:04:05.999+02:00") == 1795316645);
  CHECK(*ParseRfc3339("9999-12-31T23:59:59Z") == kLatestTimestamp);
  CHECK(FormatRfc3339(kLatestTimestamp) == "9999-12-31T23:59:59Z");
  CHECK(*ParseRfc3339("1970-01-01T01:00:00+01:00") == kEarliestTimestamp);
  CHECK(ParseRfc3339("2026-02-30T00:00:00Z").status().message() ==
        "invalid RFC 3339 timestamp \"2026-02-30T00:00:00Z\" (want e.g. 2026-01-31T12:00:00Z)");
  CHECK_FALSE(ParseRfc3339("2026-11-22 03:04:05").ok());
  CHECK_FALSE(ParseRfc3339("2026-11-22T03:04:05").ok());
}

TEST_CASE("RFC 3339 offsets and years are bounded") {
  for (const char* bad : {"2026-11-22T03:04:05+99:99", "2026-11-22T03:04:05+24:00",
                          "2026-11-22T03:04:05-05:60", "2026-11-22T03:04:05+5:00",
                          "2026-11-22T03:04:05+05:00:00"}) {
    INFO(bad);
    CHECK(ParseRfc3339(bad).status() ==
          InvalidArgumentError("invalid RFC 3339 timestamp \"" + std::string(bad) +
                               "\" (want e.g. 2026-01-31T12:00:00Z)"));
  }
  CHECK(*ParseRfc3339("2026-11-22T03:04:05+23:59") == 1795316645 - 23 * 3600 - 59 * 60);
  // Before the epoch, or past year 9999 once the offset is applied.
  for (const char* outside : {"1969-12-31T23:59:59Z", "9999-12-31T23:59:59-00:01",
                              "0000-01-01T00:00:00Z"}) {
    INFO(outside);
    CHECK(ParseRfc3339(outside).status() ==
          InvalidArgumentError("timestamp \"" + std::string(outside) +
                               "\" is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z"));
  }
}

TEST_CASE("durations") {
  CHECK(*ParseDurationSeconds("90d") == 90 * 86400);
  CHECK(*ParseDurationSeconds("1d12h") == 36 * 3600);
  CHECK(*ParseDurationSeconds("2w") == 14 * 86400);
  CHECK(*ParseDurationSeconds("45s") == 45);
  CHECK(ParseDurationSeconds("90").status().message() ==
        "invalid duration \"90\" (want e.g. 90d, 12h, 30m, 45s)");
  CHECK_FALSE(ParseDurationSeconds("d").ok());
  CHECK_FALSE(ParseDurationSeconds("0d").ok());
  CHECK_FALSE(ParseDurationSeconds("3y").ok());
  CHECK(FormatDuration(90 * 86400) == "90d");
  CHECK(FormatDuration(36 * 3600 + 5) == "1d12h5s");
}

TEST_CASE("durations are bounded: no sum overflows, every one formats to text read back") {
  CHECK(*ParseDurationSeconds("2932896d23h59m59s") == kLongestDurationSeconds);
  CHECK(FormatDuration(kLongestDurationSeconds) == "2932896d23h59m59s");
  const std::string too_long = "duration \"2932897d\" is longer than 2932896d23h59m59s";
  CHECK(ParseDurationSeconds("2932897d").status() == InvalidArgumentError(too_long));
  // Found by fuzz/time_fuzz: one term of 10^12 weeks was read, and FormatDuration
  // wrote it as 6999999999993d, which does not read back; sixteen such terms
  // overflowed int64_t (undefined behaviour, and a sum that could wrap positive).
  CHECK_FALSE(ParseDurationSeconds("999999999999w").ok());
  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += "1000000000000w";
  CHECK(ParseDurationSeconds(sixteen).status().message().find("is longer than") !=
        std::string::npos);
  for (int64_t d : {int64_t{1}, int64_t{59}, int64_t{86400}, int64_t{kLongestDurationSeconds - 1},
                    kLongestDurationSeconds}) {
    INFO(d);
    CHECK(*ParseDurationSeconds(FormatDuration(d)) == d);
  }
}

}  // namespace
}  // namespace governance
