// IANA time zones for the time builtins, read from the system's compiled
// zone files (TZif, RFC 8536) under /usr/share/zoneinfo, as Go's
// time.LoadLocation reads them for OPA. Times past a file's last transition
// follow the POSIX TZ rule in its footer ("EST5EDT,M3.2.0,M11.1.0").
#ifndef GOVERNANCE_POLICY_TIME_ZONE_H_
#define GOVERNANCE_POLICY_TIME_ZONE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance::rego {

// The offset from UTC and the abbreviation in force at one instant.
struct ZoneOffset {
  int32_t seconds = 0;  // east of UTC
  std::string abbreviation;
};

// A POSIX TZ rule: a standard time and, optionally, a daylight time with the
// rules for entering and leaving it.
struct PosixZoneRule {
  struct Transition {
    enum class Kind { kJulianNoLeap, kDayOfYear, kMonthWeekDay } kind = Kind::kMonthWeekDay;
    int day = 0, week = 0, month = 0;  // Jn, n, or Mm.w.d
    int32_t time = 7200;               // seconds after local midnight
  };
  ZoneOffset standard;
  bool has_daylight = false;
  ZoneOffset daylight;
  Transition start, end;

  // Parses "STDoffset[DST[offset][,start[/time],end[/time]]]"; false when
  // `text` is not such a rule.
  static bool Parse(std::string_view text, PosixZoneRule* out);
  ZoneOffset At(int64_t unix_seconds) const;
};

class TimeZone {
 public:
  // The zone named `name` ("America/New_York"); "" and "UTC" are UTC.
  // Names that could leave the zone directory ("..", an absolute path) and
  // names with no zone file are "unknown time zone NAME". Loaded zones are
  // cached for the life of the process.
  static StatusOr<std::shared_ptr<const TimeZone>> Load(std::string_view name);

  // Parses the bytes of a TZif file (versions 1 to 4).
  static StatusOr<std::shared_ptr<const TimeZone>> FromTzif(std::string_view name,
                                                            std::string_view bytes);

  const std::string& name() const { return name_; }
  ZoneOffset At(int64_t unix_seconds) const;

  // The instant at which a wall-clock time (seconds since the epoch as if the
  // zone were UTC) occurs; in a gap or an overlap the choice Go's time.Date
  // makes.
  int64_t ToUnix(int64_t local_seconds) const;

 private:
  struct Type {
    int32_t offset;
    std::string abbreviation;
  };
  std::string name_;
  std::vector<int64_t> transitions_;    // ascending
  std::vector<uint8_t> transition_type_;
  std::vector<Type> types_;
  bool has_footer_ = false;
  PosixZoneRule footer_;
};

}  // namespace governance::rego

#endif  // GOVERNANCE_POLICY_TIME_ZONE_H_
