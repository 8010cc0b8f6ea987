#!/bin/sh
# The fleet the compliance report tests look at, built with the mgov binary
# as a team would: a policy with a warning rule and a waivable rule, three
# models, two approvers, deployments to staging and production, a waived
# rule, a rollback, drift and fairness checks, a revocation, and an
# approval about to expire. Text that reaches the report from users (a
# model id, reasons) carries markup and quotes: <script> " ' &.
# Usage: scenario.sh MGOV DIR (DIR is created; the store is DIR/.mgov,
# trusted roots DIR/home; run mgov with cwd DIR and MGOV_HOME=DIR/home).
set -eu
MGOV=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$2
DATA=$(cd "$(dirname "$0")/../monitoring/data" && pwd)
mkdir -p "$DIR"
cd "$DIR"
export MGOV_HOME="$DIR/home"
unset MGOV_STORE MGOV_LEDGER_KEY MGOV_TRUST || true

# mgov CODE ARGS...: runs mgov, insists on exit CODE, keeps stdout in $OUT.
mgov() {
  want=$1; shift
  set +e; OUT=$("$MGOV" "$@" 2>"$DIR/stderr"); got=$?; set -e
  if [ "$got" != "$want" ]; then
    echo "scenario: mgov $* exited $got (expected $want)" >&2
    cat "$DIR/stderr" >&2
    echo "$OUT" >&2
    exit 1
  fi
}

mkdir -p policy
cat > policy/governance.rego <<'REGO'
package model.governance

deny_accuracy contains msg if {
  input.spec.metrics.accuracy < 0.85
  msg := sprintf("accuracy %v is below 0.85", [input.spec.metrics.accuracy])
}

warn_latency contains msg if {
  input.spec.metrics.latency_p95_ms > 30
  msg := sprintf("p95 latency %v ms is above 30 ms", [input.spec.metrics.latency_p95_ms])
}
REGO

manifest() {  # manifest FILE ACCURACY LATENCY [exception annotations...]
  file=$1; accuracy=$2; latency=$3; shift 3
  {
    echo "metadata:"
    echo "  name: $file"
    echo "  annotations:"
    echo "    owner: risk-ml"
    for a in "$@"; do echo "    $a"; done
    echo "spec:"
    echo "  metrics:"
    echo "    accuracy: $accuracy"
    echo "    latency_p95_ms: $latency"
  } > "$file"
}

mgov 0 init --admin-key admin/admin.key --policy policy
for who in trainer:trainer alice:approver bob:approver deployer:deployer; do
  mgov 0 key generate --identity "${who%%:*}" --role "${who##*:}" --out keys \
    --admin-key admin/admin.key
done

cat > release.yaml <<'YAML'
what_changed: Retrained with merchant features <v3> & new labels.
rollback_trigger: precision below 0.90 over 24 h
owners: [risk-ml@example.com]
YAML

# release MODEL VERSION MANIFEST ENVS [approve options...]: trains a new
# artifact, with the release record and an SDK component, and has alice and
# bob approve it; the approval id is in $ID.
release() {
  model=$1; version=$2; man=$3; envs=$4; shift 4
  printf 'weights of %s %s' "$model" "$version" > model.bin
  mgov 0 train --model "$model" --version "$version" --artifact model.bin --manifest "$man" \
    --key keys/trainer.key --out to.json --dataset-version "ds-$version" \
    --code-revision "rev-$version" --release-notes release.yaml \
    --component "sdk=android_sdk_2.$version.0"
  mgov 0 approve to.json --key keys/alice.key --env "$envs" "$@"
  ID=$(echo "$OUT" | head -n 1)
  mgov 0 cosign "$ID" --key keys/bob.key
}
deploy() {  # deploy ID ENV (the artifact is model.bin as last trained)
  mgov 0 deploy "$1" --env "$2" --artifact model.bin --key keys/deployer.key
}

# fraud: v1 to staging and production (a latency warning), v2 to staging
# under a waiver of deny_accuracy that bob approved, then rolled back.
manifest fraud-v1.yaml 0.91 42
release fraud 1 fraud-v1.yaml staging,production
deploy "$ID" staging
deploy "$ID" production
manifest fraud-v2.yaml 0.82 25 \
  "policy.mgov.dev/exception: accuracy" \
  "policy.mgov.dev/exception-reason: 'Interim model while the <Q3> retrain completes & \"ships\"'" \
  "policy.mgov.dev/exception-approver: bob" \
  "policy.mgov.dev/exception-expires: '2099-01-01T00:00:00Z'"
release fraud 2 fraud-v2.yaml staging
deploy "$ID" staging
mgov 0 rollback --model fraud --env staging \
  --reason "v2 <script>alert('x')</script> \"regressed\" & paged" --key keys/deployer.key

# Three drift checks (stable, one column, all columns) and a fairness check.
mgov 0 drift --reference "$DATA/reference.csv" --current "$DATA/current_stable.csv" --model fraud
mgov 0 drift --reference "$DATA/reference.csv" --current "$DATA/current_one_drifted.csv" \
  --model fraud
mgov 1 drift --reference "$DATA/reference.csv" --current "$DATA/current_drifted.csv" --model fraud
mgov 0 fairness --predictions "$DATA/predictions_fair.csv" --label label --prediction prediction \
  --sensitive group --model fraud

# churn: in staging under an approval that expires in 7 days.
manifest churn.yaml 0.9 20
release churn 1 churn.yaml staging --ttl 7d
deploy "$ID" staging

# A model whose id carries markup, deployed, then its approval revoked.
manifest evil.yaml 0.95 10
release "evil<script>alert(1)</script>\"'&" 1 evil.yaml staging
deploy "$ID" staging
mgov 0 revoke --approval "$ID" --reason "found <b>bias</b> & \"leakage\" in 'holdout'" \
  --key keys/alice.key
echo "scenario ready in $DIR"
