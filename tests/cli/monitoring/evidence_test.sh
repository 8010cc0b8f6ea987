#!/bin/sh
# End to end: `mgov drift --model` and `mgov fairness --model` append
# drift.checked / fairness.checked to the ledger, and `--auto-revoke` revokes
# the model's approvals once drift or unfairness is severe enough.
# Usage: evidence_test.sh MGOV DATA_DIR
set -eu
MGOV=$1
DATA=$2
. "$(dirname "$0")/store_harness.sh"

expect 0 "$MGOV" init --no-policy --admin-key "$WORK/admin.key"
expect 0 "$MGOV" key generate --identity trainer@example.com --role trainer --out "$WORK/keys" \
  --admin-key "$WORK/admin.key"
expect 0 "$MGOV" key generate --identity approver@example.com --role approver --out "$WORK/keys" \
  --admin-key "$WORK/admin.key"
printf 'weights' > "$WORK/model.bin"
expect 0 "$MGOV" train --model churn --version 1 --artifact "$WORK/model.bin" \
  --key "$WORK/keys/trainer@example.com.key" --out "$WORK/training.json"
expect 0 "$MGOV" approve "$WORK/training.json" --key "$WORK/keys/approver@example.com.key" --env staging

# Stable data: recorded, exit 0, nothing revoked.
expect 0 "$MGOV" drift --reference "$DATA/reference.csv" --current "$DATA/current_stable.csv" \
  --model churn --auto-revoke --key "$WORK/keys/approver@example.com.key"
echo "$OUT" | grep -q "recorded in the ledger for model churn" || fail "no ledger note: $OUT"
echo "$OUT" | grep -q "not revoked: severity 0.00 is below the revoke severity 0.80" || fail "$OUT"

# A bad key fails before anything is computed or recorded.
expect 2 "$MGOV" drift --reference "$DATA/reference.csv" --current "$DATA/current_drifted.csv" \
  --model churn --auto-revoke --key "$WORK/keys/nope.key"

# Severe drift with --auto-revoke: exit 1, approvals revoked.
expect 1 "$MGOV" drift --reference "$DATA/reference.csv" --current "$DATA/current_drifted.csv" \
  --model churn --auto-revoke --key "$WORK/keys/approver@example.com.key" --json
echo "$OUT" | grep -q '"revoked": true' || fail "not revoked: $OUT"

# Metric drift and fairness are recorded too.
expect 1 "$MGOV" drift --training-metrics "$DATA/training_metrics.json" \
  --serving-metrics "$DATA/serving_degraded.json" --model churn
expect 1 "$MGOV" fairness --predictions "$DATA/predictions_unfair.csv" --label approved \
  --prediction predicted --sensitive gender --model churn

# Fairness with --auto-revoke: a second model (its own artifact: churn's is
# revoked under every model id), approved, then found unfair.
printf 'scorer weights' > "$WORK/scorer.bin"
expect 0 "$MGOV" train --model scorer --version 1 --artifact "$WORK/scorer.bin" \
  --key "$WORK/keys/trainer@example.com.key" --out "$WORK/scorer.json"
expect 0 "$MGOV" approve "$WORK/scorer.json" --key "$WORK/keys/approver@example.com.key" \
  --env staging --json
SCORER_APPROVAL=$(echo "$OUT" | sed -n 's/.*"approval_id": *"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$SCORER_APPROVAL" ] || fail "no approval id: $OUT"
expect 0 "$MGOV" verify "$SCORER_APPROVAL" --env staging
expect 0 "$MGOV" fairness --predictions "$DATA/predictions_fair.csv" --label label \
  --prediction prediction --sensitive group --model scorer --auto-revoke \
  --key "$WORK/keys/approver@example.com.key"
echo "$OUT" | grep -q "not revoked: severity 0.50 is below the revoke severity 0.80" || fail "$OUT"
expect 1 "$MGOV" fairness --predictions "$DATA/predictions_unfair.csv" --label approved \
  --prediction predicted --sensitive gender --model scorer --auto-revoke \
  --key "$WORK/keys/approver@example.com.key" --json
echo "$OUT" | grep -q '"revoked": true' || fail "not revoked: $OUT"
expect 1 "$MGOV" verify "$SCORER_APPROVAL" --env staging
echo "$OUT" | grep -q "fairness severity 1.00 >= 0.80 (automatic revocation)" ||
  fail "revocation reason not shown: $OUT"

expect 0 "$MGOV" ledger list --json
[ "$(echo "$OUT" | grep -c '"model.revoked"')" = 2 ] || fail "expected two model.revoked entries: $OUT"
for type in drift.checked model.revoked fairness.checked; do
  echo "$OUT" | grep -q "\"$type\"" || fail "ledger has no $type entry: $OUT"
done
expect 0 "$MGOV" ledger verify
echo "evidence recorded and approvals revoked"
