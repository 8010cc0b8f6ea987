#include "core/time.h"

#include <doctest/doctest.h>

namespace governance {
namespace {

TEST_CASE("RFC 3339 round trip") {
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339(1795316645) == "2026-11-22T03:04:05Z");
  CHECK(*ParseRfc3339("2026-11-22T03:04:05Z") == 1795316645);
  CHECK(*ParseRfc3339("2026-11-22T05:04:05.999+02:00") == 1795316645);
  CHECK(*ParseRfc3339("1969-12-31T23:59:59Z") == -1);
  CHECK(ParseRfc3339("2026-02-30T00:00:00Z").status().message() ==
        "invalid RFC 3339 timestamp \"2026-02-30T00:00:00Z\" (want e.g. 2026-01-31T12:00:00Z)");
  CHECK_FALSE(ParseRfc3339("2026-11-22 03:04:05").ok());
  CHECK_FALSE(ParseRfc3339("2026-11-22T03:04:05").ok());
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

}  // namespace
}  // namespace governance
