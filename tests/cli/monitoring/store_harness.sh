# Sourced by the monitoring CLI tests that need a store: a fresh store and
# mgov home under $WORK (removed on exit), and the fail/expect helpers.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export MGOV_STORE="$WORK/governance.db"
export MGOV_HOME="$WORK/home"
unset MGOV_LEDGER_KEY MGOV_TRUST || true

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect EXIT CMD...: runs CMD, checks its exit code, keeps its output in $OUT.
expect() {
  want=$1; shift
  set +e; OUT=$("$@" 2>&1); got=$?; set -e
  [ "$got" = "$want" ] || fail "exit $got (expected $want): $*
$OUT"
}
