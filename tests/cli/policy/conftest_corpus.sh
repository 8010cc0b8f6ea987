#!/usr/bin/env bash
# Runs every example of conftest's examples/ folder the way conftest would,
# with mgov:
#   check  every folder of .rego files compiles      (mgov policy check DIR)
#   eval   the folder's policy against the example's JSON/YAML inputs
#          (mgov policy eval -p DIR INPUT...: exit 0 or 1, a verdict, never 2;
#          where conftest's acceptance tests document the verdict, that one)
#   test   its *_test.rego pass                       (mgov policy test DIR)
# Inputs in formats mgov does not read (HCL, Dockerfile, INI, CUE, ...) are out
# of scope for eval; their policies are still checked and tested.
#
# Usage: conftest_corpus.sh MGOV EXAMPLES_DIR EXPECTED_FAILURES_FILE
# Prints one line per step (PASS, FAIL, XFAIL: listed in the expected-failures
# file, XPASS: listed but passing, so the entry must go) and a summary; exits 1
# when a step fails that is not listed, a listed step passes, or a listed step
# names nothing here: the list says exactly what does not work.
set -u
mgov=$(realpath "$1")
examples=$2
expected_file=$3

declare -A expected
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  key=${line%%[[:space:]]*}
  reason=${line#"$key"}
  expected[$key]=$(echo "$reason" | sed 's/^[[:space:]]*//')
done < "$expected_file"

# How conftest's command line runs an example, where it differs from
# `-p <folder> <the example's JSON/YAML files>`. Each documented in conftest's
# acceptance tests or the example's own conftest.toml.
#   eval_args[unit]    the inputs and options after -p <unit>
#   eval_exit[unit]    the exit code conftest's acceptance test expects
#   eval_expect[unit]  text its output must contain
#   test_args[unit]    options of `mgov policy test` (--data, as `conftest verify -d`)
#   test_exit[unit]    the exit code `conftest verify` is documented to give
declare -A eval_args eval_exit eval_expect test_args test_exit
# data: `conftest test -p examples/data/policy -d examples/data/exclusions
# examples/data/service.yaml`, and `conftest verify` with the same -d: the
# tests read data.services from the exclusions folder.
eval_args[data/policy]="-d data/exclusions data/service.yaml"
eval_exit[data/policy]=1
eval_expect[data/policy]="Cannot expose port"
test_args[data/policy]="--data data/exclusions"
# combine: --combine gives the policy every file at once.
eval_args[combine/policy]="--combine combine/team.yaml combine/user1.yaml combine/user2.yaml"
eval_exit[combine/policy]=1
eval_expect[combine/policy]="2 tests, 1 passed, 0 warnings, 1 failure"
eval_args[kubernetes/combine]="--combine kubernetes/combine/combine.yaml"
eval_args[kubernetes/policy]="kubernetes/service.yaml"
eval_exit[kubernetes/policy]=0
eval_expect[kubernetes/policy]="5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions"
eval_args[exceptions/policy]="exceptions/deployments.yaml"
eval_exit[exceptions/policy]=1
eval_expect[exceptions/policy]="2 tests, 0 passed, 0 warnings, 1 failure, 1 exception"
# configfile: its conftest.toml says policy = "test", namespace = "conftest".
eval_args[configfile/test]="--namespace conftest configfile/deployment.yaml"
eval_exit[configfile/test]=1
eval_expect[configfile/test]="Containers must not run as root"
# hcl1: `conftest test -p examples/hcl1/policy/base.rego examples/hcl1/gke-show.json`
eval_args[hcl1/policy]="hcl1/gke-show.json"
eval_exit[hcl1/policy]=1
eval_expect[hcl1/policy]="Terraform plan will change prohibited resources in the following namespaces: google_iam, google_container"
# report: fail/ and success/ hold tests of policy/'s deny (conftest's
# acceptance runs them with -p on both folders); fail/'s test is written to fail.
declare -A with_dirs test_cwd
with_dirs[report/fail]=report/policy
with_dirs[report/success]=report/policy
test_exit[report/fail]=1
# kubernetes/combine's test reads "combine.yaml" from its own folder.
test_cwd[kubernetes/combine]=kubernetes/combine
# traefik: "Fail when unit test rego": conftest verify exits 1 on it.
test_exit[traefik/policy]=1
# Files that are not inputs: capabilities.json is --capabilities' argument,
# package*.json belong to the TypeScript example's tooling.
not_input='(^|/)(capabilities\.json|package\.json|package-lock\.json)$'

passed=0 failed=0 xfailed=0 xpassed=0
declare -A seen

report() {  # report UNIT STEP OK DETAIL
  local key="$1:$2"
  seen[$key]=1
  if [[ "$3" == 1 ]]; then
    if [[ -n "${expected[$key]+x}" ]]; then
      echo "XPASS $key: passes now, remove it from $(basename "$expected_file")"
      xpassed=$((xpassed + 1))
    else
      echo "PASS  $key"
      passed=$((passed + 1))
    fi
  elif [[ -n "${expected[$key]+x}" ]]; then
    echo "XFAIL $key (${expected[$key]})"
    xfailed=$((xfailed + 1))
  else
    echo "FAIL  $key: $4"
    failed=$((failed + 1))
  fi
}

cd "$examples" || exit 2
for unit in $(find . -name '*.rego' -printf '%h\n' | sed 's|^\./||' | sort -u); do
  # check
  # shellcheck disable=SC2086
  out=$("$mgov" policy check "$unit" ${with_dirs[$unit]:-} 2>&1); rc=$?
  report "$unit" check $([[ $rc == 0 ]] && echo 1 || echo 0) "exit $rc: $(echo "$out" | head -3 | tr '\n' ' ')"

  # eval
  if [[ -n "${eval_args[$unit]+x}" ]]; then
    args=${eval_args[$unit]}
  else
    # The example's JSON/YAML files: beside the policy folder (or in the
    # folder, when the policy is not in its own), not in another folder of
    # .rego files.
    base=$unit
    [[ $(basename "$unit") =~ ^(policy|test|fail|success|policy_print)$ ]] && base=$(dirname "$unit")
    args=$(find "$base" -maxdepth 1 -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
           | sed 's|^\./||' | grep -Ev "$not_input" | sort | tr '\n' ' ')
  fi
  if [[ -n "${args// /}" ]]; then
    # shellcheck disable=SC2086
    out=$("$mgov" policy eval -p "$unit" $args 2>&1); rc=$?
    ok=0
    want=${eval_exit[$unit]:-}
    if [[ -n "$want" ]]; then
      [[ $rc == "$want" ]] && ok=1
    else
      [[ $rc == 0 || $rc == 1 ]] && ok=1
    fi
    if [[ $ok == 1 && -n "${eval_expect[$unit]:-}" && "$out" != *"${eval_expect[$unit]}"* ]]; then
      ok=0
      out="output lacks \"${eval_expect[$unit]}\": $out"
    fi
    report "$unit" eval $ok "exit $rc (want ${want:-0 or 1}): $(echo "$out" | head -4 | tr '\n' ' ')"
  fi

  # test
  if compgen -G "$unit/*_test.rego" > /dev/null; then
    # shellcheck disable=SC2086
    if [[ -n "${test_cwd[$unit]:-}" ]]; then
      out=$(cd "${test_cwd[$unit]}" && "$mgov" policy test . 2>&1); rc=$?
    else
      # shellcheck disable=SC2086
      out=$("$mgov" policy test "$unit" ${with_dirs[$unit]:-} ${test_args[$unit]:-} 2>&1); rc=$?
    fi
    want=${test_exit[$unit]:-0}
    report "$unit" test $([[ $rc == "$want" ]] && echo 1 || echo 0) \
      "exit $rc (want $want): $(echo "$out" | grep -E 'FAIL|ERROR|error' | head -4 | tr '\n' ' ')"
  fi
done

stale=0
for key in "${!expected[@]}"; do
  if [[ -z "${seen[$key]+x}" ]]; then
    echo "STALE $key: listed in $(basename "$expected_file") but no such example step"
    stale=$((stale + 1))
  fi
done

echo "conftest corpus: $passed passed, $failed failed, $xfailed expected failures, $xpassed unexpected passes"
[[ $failed == 0 && $xpassed == 0 && $stale == 0 ]]
