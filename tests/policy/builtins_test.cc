// Every builtin, each with its result; adding a builtin without a case here
// fails the coverage test at the end.
#include "policy/builtins.h"

#include <doctest/doctest.h>

#include <set>

#include "builtin_eval.h"
#include "governance/policy.h"

namespace governance {
namespace {

struct Case {
  const char* builtin;  // the builtin this case covers
  const char* expr;     // a term; the test evaluates x := <expr>
  const char* want;     // JSON of x, or "undefined"
};

const Case kCases[] = {
    {"equal", "1 == 1.0", "true"},
    {"neq", "1 != 2", "true"},
    {"lt", "[1] < [1, 0]", "true"},
    {"lte", "\"a\" <= \"a\"", "true"},
    {"gt", "{1} > [1]", "true"},
    {"gte", "null >= false", "false"},
    {"plus", "1 + 2.5", "3.5"},
    {"minus", "{1, 2} - {2}", "[1]"},
    {"mul", "3 * 4", "12"},
    {"div", "7 / 2", "3.5"},
    {"rem", "7 % 3", "1"},
    {"abs", "abs(-3)", "3"},
    {"round", "round(2.5)", "3"},
    {"ceil", "ceil(1.2)", "2"},
    {"floor", "floor(-1.2)", "-2"},
    {"numbers.range", "numbers.range(3, 1)", "[3,2,1]"},
    {"or", "{1} | {2}", "[1,2]"},
    {"and", "{1, 2} & {2, 3}", "[2]"},
    {"union", "union({{1}, {2}})", "[1,2]"},
    {"intersection", "intersection({{1, 2}, {2, 3}})", "[2]"},
    {"walk", "[path | walk([1], [path, _])]", "[[],[0]]"},
    {"internal.member_2", "2 in {1, 2}", "true"},
    {"internal.member_3", "(\"k\", 1 in {\"k\": 1})", "true"},
    {"internal.template_string", "$\"a{1}{input.no}\"", "\"a1<undefined>\""},
    {"count", "count(\"h\u00e9llo\")", "5"},
    {"sum", "sum([1, 2, 3.5])", "6.5"},
    {"product", "product({2, 3})", "6"},
    {"max", "max([1, 3, 2])", "3"},
    {"min", "min({3, 2})", "2"},
    {"sort", "sort([3, \"a\", 1])", "[1,3,\"a\"]"},
    {"is_string", "is_string(\"s\")", "true"},
    {"is_number", "is_number(\"1\")", "false"},
    {"is_boolean", "is_boolean(false)", "true"},
    {"is_array", "is_array([])", "true"},
    {"is_object", "is_object({})", "true"},
    {"is_set", "is_set(set())", "true"},
    {"is_null", "is_null(null)", "true"},
    {"type_name", "type_name({1})", "\"set\""},
    {"to_number", "to_number(\"-1.5e2\")", "-150"},
    {"object.get", "object.get({\"a\": {\"b\": 1}}, [\"a\", \"b\"], 0)", "1"},
    {"object.keys", "object.keys({\"b\": 1, \"a\": 2})", "[\"a\",\"b\"]"},
    {"object.union", "object.union({\"a\": {\"b\": 1}}, {\"a\": {\"c\": 2}})",
     "{\"a\":{\"b\":1,\"c\":2}}"},
    {"object.union_n", "object.union_n([{\"a\": 1}, {\"a\": 2}])", "{\"a\":2}"},
    {"object.remove", "object.remove({\"a\": 1, \"b\": 2}, [\"a\"])", "{\"b\":2}"},
    {"object.filter", "object.filter({\"a\": 1, \"b\": 2}, {\"a\"})", "{\"a\":1}"},
    {"array.concat", "array.concat([1], [2])", "[1,2]"},
    {"array.slice", "array.slice([1, 2, 3, 4], 1, 3)", "[2,3]"},
    {"array.reverse", "array.reverse([1, 2])", "[2,1]"},
    {"array.flatten", "array.flatten([[1], 2])", "[1,2]"},
    {"object.subset", "object.subset({\"a\": 1, \"b\": 2}, {\"a\": 1})", "true"},
    {"json.filter", "json.filter({\"a\": {\"b\": 1, \"c\": 2}}, [\"a/b\"])",
     "{\"a\":{\"b\":1}}"},
    {"json.remove", "json.remove({\"a\": {\"b\": 1, \"c\": 2}}, [\"a/b\"])",
     "{\"a\":{\"c\":2}}"},
    {"json.patch", "json.patch({\"a\": 1}, [{\"op\": \"add\", \"path\": \"/b\", \"value\": 2}])",
     "{\"a\":1,\"b\":2}"},
    {"json.marshal_with_options", "json.marshal_with_options([1], {\"pretty\": true})",
     "\"[\\n\\t1\\n]\""},
    {"json.match_schema", "json.match_schema({\"a\": 1}, {\"type\": \"object\"})", "[true,[]]"},
    {"json.verify_schema", "json.verify_schema({\"type\": \"number\"})", "[true,null]"},
    {"yaml.marshal", "yaml.marshal({\"a\": [1]})", "\"a:\\n- 1\\n\""},
    {"yaml.unmarshal", "yaml.unmarshal(\"a: [1]\")", "{\"a\":[1]}"},
    {"yaml.is_valid", "yaml.is_valid(\"a: [1\")", "false"},
    {"graph.reachable", "graph.reachable({\"a\": [\"b\"], \"b\": []}, [\"a\"])",
     "[\"a\",\"b\"]"},
    {"graph.reachable_paths", "graph.reachable_paths({\"a\": [\"b\"], \"b\": []}, [\"a\"])",
     "[[\"a\",\"b\"]]"},
    {"concat", "concat(\"-\", [\"a\", \"b\"])", "\"a-b\""},
    {"contains", "contains(\"abc\", \"bc\")", "true"},
    {"startswith", "startswith(\"abc\", \"ab\")", "true"},
    {"endswith", "endswith(\"abc\", \"bc\")", "true"},
    {"lower", "lower(\"AbC\")", "\"abc\""},
    {"upper", "upper(\"AbC\")", "\"ABC\""},
    {"trim", "trim(\"xxhixx\", \"x\")", "\"hi\""},
    {"trim_left", "trim_left(\"xxhi\", \"x\")", "\"hi\""},
    {"trim_right", "trim_right(\"hixx\", \"x\")", "\"hi\""},
    {"trim_space", "trim_space(\"  hi \\n\")", "\"hi\""},
    {"trim_prefix", "trim_prefix(\"v1.2\", \"v\")", "\"1.2\""},
    {"trim_suffix", "trim_suffix(\"a.rego\", \".rego\")", "\"a\""},
    {"replace", "replace(\"a.b.c\", \".\", \"/\")", "\"a/b/c\""},
    {"strings.replace_n", "strings.replace_n({\"a\": \"b\"}, \"aa\")", "\"bb\""},
    {"strings.reverse", "strings.reverse(\"ab\")", "\"ba\""},
    {"strings.render_template", "strings.render_template(\"{{.a}}\", {\"a\": 1})", "\"1\""},
    {"split", "split(\"a,b\", \",\")", "[\"a\",\"b\"]"},
    {"strings.split_n", "strings.split_n(\"a.b.c\", \".\", 2)", "[\"a\",\"b\"]"},
    {"substring", "substring(\"h\u00e9llo\", 1, 3)", "\"\u00e9ll\""},
    {"indexof", "indexof(\"h\u00e9llo\", \"l\")", "2"},
    {"indexof_n", "indexof_n(\"aXbX\", \"X\")", "[1,3]"},
    {"strings.count", "strings.count(\"cheese\", \"e\")", "3"},
    {"strings.any_prefix_match", "strings.any_prefix_match([\"a/b\"], \"a/\")", "true"},
    {"strings.any_suffix_match", "strings.any_suffix_match(\"a/b\", {\"/c\"})", "false"},
    {"format_int", "format_int(255, 16)", "\"ff\""},
    {"units.parse_bytes", "units.parse_bytes(\"2KiB\")", "2048"},
    {"sprintf", "sprintf(\"%s=%d %.2f %v %q %t %x\", [\"a\", 3, 0.785, [1], \"q\", true, 255])",
     "\"a=3 0.79 [1] \\\"q\\\" true ff\""},
    {"regex.match", "regex.match(\"^v[0-9]+$\", \"v12\")", "true"},
    {"regex.is_valid", "regex.is_valid(\"(\")", "false"},
    {"regex.find_n", "regex.find_n(\"[0-9]+\", \"a1b22c333\", 2)", "[\"1\",\"22\"]"},
    {"regex.split", "regex.split(\"[,;] *\", \"a, b;c\")", "[\"a\",\"b\",\"c\"]"},
    {"regex.replace", "regex.replace(\"a1\", \"[0-9]\", \"#\")", "\"a#\""},
    {"regex.find_all_string_submatch_n", "regex.find_all_string_submatch_n(\"a(b)\", \"ab\", -1)", "[[\"ab\",\"b\"]]"},
    {"regex.template_match", "regex.template_match(\"a{[0-9]+}\", \"a12\", \"{\", \"}\")", "true"},
    {"regex.globs_match", "regex.globs_match(\"a.\", \".b\")", "true"},
    {"glob.match", "glob.match(\"*.b\", [], \"a.b\")", "true"},
    {"glob.quote_meta", "glob.quote_meta(\"*\")", "\"\\\\*\""},
    {"units.parse", "units.parse(\"1k\")", "1000"},
    {"bits.and", "bits.and(6, 3)", "2"},
    {"bits.or", "bits.or(6, 3)", "7"},
    {"bits.xor", "bits.xor(6, 3)", "5"},
    {"bits.negate", "bits.negate(0)", "-1"},
    {"bits.lsh", "bits.lsh(1, 3)", "8"},
    {"bits.rsh", "bits.rsh(8, 3)", "1"},
    {"numbers.range_step", "numbers.range_step(0, 4, 2)", "[0,2,4]"},
    {"urlquery.encode", "urlquery.encode(\"a b\")", "\"a+b\""},
    {"urlquery.decode", "urlquery.decode(\"a+b\")", "\"a b\""},
    {"urlquery.encode_object", "urlquery.encode_object({\"a\": \"b\"})", "\"a=b\""},
    {"urlquery.decode_object", "urlquery.decode_object(\"a=b\")", "{\"a\":[\"b\"]}"},
    {"uuid.parse", "uuid.parse(\"00000000-0000-4000-8000-000000000000\").version", "4"},
    {"time.parse_ns", "time.parse_ns(\"2006-01-02\", \"1970-01-02\")", "86400000000000"},
    {"hex.encode", "hex.encode(\"hi\")", "\"6869\""},
    {"hex.decode", "hex.decode(\"6869\")", "\"hi\""},
    {"base64.is_valid", "base64.is_valid(\"aGk=\")", "true"},
    {"base64url.encode", "base64url.encode(\"hi?\")", "\"aGk_\""},
    {"base64url.encode_no_pad", "base64url.encode_no_pad(\"hi\")", "\"aGk\""},
    {"base64url.decode", "base64url.decode(\"aGk\")", "\"hi\""},
    {"semver.is_valid", "semver.is_valid(\"1.2.3-rc.1+b5\")", "true"},
    {"semver.compare", "semver.compare(\"1.2.3-rc.1\", \"1.2.3\")", "-1"},
    {"crypto.md5", "crypto.md5(\"foo\")", "\"acbd18db4cc2f85cedef654fccc4a4d8\""},
    {"crypto.sha1", "crypto.sha1(\"foo\")", "\"0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33\""},
    {"crypto.sha256", "crypto.sha256(\"foo\")",
     "\"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\""},
    {"crypto.hmac.md5", "crypto.hmac.md5(\"foo\", \"bar\")", "\"31b6db9e5eb4addb42f1a6ca07367adc\""},
    {"crypto.hmac.sha1", "crypto.hmac.sha1(\"foo\", \"bar\")",
     "\"85d155c55ed286a300bd1cf124de08d87e914f3a\""},
    {"crypto.hmac.sha256", "crypto.hmac.sha256(\"foo\", \"bar\")",
     "\"147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851\""},
    {"crypto.hmac.sha512", "crypto.hmac.sha512(\"foo\", \"bar\")",
     "\"24257d7210582a65c731ec55159c8184cc24c02489453e58587f71f44c23a2d61b4b72154a89d17b2d49448a8452ea066f4fc56a2bcead45c088572ffccdb3d8\""},
    {"crypto.hmac.equal", "crypto.hmac.equal(\"ab\", \"ab\")", "true"},
    {"crypto.x509.parse_certificates", "crypto.x509.parse_certificates(\"\")", "[]"},
    {"crypto.x509.parse_and_verify_certificates",
     "crypto.x509.parse_and_verify_certificates(\"\")", "[false,[]]"},
    {"crypto.x509.parse_certificate_request", "crypto.x509.parse_certificate_request(\"foobar\")",
     "undefined"},
    {"crypto.x509.parse_keypair", "crypto.x509.parse_keypair(\"\", \"\")", "undefined"},
    {"crypto.x509.parse_rsa_private_key", "crypto.x509.parse_rsa_private_key(\"invalid\")",
     "undefined"},
    {"io.jwt.decode", "io.jwt.decode(\"eyJhbGciOiJub25lIn0.e30.\")", "[{\"alg\":\"none\"},{},\"\"]"},
    {"io.jwt.decode_verify",
     "io.jwt.decode_verify(\"eyJhbGciOiJIUzI1NiJ9.e30.XmNK3GpH3Ys_7wsYBfq4C3M6goz71I7dTgUkuIa5lyQ\", "
     "{\"secret\": \"wrong\"})",
     "[false,{},{}]"},
    {"io.jwt.encode_sign",
     "io.jwt.encode_sign({\"alg\": \"HS256\"}, {}, {\"kty\": \"oct\", \"k\": \"c2VjcmV0\"})",
     "\"eyJhbGciOiJIUzI1NiJ9.e30.XmNK3GpH3Ys_7wsYBfq4C3M6goz71I7dTgUkuIa5lyQ\""},
    {"io.jwt.encode_sign_raw",
     "io.jwt.encode_sign_raw(`{\"alg\":\"HS256\"}`, `{}`, `{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}`)",
     "\"eyJhbGciOiJIUzI1NiJ9.e30.XmNK3GpH3Ys_7wsYBfq4C3M6goz71I7dTgUkuIa5lyQ\""},
    {"io.jwt.verify_hs256",
     "io.jwt.verify_hs256(\"eyJhbGciOiJIUzI1NiJ9.e30.XmNK3GpH3Ys_7wsYBfq4C3M6goz71I7dTgUkuIa5lyQ\", "
     "\"secret\")",
     "true"},
    {"io.jwt.verify_hs384", "io.jwt.verify_hs384(\"e30.e30.\", \"secret\")", "false"},
    {"io.jwt.verify_hs512", "io.jwt.verify_hs512(\"e30.e30.\", \"secret\")", "false"},
    {"io.jwt.verify_rs256", "io.jwt.verify_rs256(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_rs384", "io.jwt.verify_rs384(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_rs512", "io.jwt.verify_rs512(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_ps256", "io.jwt.verify_ps256(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_ps384", "io.jwt.verify_ps384(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_ps512", "io.jwt.verify_ps512(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_es256", "io.jwt.verify_es256(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_es384", "io.jwt.verify_es384(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_es512", "io.jwt.verify_es512(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"io.jwt.verify_eddsa", "io.jwt.verify_eddsa(\"e30.e30.\", `{\"keys\": []}`)", "false"},
    {"net.cidr_contains", "net.cidr_contains(\"10.0.0.0/8\", \"10.1.2.3\")", "true"},
    {"net.cidr_intersects", "net.cidr_intersects(\"10.0.0.0/8\", \"11.0.0.0/8\")", "false"},
    {"net.cidr_is_valid", "net.cidr_is_valid(\"10.0.0.0/33\")", "false"},
    {"net.cidr_expand", "net.cidr_expand(\"10.0.0.0/31\")", "[\"10.0.0.0\",\"10.0.0.1\"]"},
    {"net.cidr_contains_matches", "net.cidr_contains_matches(\"10.0.0.0/8\", [\"10.0.0.1\"])",
     "[[\"10.0.0.0/8\",0]]"},
    {"net.cidr_merge", "net.cidr_merge([\"10.0.0.0/25\", \"10.0.0.128/25\"])", "[\"10.0.0.0/24\"]"},
    {"time.now_ns", "time.now_ns() > 0", "true"},
    {"time.parse_rfc3339_ns", "time.parse_rfc3339_ns(\"2017-06-02T19:00:00-07:00\")",
     "1496455200000000000"},
    {"time.parse_duration_ns", "time.parse_duration_ns(\"1h30m\")", "5400000000000"},
    {"time.add_date", "time.add_date(0, 1, 1, 1)", "34300800000000000"},
    {"time.date", "time.date(1517814000000000000)", "[2018,2,5]"},
    {"time.clock", "time.clock(1517814000000000000)", "[7,0,0]"},
    {"time.weekday", "time.weekday(1518177600000000000)", "\"Friday\""},
    {"time.diff", "time.diff(0, 34300800000000000)", "[1,1,1,0,0,0]"},
    {"time.format", "time.format(1670006453141828752)", "\"2022-12-02T18:40:53.141828752Z\""},
    {"json.marshal", "json.marshal({\"b\": [1], \"a\": {2}})", "\"{\\\"a\\\":[2],\\\"b\\\":[1]}\""},
    {"json.unmarshal", "json.unmarshal(\"{\\\"a\\\": [1, null]}\")", "{\"a\":[1,null]}"},
    {"json.is_valid", "json.is_valid(\"{\")", "false"},
    {"parse_config", "parse_config(\"yaml\", \"a: [1, 2]\")", "{\"a\":[1,2]}"},
    // Refused outside conftest-compatible commands, even when not strict.
    {"parse_config_file", "parse_config_file(\"/nonexistent/c.yaml\")",
     "error: b.rego:2: parse_config_file: reads files of the evaluating host, which only "
     "conftest-compatible commands allow (`mgov policy eval` of several inputs, `mgov policy "
     "test`): a governance decision must not depend on the host's files"},
    {"parse_combined_config_files", "parse_combined_config_files([])", "[]"},
    {"base64.encode", "base64.encode(\"hi\")", "\"aGk=\""},
    {"base64.decode", "base64.decode(\"aGk=\")", "\"hi\""},
    {"print", "print(\"x\")", "true"},
    {"trace", "trace(\"note\")", "true"},
};

std::string Eval(const std::string& expr, bool strict = false) {
  return testing::EvalTerm(expr, strict);
}

}  // namespace

TEST_CASE("Builtins: each builtin's result") {
  for (const Case& c : kCases) {
    CAPTURE(c.expr);
    CHECK(Eval(c.expr) == c.want);
  }
}

TEST_CASE("Builtins: every registered builtin has a case") {
  std::set<std::string> covered;
  for (const Case& c : kCases) covered.insert(c.builtin);
  for (const rego::Builtin* b : rego::AllBuiltins()) {
    CAPTURE(b->name);
    CHECK(covered.count(std::string(b->name)) == 1);
  }
}

TEST_CASE("Builtins: OPA's builtins that reach the network or are not deterministic are refused by name") {
  for (const char* name : {"http.send", "net.lookup_ip_addr", "opa.runtime", "rand.intn",
                           "providers.aws.sign_req", "uuid.rfc4122"}) {
    CAPTURE(name);
    CHECK(rego::LookupBuiltin(name) == nullptr);
    auto b = CompilePolicyModules(
        {{"u.rego", std::string("package u\np := ") + name + "({})\n"}}, nullptr);
    REQUIRE_FALSE(b.ok());
    CHECK(b.status().message().find(std::string("rego_type_error: builtin ") + name +
                                    " is not supported by mgov: ") != std::string::npos);
  }
  auto b = CompilePolicyModules({{"u.rego", "package u\np := no.such.fn(1)\n"}}, nullptr);
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("undefined function no.such.fn") != std::string::npos);
  CHECK(Eval("trace(1)", true) ==
        "error: b.rego:2: eval_type_error: trace: operand 1 must be string but got number");
}

TEST_CASE("Builtins: errors are undefined unless strict, with OPA's codes and messages") {
  CHECK(Eval("concat(1, [])") == "undefined");
  CHECK(Eval("concat(1, [])", true) ==
        "error: b.rego:2: eval_type_error: concat: operand 1 must be string but got number");
  CHECK(Eval("\"a\" + 1", true) ==
        "error: b.rego:2: eval_type_error: plus: operand 1 must be number but got string");
  CHECK(Eval("1 % 0", true) == "error: b.rego:2: eval_builtin_error: rem: modulo by zero");
  CHECK(Eval("semver.compare(\"1\", \"1.0.0\")", true) ==
        "error: b.rego:2: eval_builtin_error: semver.compare: operand 1: string \"1\" is not a "
        "valid SemVer");
  CHECK(Eval("regex.match(\"(\", \"x\")", true).find("eval_builtin_error: regex.match: error "
                                                      "parsing regexp") != std::string::npos);
  CHECK(Eval("time.parse_rfc3339_ns(\"2262-04-11T23:47:16.854775808Z\")", true) ==
        "error: b.rego:2: eval_builtin_error: time.parse_rfc3339_ns: time outside of valid range");
  CHECK(Eval("time.date([0, \"Europe/Atlantis\"])", true) ==
        "error: b.rego:2: eval_builtin_error: time.date: unknown time zone Europe/Atlantis");
  CHECK(Eval("to_number(\"nan\")", true) ==
        "error: b.rego:2: eval_type_error: to_number: invalid syntax: \"nan\"");
}

TEST_CASE("Builtins: regex results stay right past the per-thread pattern cache") {
  // Twelve patterns cycled twice: more than the eight a thread keeps, so
  // entries are evicted and recompiled or refetched while others are reused.
  std::string expr = "[";
  std::string want = "[";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 12; ++i) {
      if (expr.size() > 1) {
        expr += ", ";
        want += ",";
      }
      expr += "regex.find_n(\"a{" + std::to_string(i + 1) + "}\", \"" + std::string(13, 'a') +
              "\", 1)";
      want += "[\"" + std::string(static_cast<size_t>(i + 1), 'a') + "\"]";
    }
  }
  CHECK(Eval(expr + "]") == want + "]");
  CHECK(Eval("trim_space(\"  padded\\t\")") == "\"padded\"");
  CHECK(Eval("trim_space(\"kept as is\")") == "\"kept as is\"");
  CHECK(Eval("trim_space(\"\")") == "\"\"");
  CHECK(Eval("trim_space(\"\\u00e9t\\u00e9 \")") == "\"\u00e9t\u00e9\"");
}

TEST_CASE("Builtins: lower and upper map ASCII letters only, whatever the locale") {
  // The bytes next to each end of both alphabets stay as they are.
  CHECK(Eval("lower(\"@AZ[`az{\")") == "\"@az[`az{\"");
  CHECK(Eval("upper(\"@AZ[`az{\")") == "\"@AZ[`AZ{\"");
  CHECK(Eval("lower(\"already lower\")") == "\"already lower\"");
  // Non-ASCII letters keep their case (OPA would map \u00c9 to \u00e9).
  CHECK(Eval("lower(\"\u00c9T\u00c9\")") == "\"\u00c9t\u00c9\"");
  CHECK(Eval("upper(\"stra\u00dfe\")") == "\"STRA\u00dfE\"");
}

TEST_CASE("Builtins: messages skipped outside strict mode come back afterwards") {
  // Non-strict: the error is dropped, so its message is never formatted.
  CHECK(Eval("trim_space([1])") == "undefined");
  // A builtin error made outside an evaluation still carries its message.
  CHECK(rego::OperandTypeError("trim_space", 1, "string", rego::Value::Int(1)).message() ==
        "eval_type_error: trim_space: operand 1 must be string but got number");
  CHECK(Eval("trim_space([1])", true) ==
        "error: b.rego:2: eval_type_error: trim_space: operand 1 must be string but got array");
}

TEST_CASE("Builtins: max/min of empty collections are undefined") {
  CHECK(Eval("max([])") == "undefined");
  CHECK(Eval("min(set())") == "undefined");
}

TEST_CASE("Builtins: sprintf edge cases follow Go") {
  CHECK(Eval("sprintf(\"%d%%\", [5])") == "\"5%\"");
  CHECK(Eval("sprintf(\"%s\", [])") == "\"%!s(MISSING)\"");
  CHECK(Eval("sprintf(\"%5s|%-3d|\", [\"ab\", 7])") == "\"   ab|7  |\"");
}

}  // namespace governance
