// net.cidr_* builtins, from OPA's documented examples and Go's net package
// behaviour (address text, classful masks of bare IPv4 addresses).
#include <doctest/doctest.h>

#include <string>

#include "builtin_eval.h"
#include "governance/policy.h"

namespace governance {
namespace {

std::string Eval(const std::string& expr, bool strict = false) {
  return testing::EvalTerm(expr, strict);
}

TEST_CASE("net.cidr_contains: addresses and whole networks, per family") {
  CHECK(Eval(R"(net.cidr_contains("127.0.0.0/8", "127.0.0.1"))") == "true");
  CHECK(Eval(R"(net.cidr_contains("127.0.0.0/24", "127.0.0.0/23"))") == "false");
  CHECK(Eval(R"(net.cidr_contains("10.0.0.0/8", "10.255.255.0/24"))") == "true");
  CHECK(Eval(R"(net.cidr_contains("fd1e:5bfe:8af3:9ddc::/64", "fd1e:5bfe:8af3:9ddc::1"))") == "true");
  CHECK(Eval(R"(net.cidr_contains("2001:4860::/32", "2001:4861::/40"))") == "false");
  // An IPv4-mapped IPv6 address is the IPv4 address.
  CHECK(Eval(R"(net.cidr_contains("10.0.0.0/8", "::ffff:10.1.2.3"))") == "true");
  // A network holds no address of the other family.
  CHECK(Eval(R"(net.cidr_contains("::/0", "10.0.0.1"))") == "false");
}

TEST_CASE("net.cidr_contains: malformed operands are builtin errors") {
  CHECK(Eval(R"(net.cidr_contains("not-a-cidr", "10.0.0.1"))") == "undefined");
  CHECK(Eval(R"(net.cidr_contains("not-a-cidr", "10.0.0.1"))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_contains: invalid CIDR address: not-a-cidr");
  CHECK(Eval(R"(net.cidr_contains("10.0.0.0/8", "10.0.0.300"))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_contains: not a valid textual "
        "representation of an IP address or CIDR: 10.0.0.300");
  CHECK(Eval(R"(net.cidr_contains(1, "10.0.0.1"))", true) ==
        "error: b.rego:2: eval_type_error: net.cidr_contains: operand 1 must be string but got number");
}

TEST_CASE("net.cidr_intersects and net.cidr_is_valid") {
  CHECK(Eval(R"(net.cidr_intersects("192.168.0.0/16", "192.168.1.0/24"))") == "true");
  CHECK(Eval(R"(net.cidr_intersects("192.168.0.0/24", "192.168.1.0/24"))") == "false");
  CHECK(Eval(R"(net.cidr_intersects("192.168.0.0/16", "bad"))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_intersects: invalid CIDR address: bad");
  CHECK(Eval(R"(net.cidr_is_valid("10.0.0.0/8"))") == "true");
  CHECK(Eval(R"(net.cidr_is_valid("::1/128"))") == "true");
  CHECK(Eval(R"(net.cidr_is_valid("10.0.0.0/33"))") == "false");
  CHECK(Eval(R"(net.cidr_is_valid("::1/129"))") == "false");
  CHECK(Eval(R"(net.cidr_is_valid("10.0.0.1"))") == "false");
  CHECK(Eval(R"(net.cidr_is_valid(7))") == "false");
}

TEST_CASE("net.cidr_expand: every address, host bits of the text ignored") {
  CHECK(Eval(R"(net.cidr_expand("192.168.1.1/30"))") ==
        R"(["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"])");
  CHECK(Eval(R"(net.cidr_expand("2001:db8::/127"))") == R"(["2001:db8::","2001:db8::1"])");
  CHECK(Eval(R"(net.cidr_expand("192.168.1.1/33"))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_expand: invalid CIDR address: 192.168.1.1/33");
}

TEST_CASE("net.cidr_contains_matches: keys by index, element or object key") {
  CHECK(Eval(R"(net.cidr_contains_matches(["1.1.2.0/24", "1.1.1.0/24"], ["1.1.1.1", "1.1.2.1"]))") ==
        "[[0,1],[1,0]]");
  CHECK(Eval(R"(net.cidr_contains_matches({"a": ["10.0.0.0/8", "x"]}, "10.1.1.1"))") ==
        R"([["a","10.1.1.1"]])");
  CHECK(Eval(R"(net.cidr_contains_matches([[]], "10.1.1.1"))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_contains_matches: operand 1: element must be "
        "string or non-empty array");
}

TEST_CASE("net.cidr_merge: adjacent and nested networks fold together") {
  CHECK(Eval(R"(net.cidr_merge(["192.0.128.0/24", "192.0.129.0/24"]))") == R"(["192.0.128.0/23"])");
  CHECK(Eval(R"(net.cidr_merge(["10.0.0.0/8", "10.1.0.0/16", "11.0.0.0/8"]))") ==
        R"(["10.0.0.0/7"])");
  CHECK(Eval(R"(net.cidr_merge(["10.0.0.1/32", "10.0.0.2/31"]))") ==
        R"(["10.0.0.1/32","10.0.0.2/31"])");
  // A range that is no single CIDR splits into the fewest that cover it.
  CHECK(Eval(R"(net.cidr_merge(["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/32"]))") ==
        R"(["10.0.0.1/32","10.0.0.2/31","10.0.0.4/32"])");
  CHECK(Eval(R"(net.cidr_merge(["2001:db8::/64", "2001:db8:0:1::/64"]))") == R"(["2001:db8::/63"])");
  // A bare IPv4 address takes its classful mask, as Go's DefaultMask gives.
  CHECK(Eval(R"(net.cidr_merge(["192.168.1.0"]))") == R"(["192.168.1.0/24"])");
  CHECK(Eval(R"(net.cidr_merge(["2601:600::1"]))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_merge: IPv6 invalid: needs prefix length");
  CHECK(Eval(R"(net.cidr_merge([1]))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_merge: element must be string");
  CHECK(Eval(R"(net.cidr_merge(["x/1"]))", true) ==
        "error: b.rego:2: eval_builtin_error: net.cidr_merge: invalid CIDR address: x/1");
}

}  // namespace
}  // namespace governance
