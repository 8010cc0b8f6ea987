# CLI tests of `mgov policy check`, `capabilities`, and `policy eval` in
# conftest's manner (several inputs, --data, namespaces, conftest's reports),
# and the run of conftest's own examples. Included from CMakeLists.txt.
set(ct ${CMAKE_CURRENT_SOURCE_DIR}/testdata/conftest)
set(GOV_CONFTEST_EXAMPLES_DIR "${PROJECT_SOURCE_DIR}/../shared/rego-corpus/conftest/examples"
    CACHE PATH "conftest's examples/ folder (shared/rego-corpus/conftest/examples)")

function(policy_cli_exit name want)
  string(REPLACE ";" "|" args "${ARGN}")
  add_test(NAME policy_cli_${name} COMMAND ${CMAKE_COMMAND}
    -DCMD=${mgov} -DARGS=${args} -DWANT=${want} -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
endfunction()

# policy check: exit 0 when everything compiles, 2 with every file's error.
policy_cli_exit(check_ok 0 policy check ${bundle} ${ct}/policy)
policy_cli_exit(check_errors_exit 2 policy check ${ct}/check_errors)
policy_cli_test(check_every_file
  "check_errors/a.rego:[45]:[0-9]+: rego_parse_error: .*check_errors/b.rego:[23]:[0-9]+: rego_parse_error"
  ${mgov} policy check ${ct}/check_errors)
policy_cli_test(check_compile_error "compile_error/c.rego:3: rego_type_error: undefined function nope_function"
  ${mgov} policy check ${ct}/compile_error)
policy_cli_test(check_json
  "\"errors\": \\[.*\"code\": \"rego_parse_error\",.*\"location\": {.*\"col\": [0-9]+,.*\"file\": \".*a.rego\",.*\"row\": [45]"
  ${mgov} policy check --format json ${ct}/check_errors)
policy_cli_test(check_json_ok "^{\n  \"errors\": \\[\\]\n}\n$" ${mgov} policy check -f json ${bundle})
policy_cli_test(check_missing "mgov policy check: .*nope: no such file or directory"
  ${mgov} policy check ${ct}/nope)
policy_cli_exit(check_missing_exit 2 policy check ${ct}/nope)
policy_cli_test(check_fifo "mgov policy check: cannot read /dev/null: it is a device"
  ${mgov} policy check /dev/null)

# policy capabilities: from the registry, in opa capabilities' shape.
policy_cli_test(capabilities
  "\"builtins\": \\[.*\"name\": \"parse_config\".*\"features\": \\[\n *\"rego_v1\"\n *\\],\n *\"future_keywords\": \\[\n *\"contains\""
  ${mgov} policy capabilities)
policy_cli_test(capabilities_infix "\"infix\": \"\\+\",\n *\"name\": \"plus\""
  ${mgov} policy capabilities)

# policy eval, conftest's way. Default report: conftest's stdout.
policy_cli_test(conftest_stdout
  "FAIL - .*inputs/deployment.yaml - main - Containers must not run as root in Deployment web\n\n4 tests, 3 passed, 0 warnings, 1 failure, 0 exceptions"
  ${mgov} policy eval -p ${ct}/policy -d ${ct}/data ${ct}/inputs/deployment.yaml)
policy_cli_exit(conftest_fail_exit 1 policy eval -p ${ct}/policy -d ${ct}/data -i ${ct}/inputs/deployment.yaml)
# Without --data the image allow-list is empty: a violation object with metadata.
policy_cli_test(conftest_json
  "\"filename\": \".*deployment.yaml\",\n\t\t\"namespace\": \"main\",\n\t\t\"successes\": 2,\n\t\t\"failures\": \\[\n.*\"msg\": \"image nginx:1.25 is not allowed\",\n\t\t\t\t\"metadata\": {\n\t\t\t\t\t\"id\": \"K8S-002\",\n\t\t\t\t\t\"severity\": \"high\""
  ${mgov} policy eval -p ${ct}/policy --output json ${ct}/inputs/deployment.yaml)
# A warning alone passes, unless --fail-on-warn.
policy_cli_exit(conftest_warn_passes 0 policy eval -p ${ct}/policy --output json ${ct}/inputs/service.json)
policy_cli_exit(conftest_fail_on_warn 1 policy eval -p ${ct}/policy --fail-on-warn ${ct}/inputs/service.json)
# A directory: every JSON/YAML file in it, multi-document YAML one result per document.
policy_cli_test(conftest_directory
  "FAIL - .*inputs/deployment.yaml - main - .*EXCP - .*inputs/more/trusted.yml - main - data.main.exception\\[_\\]\\[_\\] == \"privileged\".*WARN - .*inputs/multi.yaml - main - 50% of services, like one:\nare discouraged.*WARN - .*inputs/service.json.*20 tests, 16 passed, 2 warnings, 1 failure, 1 exception"
  ${mgov} policy eval -p ${ct}/policy -d ${ct}/data -i ${ct}/inputs)
# stdin.
add_test(NAME policy_cli_conftest_stdin COMMAND sh -c
  "${mgov} policy eval -p ${ct}/policy - < ${ct}/inputs/service.json")
set_tests_properties(policy_cli_conftest_stdin PROPERTIES
  PASS_REGULAR_EXPRESSION "WARN - - main - 50% of services, like frontend")
# TAP, as conftest prints it.
policy_cli_test(conftest_tap
  "1..4\nnot ok 1 - .*deployment.yaml - main - Containers must not run as root in Deployment web\n# successes\nok 2 - .*deployment.yaml - main - SUCCESS"
  ${mgov} policy eval -p ${ct}/policy -d ${ct}/data --output tap ${ct}/inputs/deployment.yaml)
# JUnit: one test case per file and rule.
policy_cli_test(conftest_junit
  "<testsuite name=\"conftest.main\" tests=\"4\" failures=\"1\".*<testcase classname=\".*deployment.yaml\" name=\"data.main.deny\">\n\t\t\t<failure message=\"Containers must not run as root in Deployment web\" type=\"failure\">.*<testcase classname=\".*deployment.yaml\" name=\"data.main.warn\"/>"
  ${mgov} policy eval -p ${ct}/policy -d ${ct}/data --output junit ${ct}/inputs/deployment.yaml)
# GitHub: property values and data escaped, line= where the document starts.
policy_cli_test(conftest_github
  "::warning file=.*inputs/multi.yaml,line=2,title=main.warn::50%25 of services, like one:%0Aare discouraged"
  ${mgov} policy eval -p ${ct}/policy -d ${ct}/data --output github ${ct}/inputs/multi.yaml)
policy_cli_test(conftest_github_property
  "::warning file=.*odd%2Cname%3A1.yaml,title=main.warn::"
  ${mgov} policy eval -p ${ct}/policy --output github "${ct}/odd,name:1.yaml")
# SARIF 2.1.0.
policy_cli_test(conftest_sarif
  "\"\\$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\".*\"exitCode\": 1.*\"startLine\": 8\n.*\"ruleId\": \"main/violation\".*\"version\": \"2.1.0\""
  ${mgov} policy eval -p ${ct}/policy --output sarif ${ct}/inputs/multi.yaml)
add_test(NAME policy_cli_conftest_sarif_valid COMMAND sh -c
  "${mgov} policy eval -p ${ct}/policy --output sarif ${ct}/inputs | python3 ${CMAKE_CURRENT_SOURCE_DIR}/check_sarif.py")
# Namespaces.
policy_cli_test(conftest_namespace_absent "\\? - .*service.json - nope - no policies found"
  ${mgov} policy eval -p ${ct}/multi_ns --namespace nope ${ct}/inputs/service.json)
policy_cli_test(conftest_all_namespaces
  "FAIL - .*service.json - main - main says no\nWARN - .*service.json - other.checks - other warns"
  ${mgov} policy eval -p ${ct}/multi_ns --all-namespaces ${ct}/inputs/service.json)
# --combine: one input of [{path, contents}].
policy_cli_test(conftest_combine "WARN - Combined - other.checks - other warns\n\n1 test, 0 passed, 1 warning, 0 failures, 0 exceptions"
  ${mgov} policy eval -p ${ct}/multi_ns -n other.checks --combine ${ct}/inputs/service.json ${ct}/inputs/deployment.yaml)

# Bad input: exit 2, naming the file and where.
policy_cli_test(conftest_bad_yaml "mgov policy eval: .*bad.yaml:[34]:[0-9]+"
  ${mgov} policy eval -p ${ct}/policy ${ct}/inputs/service.json ${ct}/bad.yaml)
policy_cli_exit(conftest_bad_yaml_exit 2 policy eval -p ${ct}/policy ${ct}/inputs/service.json ${ct}/bad.yaml)
policy_cli_test(conftest_device "mgov policy eval: cannot read /dev/null: it is a device"
  ${mgov} policy eval -p ${ct}/policy -i ${ct}/inputs/service.json -i /dev/null --output json)
policy_cli_test(conftest_format "mgov policy eval: .*policy/deny.rego: unsupported input format"
  ${mgov} policy eval -p ${ct}/policy ${ct}/inputs/service.json ${ct}/policy/deny.rego)
policy_cli_test(conftest_missing "mgov policy eval: .*nope.yaml: no such file or directory"
  ${mgov} policy eval -p ${ct}/policy ${ct}/inputs/service.json ${ct}/nope.yaml)
policy_cli_test(conftest_missing_data "mgov policy eval: .*nodata: --data: no such file"
  ${mgov} policy eval -p ${ct}/policy -d ${ct}/nodata ${ct}/inputs/service.json)
policy_cli_test(conftest_no_msg "mgov policy eval: .*service.json: data.main.deny: rule missing msg field"
  ${mgov} policy eval -p ${ct}/nomsg --output json ${ct}/inputs/service.json)
policy_cli_exit(conftest_no_msg_exit 2 policy eval -p ${ct}/nomsg --output json ${ct}/inputs/service.json)
policy_cli_test(conftest_artifact "--artifact, --release-notes and --environment judge one manifest"
  ${mgov} policy eval -p ${ct}/policy -a ${ct}/bad.yaml ${ct}/inputs/service.json ${ct}/inputs/deployment.yaml)
# policy test --data, as conftest verify -d.
policy_cli_test(test_data "PASS: 1/1"
  ${mgov} policy test ${ct}/data_tests --data ${ct}/data)
policy_cli_exit(test_data_missing 1 policy test ${ct}/data_tests)

# Every conftest example, the way conftest runs it; known failures listed,
# each with its reason, in conftest_expected_failures.txt.
add_test(NAME policy_cli_conftest_examples
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/conftest_corpus.sh ${mgov}
          ${GOV_CONFTEST_EXAMPLES_DIR}
          ${CMAKE_CURRENT_SOURCE_DIR}/conftest_expected_failures.txt)
