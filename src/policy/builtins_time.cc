// Time builtins. Times are int64 nanoseconds since the Unix epoch; an
// operand [ns, zone] or [ns, zone, layout] reads them in an IANA time zone.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "policy/builtins.h"
#include "policy/time_zone.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr int64_t kSecPerDay = 86'400;

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

struct Civil {
  int64_t year, month, day, hour, minute, second, nanos, weekday;
};

// The wall-clock reading of `ns` at `offset` seconds east of UTC.
Civil ToCivil(int64_t ns, int32_t offset = 0) {
  int64_t secs = ns / kNsPerSec;
  int64_t nanos = ns % kNsPerSec;
  if (nanos < 0) {
    nanos += kNsPerSec;
    --secs;
  }
  secs += offset;  // |ns / 1e9| < 9.3e9: no overflow
  int64_t days = secs / kSecPerDay;
  int64_t rem = secs % kSecPerDay;
  if (rem < 0) {
    rem += kSecPerDay;
    --days;
  }
  Civil c{};
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = rem / 3600;
  c.minute = rem % 3600 / 60;
  c.second = rem % 60;
  c.nanos = nanos;
  c.weekday = ((days % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
  return c;
}

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDayNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};

int64_t FloorSeconds(int64_t ns) { return ns / kNsPerSec - (ns % kNsPerSec < 0 ? 1 : 0); }

// Nanoseconds for a civil time; false when outside int64.
bool FromCivil(int64_t days, int64_t sec_of_day, int64_t nanos, int64_t* out) {
  int64_t secs, ns;
  if (sec_of_day < 0 || sec_of_day >= kSecPerDay) {
    days += sec_of_day / kSecPerDay;
    sec_of_day %= kSecPerDay;
  }
  if (days < 0 && (sec_of_day > 0 || nanos > 0)) {
    // Keep the partial sums negative so INT64_MIN itself is reachable.
    days += 1;
    sec_of_day -= kSecPerDay;
    if (nanos > 0) {
      sec_of_day += 1;
      nanos -= kNsPerSec;
    }
  }
  if (__builtin_mul_overflow(days, kSecPerDay, &secs) ||
      __builtin_add_overflow(secs, sec_of_day, &secs) ||
      __builtin_mul_overflow(secs, kNsPerSec, &ns) || __builtin_add_overflow(ns, nanos, &ns)) {
    return false;
  }
  *out = ns;
  return true;
}

// A time operand: the instant and, when given, the zone to read it in and the
// layout to format it with.
struct TimeOperand {
  int64_t ns = 0;
  std::shared_ptr<const TimeZone> zone;  // null: UTC
  std::string layout;

  ZoneOffset Offset() const {
    return zone == nullptr ? ZoneOffset{0, "UTC"} : zone->At(FloorSeconds(ns));
  }
  Civil Local() const { return ToCivil(ns, Offset().seconds); }
};

// Reads the timestamp operand: a number, or [ns, zone] / [ns, zone, layout].
// The zone is an IANA name ("" and "UTC" are UTC); "Local", the host's zone,
// is refused so that a decision does not depend on where it is evaluated.
Status TimeArg(std::string_view fn, const Value& v, TimeOperand* out) {
  const Value* num = &v;
  if (v.is_array()) {
    if (v.items().empty() || v.items().size() > 3) {
      return OperandTypeError(fn, 1, "number or array of [ns, tz] or [ns, tz, layout]", v);
    }
    num = &v.items()[0];
    if (v.items().size() >= 2) {
      const Value& tz = v.items()[1];
      if (!tz.is_string()) return OperandTypeError(fn, 1, "array of [number, string]", v);
      if (tz.str() == "Local") {
        return BuiltinError(fn, "time zone \"Local\" is the evaluating host's and differs "
                                "between hosts; name an IANA zone such as \"Europe/Berlin\"");
      }
      if (!tz.str().empty() && tz.str() != "UTC") {
        auto zone = TimeZone::Load(tz.str());
        if (!zone.ok()) return BuiltinError(fn, zone.status().message());
        out->zone = *std::move(zone);
      }
    }
    if (v.items().size() == 3) {
      if (!v.items()[2].is_string()) return OperandTypeError(fn, 1, "array of [number, string, string]", v);
      out->layout = v.items()[2].str();
    }
  }
  if (!num->is_number()) return OperandTypeError(fn, 1, "number", *num);
  if (!num->ToInt(&out->ns)) {
    if (std::isfinite(num->as_double()) && num->as_double() == std::floor(num->as_double())) {
      return BuiltinError(fn, "timestamp too big");
    }
    out->ns = static_cast<int64_t>(num->as_double());
  }
  return Status::Ok();
}

Status NowNs(Ctx& ctx, Operands, Value* out) {
  *out = Value::Int(ctx.now_ns);
  return Status::Ok();
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

Status ParseRfc3339Ns(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("time.parse_rfc3339_ns", 1, "string", a[0]);
  std::string_view s = a[0].str();
  auto bad = [&]() {
    return BuiltinError("time.parse_rfc3339_ns",
                        fmt::format("parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse",
                                    QuoteString(s)));
  };
  int64_t y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return bad();
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (scale > 0) nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
  }
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int64_t oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om)) {
      return bad();
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  int64_t ns;
  if (!FromCivil(DaysFromCivil(y, mo, d), h * 3600 + mi * 60 + sec - offset, nanos, &ns)) {
    return BuiltinError("time.parse_rfc3339_ns", "time outside of valid range");
  }
  *out = Value::Int(ns);
  return Status::Ok();
}

Status ParseDurationNs(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("time.parse_duration_ns", 1, "string", a[0]);
  std::string_view s = a[0].str();
  std::string orig(s);
  auto bad = [&]() {
    return BuiltinError("time.parse_duration_ns",
                        fmt::format("time: invalid duration {}", QuoteString(orig)));
  };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *out = Value::Int(0);
    return Status::Ok();
  }
  if (s.empty()) return bad();
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double v = 0;
    bool any = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      ++i;
      any = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
        any = true;
      }
    }
    if (!any) return bad();
    size_t u = i;
    while (u < s.size() && !(s[u] >= '0' && s[u] <= '9') && s[u] != '.') ++u;
    std::string_view unit = s.substr(i, u - i);
    long double mult;
    if (unit == "ns") {
      mult = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      mult = 1e3L;
    } else if (unit == "ms") {
      mult = 1e6L;
    } else if (unit == "s") {
      mult = 1e9L;
    } else if (unit == "m") {
      mult = 60e9L;
    } else if (unit == "h") {
      mult = 3600e9L;
    } else if (unit.empty()) {
      return BuiltinError("time.parse_duration_ns",
                          fmt::format("time: missing unit in duration {}", QuoteString(orig)));
    } else {
      return BuiltinError("time.parse_duration_ns",
                          fmt::format("time: unknown unit {} in duration {}",
                                      QuoteString(std::string(unit)), QuoteString(orig)));
    }
    total += v * mult;
    s.remove_prefix(u);
  }
  if (total > 9.2233720368547758e18L) return bad();
  *out = Value::Int(static_cast<int64_t>(std::llround(static_cast<double>(neg ? -total : total))));
  return Status::Ok();
}

Status AddDate(Ctx&, Operands a, Value* out) {
  TimeOperand t;
  int64_t y, m, d;
  GOV_RETURN_IF_ERROR(TimeArg("time.add_date", a[0], &t));
  if (!a[1].ToInt(&y)) return OperandTypeError("time.add_date", 2, "integer", a[1]);
  if (!a[2].ToInt(&m)) return OperandTypeError("time.add_date", 3, "integer", a[2]);
  if (!a[3].ToInt(&d)) return OperandTypeError("time.add_date", 4, "integer", a[3]);
  Civil c = t.Local();
  int64_t year = c.year + y;
  int64_t month0 = c.month - 1 + m;
  year += month0 >= 0 ? month0 / 12 : (month0 - 11) / 12;
  month0 = ((month0 % 12) + 12) % 12;
  int64_t days = DaysFromCivil(year, month0 + 1, 1) + c.day - 1 + d;
  int64_t sec_of_day = c.hour * 3600 + c.minute * 60 + c.second;
  if (t.zone != nullptr) {
    // The same wall-clock time on the new date, in the zone's offset there.
    int64_t local;
    if (__builtin_mul_overflow(days, kSecPerDay, &local) ||
        __builtin_add_overflow(local, sec_of_day, &local) || local > (int64_t{1} << 40) ||
        local < -(int64_t{1} << 40)) {
      return BuiltinError("time.add_date", "time outside of valid range");
    }
    sec_of_day -= local - t.zone->ToUnix(local);
  }
  int64_t result;
  if (!FromCivil(days, sec_of_day, c.nanos, &result)) {
    return BuiltinError("time.add_date", "time outside of valid range");
  }
  *out = Value::Int(result);
  return Status::Ok();
}

Status Date(Ctx&, Operands a, Value* out) {
  TimeOperand t;
  GOV_RETURN_IF_ERROR(TimeArg("time.date", a[0], &t));
  Civil c = t.Local();
  *out = Value::Array({Value::Int(c.year), Value::Int(c.month), Value::Int(c.day)});
  return Status::Ok();
}

Status Clock(Ctx&, Operands a, Value* out) {
  TimeOperand t;
  GOV_RETURN_IF_ERROR(TimeArg("time.clock", a[0], &t));
  Civil c = t.Local();
  *out = Value::Array({Value::Int(c.hour), Value::Int(c.minute), Value::Int(c.second)});
  return Status::Ok();
}

Status Weekday(Ctx&, Operands a, Value* out) {
  TimeOperand t;
  GOV_RETURN_IF_ERROR(TimeArg("time.weekday", a[0], &t));
  *out = Value::String(kDayNames[t.Local().weekday]);
  return Status::Ok();
}

int64_t DaysIn(int64_t year, int64_t month) {
  int64_t next_y = month == 12 ? year + 1 : year;
  int64_t next_m = month == 12 ? 1 : month + 1;
  return DaysFromCivil(next_y, next_m, 1) - DaysFromCivil(year, month, 1);
}

Status Diff(Ctx&, Operands a, Value* out) {
  TimeOperand first, second;
  GOV_RETURN_IF_ERROR(TimeArg("time.diff", a[0], &first));
  GOV_RETURN_IF_ERROR(TimeArg("time.diff", a[1], &second));
  // As OPA: both read in the first operand's zone.
  second.zone = first.zone;
  if (first.ns > second.ns) std::swap(first.ns, second.ns);
  Civil t1 = first.Local(), t2 = second.Local();
  int64_t year = t2.year - t1.year, month = t2.month - t1.month, day = t2.day - t1.day;
  int64_t hour = t2.hour - t1.hour, min = t2.minute - t1.minute, sec = t2.second - t1.second;
  if (sec < 0) {
    sec += 60;
    --min;
  }
  if (min < 0) {
    min += 60;
    --hour;
  }
  if (hour < 0) {
    hour += 24;
    --day;
  }
  if (day < 0) {
    day += DaysIn(t1.year, t1.month);
    --month;
  }
  if (month < 0) {
    month += 12;
    --year;
  }
  *out = Value::Array({Value::Int(year), Value::Int(month), Value::Int(day), Value::Int(hour),
                       Value::Int(min), Value::Int(sec)});
  return Status::Ok();
}

// ---------------------------------------------------------------- Go layouts

// The elements of a Go time layout ("2006-01-02T15:04:05Z07:00") that
// time.parse_ns understands, in the order Go's nextStdChunk looks for them.
enum class LayoutElem {
  kNone, kLongMonth, kMonth, kNumMonth, kZeroMonth, kLongWeekDay, kWeekDay, kDay, kUnderDay,
  kZeroDay, kHour, kHour12, kZeroHour12, kMinute, kZeroMinute, kSecond, kZeroSecond, kLongYear,
  kYear, kPM, kpm, kTZ, kISO8601TZ, kISO8601ColonTZ, kISO8601ShortTZ, kNumTZ, kNumColonTZ,
  kNumShortTZ, kFracSecond0, kFracSecond9
};

// Zone offsets: "Z…" writes Z for UTC; ":" separates minutes; "07" has none.
bool IsIsoZone(LayoutElem e) {
  return e == LayoutElem::kISO8601TZ || e == LayoutElem::kISO8601ColonTZ ||
         e == LayoutElem::kISO8601ShortTZ;
}
bool IsColonZone(LayoutElem e) {
  return e == LayoutElem::kISO8601ColonTZ || e == LayoutElem::kNumColonTZ;
}
bool IsShortZone(LayoutElem e) {
  return e == LayoutElem::kISO8601ShortTZ || e == LayoutElem::kNumShortTZ;
}

struct Chunk {
  std::string_view prefix;  // literal text before the element
  LayoutElem elem = LayoutElem::kNone;
  std::string_view text;    // the element as written in the layout
  int digits = 0;           // kFracSecond*: the number of digits written
};

// Splits layout at its first element.
Chunk NextChunk(std::string_view layout, std::string_view* rest) {
  struct Pattern {
    std::string_view text;
    LayoutElem elem;
  };
  static const Pattern kPatterns[] = {
      {"January", LayoutElem::kLongMonth}, {"Jan", LayoutElem::kMonth},
      {"Monday", LayoutElem::kLongWeekDay}, {"Mon", LayoutElem::kWeekDay},
      {"MST", LayoutElem::kTZ}, {"01", LayoutElem::kZeroMonth}, {"02", LayoutElem::kZeroDay},
      {"03", LayoutElem::kZeroHour12}, {"04", LayoutElem::kZeroMinute},
      {"05", LayoutElem::kZeroSecond}, {"06", LayoutElem::kYear}, {"15", LayoutElem::kHour},
      {"2006", LayoutElem::kLongYear}, {"1", LayoutElem::kNumMonth}, {"2", LayoutElem::kDay},
      {"_2", LayoutElem::kUnderDay}, {"3", LayoutElem::kHour12}, {"4", LayoutElem::kMinute},
      {"5", LayoutElem::kSecond}, {"PM", LayoutElem::kPM}, {"pm", LayoutElem::kpm},
      {"Z07:00", LayoutElem::kISO8601ColonTZ}, {"Z0700", LayoutElem::kISO8601TZ},
      {"Z07", LayoutElem::kISO8601ShortTZ}, {"-07:00", LayoutElem::kNumColonTZ},
      {"-0700", LayoutElem::kNumTZ}, {"-07", LayoutElem::kNumShortTZ},
  };
  for (size_t i = 0; i < layout.size(); ++i) {
    std::string_view at = layout.substr(i);
    // Fractional seconds: '.' or ',' then a run of 0s or 9s not followed by a digit.
    if ((at[0] == '.' || at[0] == ',') && at.size() > 1 && (at[1] == '0' || at[1] == '9')) {
      size_t j = 1;
      while (j < at.size() && at[j] == at[1]) ++j;
      if (j == at.size() || at[j] < '0' || at[j] > '9') {
        *rest = at.substr(j);
        return {layout.substr(0, i), at[1] == '0' ? LayoutElem::kFracSecond0 : LayoutElem::kFracSecond9,
                at.substr(0, j), static_cast<int>(j - 1)};
      }
    }
    for (const Pattern& p : kPatterns) {
      if (!at.starts_with(p.text)) continue;
      // "Jan"/"Mon" only when not followed by a lower-case letter (Go's rule).
      if ((p.elem == LayoutElem::kMonth || p.elem == LayoutElem::kWeekDay) && at.size() > 3 &&
          at[3] >= 'a' && at[3] <= 'z') {
        continue;
      }
      *rest = at.substr(p.text.size());
      return {layout.substr(0, i), p.elem, p.text, 0};
    }
  }
  *rest = {};
  return {layout, LayoutElem::kNone, {}, 0};
}

// Reads 1-2 digits (exactly 2 when `fixed`).
// The digits after a leading '.' or ',' of `value` as nanoseconds (digits
// past the ninth count for nothing, as in Go); returns how many bytes the
// separator and digits take.
size_t FractionDigits(std::string_view value, int64_t* nanos) {
  size_t k = 1;
  int64_t scale = 100'000'000;
  *nanos = 0;
  while (k < value.size() && value[k] >= '0' && value[k] <= '9') {
    *nanos += (value[k] - '0') * scale;
    scale /= 10;
    ++k;
  }
  return k;
}

bool GetNum(std::string_view* v, bool fixed, int64_t* out) {
  if (v->empty() || (*v)[0] < '0' || (*v)[0] > '9') return false;
  if (v->size() < 2 || (*v)[1] < '0' || (*v)[1] > '9') {
    if (fixed) return false;
    *out = (*v)[0] - '0';
    v->remove_prefix(1);
    return true;
  }
  *out = ((*v)[0] - '0') * 10 + ((*v)[1] - '0');
  v->remove_prefix(2);
  return true;
}

// Go's time.Parse for a layout; the result is UTC nanoseconds.
Status ParseGoTime(std::string_view fn, std::string_view layout, std::string_view value,
                   int64_t* out) {
  const std::string whole_value(value), whole_layout(layout);
  auto cannot = [&](std::string_view v, std::string_view elem) {
    return BuiltinError(fn, fmt::format("parsing time {} as {}: cannot parse {} as {}",
                                        QuoteString(whole_value), QuoteString(whole_layout),
                                        QuoteString(v), QuoteString(elem)));
  };
  auto range_error = [&](std::string_view what) {
    return BuiltinError(fn, fmt::format("parsing time {}: {} out of range", QuoteString(whole_value),
                                        what));
  };
  // Case-insensitive match of one of `names` (whole, or its first three letters).
  auto lookup = [](std::string_view* v, const char* const* names, size_t n, bool abbrev,
                   int64_t* idx) {
    for (size_t i = 0; i < n; ++i) {
      std::string_view name = names[i];
      if (abbrev) name = name.substr(0, 3);
      if (v->size() < name.size()) continue;
      bool eq = true;
      for (size_t k = 0; k < name.size() && eq; ++k) {
        eq = std::tolower(static_cast<unsigned char>((*v)[k])) ==
             std::tolower(static_cast<unsigned char>(name[k]));
      }
      if (eq) {
        *idx = static_cast<int64_t>(i);
        v->remove_prefix(name.size());
        return true;
      }
    }
    return false;
  };
  int64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0;
  int64_t offset = 0;
  bool pm = false, am = false;
  while (true) {
    std::string_view rest;
    Chunk c = NextChunk(layout, &rest);
    // The literal text must match, any run of spaces matching any other.
    std::string_view prefix = c.prefix;
    while (!prefix.empty()) {
      if (prefix[0] == ' ') {
        if (value.empty() || value[0] != ' ') return cannot(value, c.prefix);
        while (!prefix.empty() && prefix[0] == ' ') prefix.remove_prefix(1);
        while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        continue;
      }
      if (value.empty() || value[0] != prefix[0]) return cannot(value, c.prefix);
      prefix.remove_prefix(1);
      value.remove_prefix(1);
    }
    if (c.elem == LayoutElem::kNone) {
      if (!value.empty()) {
        return BuiltinError(fn, fmt::format("parsing time {}: extra text: {}",
                                            QuoteString(whole_value), QuoteString(value)));
      }
      break;
    }
    layout = rest;
    std::string_view before = value;
    bool ok = true;
    int64_t n = 0;
    switch (c.elem) {
      case LayoutElem::kLongYear:
        ok = value.size() >= 4 && std::all_of(value.begin(), value.begin() + 4, [](char ch) {
               return ch >= '0' && ch <= '9';
             });
        if (ok) {
          year = std::stoll(std::string(value.substr(0, 4)));
          value.remove_prefix(4);
        }
        break;
      case LayoutElem::kYear:
        ok = GetNum(&value, true, &n);
        year = n >= 69 ? 1900 + n : 2000 + n;
        break;
      case LayoutElem::kLongMonth:
      case LayoutElem::kMonth:
        ok = lookup(&value, kMonthNames, 12, c.elem == LayoutElem::kMonth, &n);
        month = n + 1;
        break;
      case LayoutElem::kNumMonth:
      case LayoutElem::kZeroMonth:
        ok = GetNum(&value, c.elem == LayoutElem::kZeroMonth, &month);
        if (ok && (month < 1 || month > 12)) return range_error("month");
        break;
      case LayoutElem::kLongWeekDay:
      case LayoutElem::kWeekDay:
        ok = lookup(&value, kDayNames, 7, c.elem == LayoutElem::kWeekDay, &n);
        break;
      case LayoutElem::kUnderDay:
      case LayoutElem::kDay:
      case LayoutElem::kZeroDay:
        if (c.elem == LayoutElem::kUnderDay && !value.empty() && value[0] == ' ') value.remove_prefix(1);
        ok = GetNum(&value, c.elem == LayoutElem::kZeroDay, &day);
        break;
      case LayoutElem::kHour:
        ok = GetNum(&value, false, &hour);
        if (ok && hour > 23) return range_error("hour");
        break;
      case LayoutElem::kHour12:
      case LayoutElem::kZeroHour12:
        ok = GetNum(&value, c.elem == LayoutElem::kZeroHour12, &hour);
        if (ok && hour > 12) return range_error("hour");
        break;
      case LayoutElem::kMinute:
      case LayoutElem::kZeroMinute:
        ok = GetNum(&value, c.elem == LayoutElem::kZeroMinute, &minute);
        if (ok && minute > 59) return range_error("minute");
        break;
      case LayoutElem::kSecond:
      case LayoutElem::kZeroSecond: {
        ok = GetNum(&value, c.elem == LayoutElem::kZeroSecond, &second);
        if (ok && second > 59) return range_error("second");
        // Go reads fractional seconds after the seconds even when the layout
        // has none, unless the layout's next element is the fraction.
        std::string_view peek;
        Chunk next = NextChunk(layout, &peek);
        bool layout_has_fraction = next.prefix.empty() && (next.elem == LayoutElem::kFracSecond0 ||
                                                           next.elem == LayoutElem::kFracSecond9);
        if (ok && !layout_has_fraction && value.size() > 1 && (value[0] == '.' || value[0] == ',') &&
            value[1] >= '0' && value[1] <= '9') {
          value.remove_prefix(FractionDigits(value, &nanos));
        }
        break;
      }
      case LayoutElem::kFracSecond0:
      case LayoutElem::kFracSecond9: {
        if (c.elem == LayoutElem::kFracSecond9 && (value.empty() || (value[0] != '.' && value[0] != ','))) {
          break;  // an optional fraction that is absent
        }
        if (value.empty() || (value[0] != '.' && value[0] != ',')) {
          ok = false;
          break;
        }
        const size_t k = FractionDigits(value, &nanos);
        if (c.elem == LayoutElem::kFracSecond0 && static_cast<int>(k - 1) != c.digits) ok = false;
        if (ok) value.remove_prefix(k);
        break;
      }
      case LayoutElem::kPM:
      case LayoutElem::kpm: {
        std::string_view p = value.substr(0, 2);
        std::string up(p);
        for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        bool exact_case = c.elem == LayoutElem::kPM ? (p == "AM" || p == "PM") : (p == "am" || p == "pm");
        ok = p.size() == 2 && exact_case;
        if (ok) {
          pm = up == "PM";
          am = up == "AM";
          value.remove_prefix(2);
        }
        break;
      }
      case LayoutElem::kISO8601TZ:
      case LayoutElem::kISO8601ColonTZ:
      case LayoutElem::kISO8601ShortTZ:
      case LayoutElem::kNumTZ:
      case LayoutElem::kNumColonTZ:
      case LayoutElem::kNumShortTZ: {
        if (IsIsoZone(c.elem) && !value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          offset = 0;
          break;
        }
        const bool colon = IsColonZone(c.elem), short_tz = IsShortZone(c.elem);
        if (value.empty() || (value[0] != '+' && value[0] != '-')) {
          ok = false;
          break;
        }
        int sign = value[0] == '-' ? -1 : 1;
        std::string_view v = value.substr(1);
        int64_t hh = 0, mm = 0;
        ok = GetNum(&v, true, &hh);
        if (ok && !short_tz) {
          if (colon) {
            ok = !v.empty() && v[0] == ':';
            if (ok) v.remove_prefix(1);
          }
          ok = ok && GetNum(&v, true, &mm);
        }
        if (ok) {
          offset = sign * (hh * 3600 + mm * 60);
          value = v;
        }
        break;
      }
      case LayoutElem::kTZ: {
        // An abbreviation: UTC or GMT, or any other of 3-5 capitals, which Go
        // takes as an unknown zone at offset zero.
        size_t k = 0;
        while (k < value.size() && value[k] >= 'A' && value[k] <= 'Z') ++k;
        ok = k >= 3 && k <= 5;
        if (ok) value.remove_prefix(k);
        break;
      }
      case LayoutElem::kNone:
        break;
    }
    if (!ok) return cannot(before, c.text);
  }
  if (pm && hour < 12) hour += 12;
  if (am && hour == 12) hour = 0;
  if (day < 1 || day > DaysIn(year, month)) return range_error("day");
  int64_t ns;
  if (!FromCivil(DaysFromCivil(year, month, day), hour * 3600 + minute * 60 + second - offset, nanos,
                 &ns)) {
    return BuiltinError(fn, "time outside of valid range");
  }
  *out = ns;
  return Status::Ok();
}

Status ParseNs(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("time.parse_ns", 1, "string", a[0]);
  if (!a[1].is_string()) return OperandTypeError("time.parse_ns", 2, "string", a[1]);
  int64_t ns = 0;
  GOV_RETURN_IF_ERROR(ParseGoTime("time.parse_ns", a[0].str(), a[1].str(), &ns));
  *out = Value::Int(ns);
  return Status::Ok();
}

// The layouts Go's time package names, which time.format accepts by name.
std::string_view NamedLayout(std::string_view layout) {
  static const std::pair<std::string_view, std::string_view> kNamed[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
  };
  for (const auto& [name, value] : kNamed) {
    if (layout == name) return value;
  }
  return layout.empty() ? "2006-01-02T15:04:05.999999999Z07:00" : layout;
}

// Writes `c` (a wall-clock reading at `zone`) as Go's Time.Format does.
std::string FormatGoTime(std::string_view layout, const Civil& c, const ZoneOffset& zone) {
  std::string s;
  auto number = [&](int64_t v, int width) {
    if (v < 0) {
      s += '-';
      v = -v;
    }
    s += fmt::format("{:0{}}", v, width);
  };
  while (!layout.empty()) {
    std::string_view rest;
    Chunk ch = NextChunk(layout, &rest);
    s += ch.prefix;
    layout = rest;
    const int64_t hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    switch (ch.elem) {
      case LayoutElem::kNone: break;
      case LayoutElem::kYear: number(c.year % 100 < 0 ? -(c.year % 100) : c.year % 100, 2); break;
      case LayoutElem::kLongYear: number(c.year, 4); break;
      case LayoutElem::kMonth: s += std::string_view(kMonthNames[c.month - 1]).substr(0, 3); break;
      case LayoutElem::kLongMonth: s += kMonthNames[c.month - 1]; break;
      case LayoutElem::kNumMonth: number(c.month, 1); break;
      case LayoutElem::kZeroMonth: number(c.month, 2); break;
      case LayoutElem::kWeekDay: s += std::string_view(kDayNames[c.weekday]).substr(0, 3); break;
      case LayoutElem::kLongWeekDay: s += kDayNames[c.weekday]; break;
      case LayoutElem::kDay: number(c.day, 1); break;
      case LayoutElem::kUnderDay: s += fmt::format("{:>2}", c.day); break;
      case LayoutElem::kZeroDay: number(c.day, 2); break;
      case LayoutElem::kHour: number(c.hour, 2); break;
      case LayoutElem::kHour12: number(hour12, 1); break;
      case LayoutElem::kZeroHour12: number(hour12, 2); break;
      case LayoutElem::kMinute: number(c.minute, 1); break;
      case LayoutElem::kZeroMinute: number(c.minute, 2); break;
      case LayoutElem::kSecond: number(c.second, 1); break;
      case LayoutElem::kZeroSecond: number(c.second, 2); break;
      case LayoutElem::kPM: s += c.hour >= 12 ? "PM" : "AM"; break;
      case LayoutElem::kpm: s += c.hour >= 12 ? "pm" : "am"; break;
      case LayoutElem::kFracSecond0:
        s += ch.text[0];
        s += fmt::format("{:09}", c.nanos).substr(0, ch.digits);
        break;
      case LayoutElem::kFracSecond9: {
        std::string frac = fmt::format("{:09}", c.nanos).substr(0, ch.digits);
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        if (!frac.empty()) s += ch.text[0] + frac;
        break;
      }
      case LayoutElem::kTZ:
        if (!zone.abbreviation.empty()) {
          s += zone.abbreviation;
          break;
        }
        [[fallthrough]];  // Go writes a nameless zone as -0700
      case LayoutElem::kISO8601TZ:
      case LayoutElem::kISO8601ColonTZ:
      case LayoutElem::kISO8601ShortTZ:
      case LayoutElem::kNumTZ:
      case LayoutElem::kNumColonTZ:
      case LayoutElem::kNumShortTZ: {
        if (IsIsoZone(ch.elem) && zone.seconds == 0) {
          s += 'Z';
          break;
        }
        const int32_t minutes = (zone.seconds < 0 ? -zone.seconds : zone.seconds) / 60;
        s += zone.seconds < 0 ? '-' : '+';
        number(minutes / 60, 2);
        if (IsShortZone(ch.elem)) break;
        if (IsColonZone(ch.elem)) s += ':';
        number(minutes % 60, 2);
        break;
      }
    }
  }
  return s;
}

Status Format(Ctx&, Operands a, Value* out) {
  TimeOperand t;
  GOV_RETURN_IF_ERROR(TimeArg("time.format", a[0], &t));
  const ZoneOffset zone = t.Offset();
  *out = Value::String(FormatGoTime(NamedLayout(t.layout), ToCivil(t.ns, zone.seconds), zone));
  return Status::Ok();
}

}  // namespace

void RegisterTimeBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"time.now_ns", 0, NowNs},
                          {"time.parse_rfc3339_ns", 1, ParseRfc3339Ns},
                          {"time.parse_ns", 2, ParseNs},
                          {"time.parse_duration_ns", 1, ParseDurationNs},
                          {"time.add_date", 4, AddDate},
                          {"time.date", 1, Date},
                          {"time.clock", 1, Clock},
                          {"time.weekday", 1, Weekday},
                          {"time.diff", 2, Diff},
                          {"time.format", 1, Format},
                      });
}

}  // namespace governance::rego
