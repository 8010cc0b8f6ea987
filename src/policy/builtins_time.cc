// Time builtins. Times are int64 nanoseconds since the Unix epoch, UTC. Named
// time zones other than UTC are not supported and say so.
#include <cmath>

#include <fmt/format.h>

#include "policy/builtins.h"

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

Civil ToCivil(int64_t ns) {
  int64_t secs = ns / kNsPerSec;
  int64_t nanos = ns % kNsPerSec;
  if (nanos < 0) {
    nanos += kNsPerSec;
    --secs;
  }
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

// Reads the timestamp operand: a number, or [ns, tz] / [ns, tz, layout].
Status TimeArg(std::string_view fn, const Value& v, int64_t* ns, std::string* layout) {
  const Value* num = &v;
  if (v.is_array()) {
    if (v.items().empty() || v.items().size() > 3) {
      return OperandTypeError(fn, 1, "number or array of [ns, tz] or [ns, tz, layout]", v);
    }
    num = &v.items()[0];
    if (v.items().size() >= 2) {
      const Value& tz = v.items()[1];
      if (!tz.is_string()) return OperandTypeError(fn, 1, "array of [number, string]", v);
      if (!tz.str().empty() && tz.str() != "UTC") {
        return BuiltinError(fn, fmt::format("time zone {} is not supported (only UTC)",
                                            QuoteString(tz.str())));
      }
    }
    if (v.items().size() == 3) {
      if (!v.items()[2].is_string()) return OperandTypeError(fn, 1, "array of [number, string, string]", v);
      if (layout != nullptr) *layout = v.items()[2].str();
    }
  }
  if (!num->is_number()) return OperandTypeError(fn, 1, "number", *num);
  if (!num->ToInt(ns)) {
    if (std::isfinite(num->as_double()) && num->as_double() == std::floor(num->as_double())) {
      return BuiltinError(fn, "timestamp too big");
    }
    *ns = static_cast<int64_t>(num->as_double());
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
  int64_t ns, y, m, d;
  GOV_RETURN_IF_ERROR(TimeArg("time.add_date", a[0], &ns, nullptr));
  if (!a[1].ToInt(&y)) return OperandTypeError("time.add_date", 2, "integer", a[1]);
  if (!a[2].ToInt(&m)) return OperandTypeError("time.add_date", 3, "integer", a[2]);
  if (!a[3].ToInt(&d)) return OperandTypeError("time.add_date", 4, "integer", a[3]);
  Civil c = ToCivil(ns);
  int64_t year = c.year + y;
  int64_t month0 = c.month - 1 + m;
  year += month0 >= 0 ? month0 / 12 : (month0 - 11) / 12;
  month0 = ((month0 % 12) + 12) % 12;
  int64_t days = DaysFromCivil(year, month0 + 1, 1) + c.day - 1 + d;
  int64_t result;
  if (!FromCivil(days, c.hour * 3600 + c.minute * 60 + c.second, c.nanos, &result)) {
    return BuiltinError("time.add_date", "time outside of valid range");
  }
  *out = Value::Int(result);
  return Status::Ok();
}

Status Date(Ctx&, Operands a, Value* out) {
  int64_t ns;
  GOV_RETURN_IF_ERROR(TimeArg("time.date", a[0], &ns, nullptr));
  Civil c = ToCivil(ns);
  *out = Value::Array({Value::Int(c.year), Value::Int(c.month), Value::Int(c.day)});
  return Status::Ok();
}

Status Clock(Ctx&, Operands a, Value* out) {
  int64_t ns;
  GOV_RETURN_IF_ERROR(TimeArg("time.clock", a[0], &ns, nullptr));
  Civil c = ToCivil(ns);
  *out = Value::Array({Value::Int(c.hour), Value::Int(c.minute), Value::Int(c.second)});
  return Status::Ok();
}

Status Weekday(Ctx&, Operands a, Value* out) {
  static const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                "Thursday", "Friday", "Saturday"};
  int64_t ns;
  GOV_RETURN_IF_ERROR(TimeArg("time.weekday", a[0], &ns, nullptr));
  *out = Value::String(kDays[ToCivil(ns).weekday]);
  return Status::Ok();
}

int64_t DaysIn(int64_t year, int64_t month) {
  int64_t next_y = month == 12 ? year + 1 : year;
  int64_t next_m = month == 12 ? 1 : month + 1;
  return DaysFromCivil(next_y, next_m, 1) - DaysFromCivil(year, month, 1);
}

Status Diff(Ctx&, Operands a, Value* out) {
  int64_t n1, n2;
  GOV_RETURN_IF_ERROR(TimeArg("time.diff", a[0], &n1, nullptr));
  GOV_RETURN_IF_ERROR(TimeArg("time.diff", a[1], &n2, nullptr));
  if (n1 > n2) std::swap(n1, n2);
  Civil t1 = ToCivil(n1), t2 = ToCivil(n2);
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

Status Format(Ctx&, Operands a, Value* out) {
  int64_t ns;
  std::string layout;
  GOV_RETURN_IF_ERROR(TimeArg("time.format", a[0], &ns, &layout));
  if (!layout.empty() && layout != "RFC3339Nano" && layout != "2006-01-02T15:04:05.999999999Z07:00") {
    return BuiltinError("time.format", fmt::format("layout {} is not supported (only RFC3339Nano)",
                                                   QuoteString(layout)));
  }
  Civil c = ToCivil(ns);
  std::string s = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour,
                              c.minute, c.second);
  if (c.nanos != 0) {
    std::string frac = fmt::format("{:09}", c.nanos);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  *out = Value::String(s + "Z");
  return Status::Ok();
}

}  // namespace

void RegisterTimeBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"time.now_ns", 0, NowNs},
                          {"time.parse_rfc3339_ns", 1, ParseRfc3339Ns},
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
