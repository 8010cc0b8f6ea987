// The TZif reader and POSIX TZ rules behind the time builtins' zones.
#include <doctest/doctest.h>

#include <string>

#include "core/file.h"
#include "policy/time_zone.h"

namespace governance::rego {
namespace {

int32_t OffsetAt(const PosixZoneRule& rule, int64_t unix_seconds) {
  return rule.At(unix_seconds).seconds;
}

TEST_CASE("PosixZoneRule: northern and southern daylight time, quoted names, hour ranges") {
  PosixZoneRule ny;
  REQUIRE(PosixZoneRule::Parse("EST5EDT,M3.2.0,M11.1.0", &ny));
  CHECK(ny.standard.seconds == -5 * 3600);
  CHECK(ny.daylight.seconds == -4 * 3600);
  // 2100-03-14 02:00 EST is 07:00 UTC (second Sunday of March 2100).
  CHECK(OffsetAt(ny, 4108690800 - 1) == -5 * 3600);
  CHECK(OffsetAt(ny, 4108690800) == -4 * 3600);
  CHECK(ny.At(4108690800).abbreviation == "EDT");

  PosixZoneRule sydney;
  REQUIRE(PosixZoneRule::Parse("AEST-10AEDT,M10.1.0,M4.1.0/3", &sydney));
  CHECK(OffsetAt(sydney, 4102444800) == 11 * 3600);       // 2100-01-01, summer
  CHECK(OffsetAt(sydney, 4118126400) == 10 * 3600);       // 2100-07-01, winter

  PosixZoneRule quoted;
  REQUIRE(PosixZoneRule::Parse("<-03>3", &quoted));
  CHECK(quoted.standard.abbreviation == "-03");
  CHECK(OffsetAt(quoted, 0) == -3 * 3600);
  CHECK_FALSE(quoted.has_daylight);

  // RFC 8536's extension: transition hours beyond 24 (and negative).
  PosixZoneRule greenland;
  REQUIRE(PosixZoneRule::Parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", &greenland));
  CHECK(greenland.start.time == -3600);
  PosixZoneRule julian;
  REQUIRE(PosixZoneRule::Parse("XXX3YYY,J60/25,300", &julian));
  CHECK(julian.start.time == 25 * 3600);

  PosixZoneRule bad;
  for (const char* text : {"", "E5", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
                           "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,M3.2.0", "EST5EDT,J0,J365",
                           "EST5EDT,M3.2.0/168,M11.1.0", "<ES T>5", "EST5EDT,M3.2.0,M11.1.0x"}) {
    CAPTURE(text);
    CHECK_FALSE(PosixZoneRule::Parse(text, &bad));
  }
}

TEST_CASE("TimeZone::FromTzif refuses every truncation and corruption of a real zone file") {
  auto bytes = ReadFile("/usr/share/zoneinfo/America/New_York");
  REQUIRE(bytes.ok());
  auto whole = TimeZone::FromTzif("America/New_York", *bytes);
  REQUIRE(whole.ok());
  CHECK((*whole)->At(1667712600).abbreviation == "EDT");
  CHECK((*whole)->At(1667716200).abbreviation == "EST");
  int refused = 0;
  for (size_t n = 0; n < bytes->size(); ++n) {
    // Every prefix is refused: even one that cuts only the footer's final newline.
    auto z = TimeZone::FromTzif("prefix", std::string_view(*bytes).substr(0, n));
    refused += z.ok() ? 0 : 1;
  }
  CHECK(refused == static_cast<int>(bytes->size()));
  // Flipping any one byte never crashes, and what parses still answers.
  for (size_t i = 0; i < bytes->size(); ++i) {
    std::string corrupt = *bytes;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0xA5);
    auto z = TimeZone::FromTzif("corrupt", corrupt);
    if (z.ok()) (void)(*z)->At(1667712600);
  }
}

TEST_CASE("TimeZone::Load caches and names what it cannot load") {
  auto a = TimeZone::Load("Europe/Berlin");
  auto b = TimeZone::Load("Europe/Berlin");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->get() == b->get());
  CHECK((*a)->At(0).seconds == 3600);
  CHECK(TimeZone::Load("Nowhere/City").status().message() == "unknown time zone Nowhere/City");
  CHECK(TimeZone::Load("a/../b").status().message() == "time: invalid location name");
  auto utc = TimeZone::Load("");
  REQUIRE(utc.ok());
  CHECK((*utc)->At(123).abbreviation == "UTC");
}

}  // namespace
}  // namespace governance::rego
