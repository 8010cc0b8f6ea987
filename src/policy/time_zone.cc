#include "policy/time_zone.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "core/file.h"

namespace governance::rego {
namespace {

constexpr int64_t kSecPerDay = 86'400;
constexpr const char* kZoneDirectory = "/usr/share/zoneinfo/";

// Days since 1970-01-01 of a date in the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  using namespace std::chrono;
  return sys_days{year_month_day{year{static_cast<int>(y)}, month{static_cast<unsigned>(m)},
                                 day{static_cast<unsigned>(d)}}}
      .time_since_epoch()
      .count();
}

int64_t YearOf(int64_t unix_seconds) {
  using namespace std::chrono;
  return static_cast<int>(year_month_day{floor<days>(sys_seconds{seconds{unix_seconds}})}.year());
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ------------------------------------------------------------ POSIX TZ rules

class RuleReader {
 public:
  explicit RuleReader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  // A zone abbreviation: three or more letters, or <...> of letters, digits, + and -.
  bool Name(std::string* out) {
    size_t start = pos_;
    if (Take('<')) {
      while (pos_ < s_.size() && s_[pos_] != '>') {
        char c = s_[pos_];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-') return false;
        ++pos_;
      }
      if (!Take('>')) return false;
      *out = std::string(s_.substr(start + 1, pos_ - start - 2));
      return out->size() >= 3;
    }
    while (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    *out = std::string(s_.substr(start, pos_ - start));
    return out->size() >= 3;
  }

  bool Number(int min, int max, int* out) {
    size_t start = pos_;
    int64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' && pos_ - start < 4) {
      v = v * 10 + (s_[pos_++] - '0');
    }
    if (pos_ == start || v < min || v > max) return false;
    *out = static_cast<int>(v);
    return true;
  }

  // [+-]hh[:mm[:ss]] in seconds, hours up to `max_hours`.
  bool Duration(int max_hours, int32_t* out) {
    int sign = 1;
    if (Take('-')) {
      sign = -1;
    } else {
      Take('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!Number(0, max_hours, &h)) return false;
    if (Take(':')) {
      if (!Number(0, 59, &m)) return false;
      if (Take(':') && !Number(0, 59, &sec)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool Transition(PosixZoneRule::Transition* t) {
    using Kind = PosixZoneRule::Transition::Kind;
    if (Take('J')) {
      t->kind = Kind::kJulianNoLeap;
      if (!Number(1, 365, &t->day)) return false;
    } else if (Take('M')) {
      t->kind = Kind::kMonthWeekDay;
      if (!Number(1, 12, &t->month) || !Take('.') || !Number(1, 5, &t->week) || !Take('.') ||
          !Number(0, 6, &t->day)) {
        return false;
      }
    } else {
      t->kind = Kind::kDayOfYear;
      if (!Number(0, 365, &t->day)) return false;
    }
    t->time = 7200;
    // RFC 8536 section 3.3.1 extends the hour range to -167..167.
    return !Take('/') || Duration(167, &t->time);
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Seconds from the start of `year` (UTC) to the local wall-clock moment of
// the transition.
int64_t TransitionSecondsInYear(const PosixZoneRule::Transition& t, int64_t year) {
  using Kind = PosixZoneRule::Transition::Kind;
  int64_t day = 0;  // 0-based day of the year
  switch (t.kind) {
    case Kind::kJulianNoLeap:
      day = t.day - 1 + (IsLeap(year) && t.day >= 60 ? 1 : 0);
      break;
    case Kind::kDayOfYear:
      day = t.day;
      break;
    case Kind::kMonthWeekDay: {
      const int64_t first = DaysFromCivil(year, t.month, 1);
      const int64_t next = t.month == 12 ? DaysFromCivil(year + 1, 1, 1)
                                         : DaysFromCivil(year, t.month + 1, 1);
      const int64_t first_weekday =
          std::chrono::weekday{std::chrono::sys_days{std::chrono::days{first}}}.c_encoding();
      int64_t dom = (t.day - first_weekday + 7) % 7 + (t.week - 1) * 7;
      while (first + dom >= next) dom -= 7;
      day = first + dom - DaysFromCivil(year, 1, 1);
      break;
    }
  }
  return day * kSecPerDay + t.time;
}

std::string ZoneFileError(std::string_view name, std::string_view what) {
  return fmt::format("time zone file for {} is malformed: {}", name, what);
}

// Reads big-endian integers from a TZif body, refusing reads past the end.
class TzifReader {
 public:
  explicit TzifReader(std::string_view b) : b_(b) {}
  bool Skip(size_t n) {
    if (b_.size() - pos_ < n) return false;
    pos_ += n;
    return true;
  }
  bool Int(int width, int64_t* out) {
    if (b_.size() - pos_ < static_cast<size_t>(width)) return false;
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = v << 8 | static_cast<uint8_t>(b_[pos_ + i]);
    pos_ += width;
    *out = width == 4 ? static_cast<int32_t>(static_cast<uint32_t>(v)) : static_cast<int64_t>(v);
    return true;
  }
  bool Byte(uint8_t* out) {
    if (pos_ == b_.size()) return false;
    *out = static_cast<uint8_t>(b_[pos_++]);
    return true;
  }
  std::string_view Rest() const { return b_.substr(pos_); }
  size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct TzifHeader {
  char version = 0;
  int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool ReadHeader(TzifReader* r, TzifHeader* h) {
  std::string_view rest = r->Rest();
  if (rest.size() < 44 || rest.substr(0, 4) != "TZif") return false;
  h->version = rest[4];
  r->Skip(20);
  for (int64_t* c : {&h->isutcnt, &h->isstdcnt, &h->leapcnt, &h->timecnt, &h->typecnt, &h->charcnt}) {
    if (!r->Int(4, c) || *c < 0 || *c > 100'000) return false;
  }
  return true;
}

}  // namespace

bool PosixZoneRule::Parse(std::string_view text, PosixZoneRule* out) {
  RuleReader r(text);
  PosixZoneRule rule;
  int32_t west = 0;
  if (!r.Name(&rule.standard.abbreviation) || !r.Duration(24, &west)) return false;
  rule.standard.seconds = -west;
  if (r.done()) {
    *out = std::move(rule);
    return true;
  }
  rule.has_daylight = true;
  if (!r.Name(&rule.daylight.abbreviation)) return false;
  rule.daylight.seconds = rule.standard.seconds + 3600;
  if (!r.done() && !r.Peek(',')) {
    if (!r.Duration(24, &west)) return false;
    rule.daylight.seconds = -west;
  }
  if (r.done()) {
    // No rule given: the United States' since 2007, as Go assumes.
    RuleReader def("M3.2.0,M11.1.0");
    def.Transition(&rule.start);
    def.Take(',');
    def.Transition(&rule.end);
  } else if (!r.Take(',') || !r.Transition(&rule.start) || !r.Take(',') ||
             !r.Transition(&rule.end) || !r.done()) {
    return false;
  }
  *out = std::move(rule);
  return true;
}

ZoneOffset PosixZoneRule::At(int64_t unix_seconds) const {
  if (!has_daylight) return standard;
  const int64_t year = YearOf(unix_seconds + standard.seconds);
  const int64_t year_start = DaysFromCivil(year, 1, 1) * kSecPerDay;
  const int64_t begin = year_start + TransitionSecondsInYear(start, year) - standard.seconds;
  const int64_t finish = year_start + TransitionSecondsInYear(end, year) - daylight.seconds;
  bool in_daylight = begin < finish ? (unix_seconds >= begin && unix_seconds < finish)
                                    : !(unix_seconds >= finish && unix_seconds < begin);
  return in_daylight ? daylight : standard;
}

StatusOr<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string_view name,
                                                             std::string_view bytes) {
  TzifReader r(bytes);
  TzifHeader h;
  if (!ReadHeader(&r, &h)) return InvalidArgumentError(ZoneFileError(name, "no TZif header"));
  int width = 4;
  if (h.version >= '2') {
    // Skip the 32-bit body; the 64-bit one follows with its own header.
    size_t v1 = h.timecnt * 5 + h.typecnt * 6 + h.charcnt + h.leapcnt * 8 + h.isstdcnt + h.isutcnt;
    if (!r.Skip(v1) || !ReadHeader(&r, &h)) {
      return InvalidArgumentError(ZoneFileError(name, "truncated version 1 body"));
    }
    width = 8;
  }
  if (h.typecnt == 0) return InvalidArgumentError(ZoneFileError(name, "no local time types"));
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::string(name);
  zone->transitions_.resize(h.timecnt);
  zone->transition_type_.resize(h.timecnt);
  for (int64_t& t : zone->transitions_) {
    if (!r.Int(width, &t)) return InvalidArgumentError(ZoneFileError(name, "truncated transitions"));
  }
  if (!std::is_sorted(zone->transitions_.begin(), zone->transitions_.end())) {
    return InvalidArgumentError(ZoneFileError(name, "transitions out of order"));
  }
  for (uint8_t& t : zone->transition_type_) {
    if (!r.Byte(&t) || t >= h.typecnt) {
      return InvalidArgumentError(ZoneFileError(name, "bad transition type"));
    }
  }
  std::vector<std::pair<int64_t, uint8_t>> raw_types(h.typecnt);
  for (auto& [offset, designation] : raw_types) {
    uint8_t is_dst;
    if (!r.Int(4, &offset) || !r.Byte(&is_dst) || !r.Byte(&designation) ||
        offset <= -25 * 3600 || offset >= 26 * 3600) {
      return InvalidArgumentError(ZoneFileError(name, "bad local time type"));
    }
  }
  std::string_view chars = r.Rest().substr(0, h.charcnt);
  if (static_cast<int64_t>(chars.size()) != h.charcnt) {
    return InvalidArgumentError(ZoneFileError(name, "truncated abbreviations"));
  }
  r.Skip(h.charcnt);
  for (const auto& [offset, designation] : raw_types) {
    if (designation >= chars.size()) return InvalidArgumentError(ZoneFileError(name, "bad abbreviation"));
    std::string_view abbr = chars.substr(designation);
    zone->types_.push_back({static_cast<int32_t>(offset), std::string(abbr.substr(0, abbr.find('\0')))});
  }
  if (!r.Skip(h.leapcnt * (width + 4) + h.isstdcnt + h.isutcnt)) {
    return InvalidArgumentError(ZoneFileError(name, "truncated body"));
  }
  if (width == 8) {
    std::string_view footer = r.Rest();
    if (footer.size() < 2 || footer[0] != '\n' || footer.find('\n', 1) == std::string_view::npos) {
      return InvalidArgumentError(ZoneFileError(name, "no footer"));
    }
    footer = footer.substr(1, footer.find('\n', 1) - 1);
    if (!footer.empty()) {
      if (!PosixZoneRule::Parse(footer, &zone->footer_)) {
        return InvalidArgumentError(ZoneFileError(name, fmt::format("bad TZ rule {}", footer)));
      }
      zone->has_footer_ = true;
    }
  }
  return std::shared_ptr<const TimeZone>(std::move(zone));
}

StatusOr<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  if (name.empty()) name = "UTC";
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  // As Go's time.LoadLocation: no IANA name holds "..", none starts with a slash.
  if (name.find("..") != std::string_view::npos || name[0] == '/' || name[0] == '\\') {
    return InvalidArgumentError("time: invalid location name");
  }
  std::shared_ptr<const TimeZone> zone;
  if (name == "UTC") {
    auto utc = std::make_shared<TimeZone>();
    utc->name_ = "UTC";
    utc->types_.push_back({0, "UTC"});
    zone = std::move(utc);
  } else {
    StatusOr<std::string> bytes = ReadFile(kZoneDirectory + std::string(name));
    if (!bytes.ok()) return InvalidArgumentError(fmt::format("unknown time zone {}", name));
    auto parsed = FromTzif(name, *bytes);
    if (!parsed.ok()) return parsed.status();
    zone = *std::move(parsed);
  }
  cache.emplace(std::string(name), zone);
  return zone;
}

ZoneOffset TimeZone::At(int64_t unix_seconds) const {
  if (transitions_.empty() || unix_seconds < transitions_.front()) {
    if (transitions_.empty() && has_footer_) return footer_.At(unix_seconds);
    return {types_[0].offset, types_[0].abbreviation};
  }
  if (unix_seconds >= transitions_.back() && has_footer_) return footer_.At(unix_seconds);
  size_t i = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds) -
             transitions_.begin() - 1;
  const Type& t = types_[transition_type_[i]];
  return {t.offset, t.abbreviation};
}

int64_t TimeZone::ToUnix(int64_t local_seconds) const {
  // Go's time.Date: guess with the offset at the local reading, and if the
  // instant that gives falls under another offset, take that one.
  const int32_t guess = At(local_seconds).seconds;
  return local_seconds - At(local_seconds - guess).seconds;
}

}  // namespace governance::rego
