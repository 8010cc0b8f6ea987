#!/usr/bin/env python3
"""Cross-checks mgov's IANA time zones against Python's zoneinfo.

For every zone Python lists and instants from 1970 to 2200 (past the last
transition a zone file lists, where the POSIX rule in its footer decides),
Rego's time.clock, time.date, time.weekday and time.format must say what
zoneinfo says; time.add_date must too wherever the wall-clock result is
neither skipped nor repeated (there Go and Python choose differently, by
design). A policy compares, `mgov policy eval --strict` runs it: a builtin
error is exit 2, a mismatch a failure naming the case.

The harness is checked first: one planted wrong expectation must fail.

Usage: time_zones_vs_python.py MGOV
"""
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import zoneinfo

POLICY = r"""
package main

import rego.v1

deny contains msg if {
	some c in input.cases
	got := time.clock([c.ns, c.zone])
	got != c.clock
	msg := sprintf("time.clock %s %d: got %v, want %v", [c.zone, c.ns, got, c.clock])
}

deny contains msg if {
	some c in input.cases
	got := time.date([c.ns, c.zone])
	got != c.date
	msg := sprintf("time.date %s %d: got %v, want %v", [c.zone, c.ns, got, c.date])
}

deny contains msg if {
	some c in input.cases
	got := time.weekday([c.ns, c.zone])
	got != c.weekday
	msg := sprintf("time.weekday %s %d: got %v, want %v", [c.zone, c.ns, got, c.weekday])
}

deny contains msg if {
	some c in input.cases
	got := time.format([c.ns, c.zone, "2006-01-02T15:04:05Z07:00 MST Monday Jan 3PM"])
	got != c.format
	msg := sprintf("time.format %s %d: got %v, want %v", [c.zone, c.ns, got, c.format])
}

deny contains msg if {
	some c in input.cases
	c.add_date != null
	got := time.add_date([c.ns, c.zone], 0, 1, 3)
	got != c.add_date
	msg := sprintf("time.add_date %s %d: got %v, want %v", [c.zone, c.ns, got, c.add_date])
}
"""

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


def go_offset(seconds):
    """Go's "Z07:00": Z at zero, else sign, hours, minutes (seconds dropped)."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02}:{minutes % 60:02}"


def wall_clock_is_unique(local):
    """True when `local` (naive, with tzinfo) occurs exactly once."""
    a = local.replace(fold=0)
    b = local.replace(fold=1)
    if a.utcoffset() != b.utcoffset():
        return False  # repeated
    back = a.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)  # else skipped


def case(zone_name, ns):
    zone = zoneinfo.ZoneInfo(zone_name)
    seconds, nanos = divmod(ns, 10**9)
    t = (EPOCH + datetime.timedelta(seconds=seconds)).astimezone(zone)
    offset = int(t.utcoffset().total_seconds())
    hour12 = t.hour % 12 or 12
    fmt_ = (f"{t.year:04}-{t.month:02}-{t.day:02}T{t.hour:02}:{t.minute:02}:{t.second:02}"
            f"{go_offset(offset)} {t.tzname()} {t.strftime('%A')} {t.strftime('%b')} "
            f"{hour12}{'PM' if t.hour >= 12 else 'AM'}")
    # add_date(0, 1, 3): the same wall-clock time one month and three days on.
    month = t.month + 1
    year = t.year + (month > 12)
    month = (month - 1) % 12 + 1
    try:
        target = t.replace(tzinfo=None, year=year, month=month)
    except ValueError:  # the 31st in a 30-day month: Go normalises, skip
        target = None
    add_date = None
    if target is not None:
        target = (target + datetime.timedelta(days=3)).replace(tzinfo=zone)
        if wall_clock_is_unique(target) and wall_clock_is_unique(t):
            delta = target.astimezone(UTC) - EPOCH
            add_date = (delta.days * 86400 + delta.seconds) * 10**9 + nanos
    return {
        "zone": zone_name,
        "ns": ns,
        "clock": [t.hour, t.minute, t.second],
        "date": [t.year, t.month, t.day],
        "weekday": t.strftime("%A"),
        "format": fmt_,
        "add_date": add_date,
    }


def run(mgov, cases, workdir):
    policy = os.path.join(workdir, "policy")
    os.makedirs(policy, exist_ok=True)
    with open(os.path.join(policy, "zones.rego"), "w") as f:
        f.write(POLICY)
    data = os.path.join(workdir, "cases.json")
    with open(data, "w") as f:
        json.dump({"cases": cases}, f)
    return subprocess.run(
        [mgov, "policy", "eval", "--strict", "-p", policy, "--output", "json", data],
        capture_output=True, text=True)


def main():
    mgov = sys.argv[1]
    rng = random.Random(20261207)
    zones = sorted(zoneinfo.available_timezones())
    instants = [0, 1_500_000_000, 2_147_483_647, 2_200_000_000, 4_102_444_800, 7_258_118_400]
    cases = []
    for zone in zones:
        picks = instants + [rng.randrange(0, 7_258_118_400) for _ in range(12)]
        for s in picks:
            cases.append(case(zone, s * 10**9 + rng.randrange(10**9)))
    # Instants around this decade's daylight-saving changes in a few zones.
    for zone in ["America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Santiago",
                 "Pacific/Chatham", "Asia/Tehran", "Africa/Casablanca", "Europe/Dublin"]:
        tz = zoneinfo.ZoneInfo(zone)
        for year in range(2020, 2031):
            for day in range(1, 366, 3):
                local = datetime.datetime(year, 1, 1, 1, 30, tzinfo=tz) + datetime.timedelta(days=day)
                cases.append(case(zone, int((local - EPOCH).total_seconds()) * 10**9))
    with_add = sum(c["add_date"] is not None for c in cases)

    with tempfile.TemporaryDirectory() as workdir:
        # The harness must be able to fail: one wrong expectation is reported.
        planted = dict(cases[1], clock=[25, 0, 0])
        r = run(mgov, [planted], workdir)
        if r.returncode != 1 or "time.clock" not in r.stdout:
            print(f"planted mismatch not reported (exit {r.returncode}):\n{r.stdout}{r.stderr}")
            return 1
        r = run(mgov, cases, workdir)
    if r.returncode != 0:
        print(f"mgov disagrees with zoneinfo (exit {r.returncode}):\n{r.stdout[:4000]}{r.stderr[:2000]}")
        return 1
    print(f"{len(zones)} zones, {len(cases)} instants ({with_add} with add_date): "
          "time.clock, date, weekday, format and add_date agree with Python's zoneinfo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
