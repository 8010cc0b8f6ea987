#!/usr/bin/env python3
"""Cross-checks `mgov data check` against pandas (and Python's re).

Generates a CSV with nulls, "NA" markers, duplicates, out-of-range, non-numeric
and non-matching values, computes every expectation's checked and failing
counts, verdict and first five offending rows with pandas, runs
`mgov --json data check`, and requires the same answers.

The harness is checked first: one planted wrong expectation must be reported.

Usage: data_quality_vs_pandas.py MGOV
"""
import copy
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

import pandas as pd

ROWS = 3000
NULL_VALUES = ["NA"]

RULES = [
    {"column": "income", "expectation": "not_null"},
    {"column": "id", "expectation": "not_null"},
    {"column": "age", "expectation": "between", "min": 18, "max": 100},
    {"column": "income", "expectation": "between", "min": 0},
    {"column": "score", "expectation": "between", "min": -1.5, "max": 1.5},
    {"column": "loan_status", "expectation": "in_set", "values": [0, 1]},
    {"column": "loan_status", "expectation": "in_set", "values": ["0", "1", "unknown"]},
    {"column": "grade", "expectation": "in_set", "values": ["A", "B", "C"]},
    {"column": "id", "expectation": "unique"},
    {"column": "email", "expectation": "unique"},
    {"column": "email", "expectation": "matches", "pattern": r"^[a-z0-9._]+@[a-z]+\.(com|org)$"},
    {"column": "email", "expectation": "matches", "pattern": r"example"},
    {"column": "income", "expectation": "max_null_fraction", "value": 0.05},
    {"column": "grade", "expectation": "max_null_fraction", "value": 0.5},
    {"column": "age", "expectation": "type", "type": "integer"},
    {"column": "score", "expectation": "type", "type": "number"},
    {"column": "member", "expectation": "type", "type": "boolean"},
    {"column": "grade", "expectation": "type", "type": "string"},
    {"expectation": "required_columns", "columns": ["id", "age", "zip", "income", "region"]},
    {"expectation": "required_columns", "columns": ["id", "email"]},
    {"expectation": "row_count", "min": 100, "max": 1000000},
    {"expectation": "row_count", "max": 1000},
]


def generate(path, rng):
    header = ["id", "age", "income", "score", "loan_status", "grade", "email", "member"]
    lines = [",".join(header)]

    def maybe(value, p_null=0.03, p_na=0.0):
        r = rng.random()
        if r < p_null:
            return ""
        if r < p_null + p_na:
            return "NA"
        return value

    for i in range(ROWS):
        ident = str(i + 1) if rng.random() > 0.02 else str(rng.randint(1, 50))
        age = rng.choice([str(rng.randint(18, 100))] * 20 +
                         [str(rng.randint(0, 17)), str(rng.randint(101, 130)), "abc", "42.5",
                          "-3", "+50"])
        income = f"{rng.uniform(-1000, 200000):.2f}"
        score = rng.choice([f"{rng.gauss(0, 1):.4f}", "1e-3", "2.5E0", "nan", "x"] + ["0.5"] * 5)
        status = rng.choice(["0", "1"] * 10 + ["2", "1.0", "unknown", "0.0", "yes"])
        grade = rng.choice(["A", "B", "C", "D", "a"])
        user = rng.choice(["ann", "bob.k", "c_d", "Eve", "x"]) + str(rng.randint(0, 400))
        email = rng.choice([f"{user}@example.com", f"{user}@example.org", f"{user}@mail.net",
                            user, f"{user}@@example.com", f"{user}@example.com "])
        member = rng.choice(["true", "false", "True", "FALSE", "yes", "1", "tRuE"])
        row = [maybe(ident, 0.005), maybe(age), maybe(income, 0.03, 0.03), maybe(score),
               maybe(status), maybe(grade, 0.4), maybe(email), maybe(member)]
        lines.append(",".join(row))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def expected(raw):
    """What each rule should report, computed with pandas: `raw` holds every
    cell as written, nulls become NaN."""
    df = raw.mask(raw.isin([""] + NULL_VALUES))
    out = []
    for rule in RULES:
        e = {"expectation": rule["expectation"], "column": rule.get("column")}
        kind = rule["expectation"]
        if kind == "required_columns":
            missing = [c for c in rule["columns"] if c not in df.columns]
            e.update(checked=len(rule["columns"]), failing=len(missing), passed=not missing,
                     missing_columns=missing, examples=[])
            out.append(e)
            continue
        if kind == "row_count":
            ok = rule.get("min", -math.inf) <= len(df) <= rule.get("max", math.inf)
            e.update(checked=1, failing=0 if ok else 1, passed=ok, examples=[])
            out.append(e)
            continue
        column = df[rule["column"]]
        if kind in ("not_null", "max_null_fraction"):
            cells, failing = column, column.isna()
        else:
            cells = column.dropna()
            numbers = pd.to_numeric(cells, errors="coerce")
            finite = numbers.map(lambda v: not pd.isna(v) and math.isfinite(v))
            if kind == "between":
                failing = ~finite | (numbers < rule.get("min", -math.inf)) | (
                    numbers > rule.get("max", math.inf))
            elif kind == "in_set":
                nums = [v for v in rule["values"] if not isinstance(v, str)]
                strs = [v for v in rule["values"] if isinstance(v, str)]
                failing = ~((finite & numbers.isin(nums)) | cells.isin(strs))
            elif kind == "unique":
                failing = cells.duplicated(keep=False)
            elif kind == "matches":
                failing = cells.map(lambda s: re.search(rule["pattern"], s) is None)
            elif kind == "type":
                failing = {
                    "integer": lambda: ~cells.str.fullmatch(r"[+-]?[0-9]+"),
                    "number": lambda: ~finite,
                    "boolean": lambda: ~cells.str.lower().isin(["true", "false"]),
                    "string": lambda: cells.map(lambda s: False),
                }[rule["type"]]()
            else:
                raise ValueError(kind)
        failing = failing.astype(bool)
        count = int(failing.sum())
        if kind == "max_null_fraction":
            passed = len(cells) == 0 or count / len(cells) <= rule["value"]
        else:
            passed = count == 0
        bad = raw[rule["column"]][failing.reindex(column.index, fill_value=False)]
        examples = [{"row": int(i) + 1, "value": v}
                    for i, v in bad.head(5).items()]
        e.update(checked=len(cells), failing=count, passed=bool(passed), examples=examples)
        out.append(e)
    return out


def compare(want, got):
    """Names every difference between pandas' answers and mgov's."""
    problems = []
    if len(want) != len(got):
        return [f"{len(got)} expectations reported, {len(want)} expected"]
    for i, (w, g) in enumerate(zip(want, got)):
        for key, value in w.items():
            if value is None:
                continue
            if g.get(key) != value:
                problems.append(f"expectation {i} ({w['expectation']} {w['column'] or ''}): "
                                f"{key} is {g.get(key)!r}, pandas says {value!r}")
    return problems


def main():
    mgov = sys.argv[1]
    rng = random.Random(17)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data.csv")
        rules = os.path.join(tmp, "rules.json")
        generate(data, rng)
        with open(rules, "w") as f:
            json.dump({"null_values": NULL_VALUES, "data_quality": RULES}, f)
        run = subprocess.run([mgov, "--json", "data", "check", "--rules", rules, "--data", data],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit(f"mgov exited {run.returncode}: {run.stderr}")
        got = json.loads(run.stdout)["spec"]["data_quality"]
        df = pd.read_csv(data, dtype=str, keep_default_na=False)
        want = expected(df)

    # The harness must be able to fail: a planted wrong count is reported.
    planted = copy.deepcopy(want)
    planted[2]["failing"] += 1
    if not any(p.startswith("expectation 2 ") for p in compare(planted, got["expectations"])):
        sys.exit("the planted wrong expectation was not reported")

    problems = compare(want, got["expectations"])
    if got["rows"] != len(df):
        problems.append(f"rows is {got['rows']}, pandas says {len(df)}")
    passed = all(w["passed"] for w in want)
    if got["passed"] != passed or run.returncode != (0 if passed else 1):
        problems.append(f"passed is {got['passed']} (exit {run.returncode}), pandas says {passed}")
    if problems:
        sys.exit("\n".join(problems))
    for w in want:
        print(f"{w['expectation']:18} {w['column'] or '-':12} checked {w['checked']:5} "
              f"failing {w['failing']:5} {'PASS' if w['passed'] else 'FAIL'}")
    print(f"{len(want)} expectations agree with pandas over {len(df)} rows")


if __name__ == "__main__":
    main()
