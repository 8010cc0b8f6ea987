#!/bin/sh
# End to end: `mgov data check --model` appends data-quality.checked to the
# ledger on a pass (exit 0) and a failure (exit 1), and an error (exit 2)
# leaves the ledger exactly as it was; a policy gates on the JSON.
# Usage: data_check_evidence_test.sh MGOV DATA_DIR
set -eu
MGOV=$1
DATA=$2
. "$(dirname "$0")/store_harness.sh"
entries() { "$MGOV" --json ledger list; }

expect 0 "$MGOV" init --no-policy --admin-key "$WORK/admin.key"
START=$(entries)

expect 0 "$MGOV" data check --rules "$DATA/dq_rules_pass.yaml" --data "$DATA/dq_loans.csv" \
  --model churn
echo "$OUT" | grep -q "recorded in the ledger for model churn" || fail "no ledger note: $OUT"
expect 1 "$MGOV" --json data check --rules "$DATA/dq_rules_fail.yaml" --data "$DATA/dq_loans.csv" \
  --model churn
echo "$OUT" | grep -q '"ledger_sequence"' || fail "no evidence in the JSON: $OUT"
AFTER=$(entries)
[ "$(echo "$AFTER" | grep -c '"data-quality.checked"')" = 2 ] ||
  fail "expected two data-quality.checked entries: $AFTER"
echo "$AFTER" | grep -q '"failed_expectations": 3' || fail "the failure is not in the ledger: $AFTER"
[ "$START" != "$AFTER" ] || fail "the ledger did not change"

# Errors: bad rules, an unknown column, unreadable data, a bad revocation key.
expect 2 "$MGOV" data check --rules "$DATA/dq_rules_bad_pattern.yaml" --data "$DATA/dq_loans.csv" \
  --model churn
expect 2 "$MGOV" data check --rules "$DATA/dq_rules_unknown_column.yaml" \
  --data "$DATA/dq_loans.csv" --model churn
expect 2 "$MGOV" data check --rules "$DATA/dq_rules_fail.yaml" --data "$DATA/nope.csv" --model churn
expect 2 "$MGOV" data check --rules "$DATA/dq_rules_fail.yaml" --data "$DATA/dq_loans.csv" \
  --model churn --auto-revoke --key "$WORK/nope.key"
[ "$(entries)" = "$AFTER" ] || fail "an error changed the ledger"

expect 0 "$MGOV" ledger verify

# The JSON is a manifest section a policy can gate on (docs/monitoring.md).
mkdir "$WORK/policy"
cat > "$WORK/policy/data_quality.rego" <<'REGO'
package model.governance

import rego.v1

deny contains msg if {
	some e in input.spec.data_quality.expectations
	not e.passed
	msg := sprintf("data quality: %s %s failed on %d rows", [e.expectation, object.get(e, "column", "-"), e.failing])
}
REGO
for rules in pass fail; do
  set +e
  "$MGOV" --json data check --rules "$DATA/dq_rules_$rules.yaml" --data "$DATA/dq_loans.csv" \
    > "$WORK/$rules.json"
  set -e
done
expect 0 "$MGOV" policy eval -p "$WORK/policy" -i "$WORK/pass.json"
expect 1 "$MGOV" policy eval -p "$WORK/policy" -i "$WORK/fail.json"
echo "$OUT" | grep -q "data quality: between age failed on 2 rows" || fail "no denial: $OUT"
echo "$OUT" | grep -q "FAIL: 3 denied" || fail "expected three denials: $OUT"
echo "data-quality evidence recorded, nothing stored on error"
