#include "core/document.h"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

namespace governance {
namespace {

TEST_CASE("JSON errors name origin, line and column") {
  auto bad = ParseJson("{\n  \"a\": 1,\n  \"b\": }\n", "m.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message().rfind("m.json:3:8: invalid JSON: syntax error", 0) == 0);
}

TEST_CASE("JSON has YAML's limits: duplicate keys, depth, numbers out of range") {
  auto dup = ParseJson("{\"spec\": {\n  \"accuracy\": 0.5,\n  \"accuracy\": 0.99}}", "m.json");
  CHECK(dup.status() ==
        InvalidArgumentError("m.json:3:12: invalid JSON: duplicate key \"accuracy\""));
  // An escaped spelling of the same key is the same key.
  CHECK(ParseJson("{\"a\": 1, \"\\u0061\": 2}", "m.json").status().message().find(
            "duplicate key \"a\"") != std::string::npos);
  CHECK(ParseJson("[{\"a\": 1}, {\"a\": 2}]", "m.json").ok());  // one key per object

  for (const char* number : {"1e400", "-1e400", "1E+999", "123456789e999"}) {
    INFO(number);
    auto big = ParseJson(std::string("{\"x\": [1,\n ") + number + "]}", "n.json");
    REQUIRE_FALSE(big.ok());
    CHECK(big.status().message().rfind("n.json:2:", 0) == 0);
    CHECK(big.status().message().find("invalid JSON: number " + std::string(number) +
                                      " is out of range") != std::string::npos);
  }
  CHECK(ParseJson("1e-400", "n.json")->get<double>() == 0.0);  // underflow is zero, as in OPA
  CHECK(ParseJson("1.7976931348623157e308", "n.json").ok());

  // 256 levels parse; 257 and 100,000 are refused without recursion.
  auto nest = [](int depth, char open, char close) {
    return std::string(depth, open) + std::string(depth, close);
  };
  CHECK(ParseJson(nest(256, '[', ']'), "d.json").ok());
  CHECK(ParseJson(nest(257, '[', ']'), "d.json").status() ==
        InvalidArgumentError("d.json:1:257: invalid JSON: nesting deeper than 256"));
  for (const std::string& deep : {nest(100'000, '[', ']'), [] {
         std::string s;
         for (int i = 0; i < 100'000; ++i) s += "{\"a\":";
         return s + "1" + std::string(100'000, '}');
       }()}) {
    auto r = ParseJson(deep, "d.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("nesting deeper than 256") != std::string::npos);
  }
  // Syntax errors keep their positions; trailing text is refused.
  CHECK(ParseJson("{\"a\": 1} x", "t.json").status().message().rfind("t.json:1:10: invalid JSON", 0) ==
        0);
  CHECK(ParseJson("", "e.json").status().message().rfind("e.json:1:1: invalid JSON", 0) == 0);
}

TEST_CASE("YAML refuses numbers out of range and keeps non-numbers as strings") {
  auto big = ParseYaml("a:\n  b: 1e400\n", "m.yaml");
  CHECK(big.status() == InvalidArgumentError("m.yaml:2:6: invalid YAML: number 1e400 is out of range"));
  CHECK(ParseYaml("a: -1E999", "m.yaml").status().code() == StatusCode::kInvalidArgument);
  auto strings = ParseYaml("a: 1.2.3\nb: 12h\nc: \"1e400\"\nd: 1e308\n", "m.yaml");
  REQUIRE(strings.ok());
  CHECK((*strings)["a"] == "1.2.3");
  CHECK((*strings)["b"] == "12h");
  CHECK((*strings)["c"] == "1e400");
  CHECK((*strings)["d"].get<double>() == 1e308);
}

TEST_CASE("YAML scalars become typed JSON") {
  auto doc = ParseYaml(
      "spec:\n  metrics:\n    accuracy: 0.91\n    epochs: 12\n  ok: true\n"
      "  name: \"0.5\"\n  none: ~\n  tags: [a, b]\n",
      "m.yaml");
  REQUIRE(doc.ok());
  CHECK((*doc)["spec"]["metrics"]["accuracy"].get<double>() == doctest::Approx(0.91));
  CHECK((*doc)["spec"]["metrics"]["epochs"].is_number_integer());
  CHECK((*doc)["spec"]["ok"] == true);
  CHECK((*doc)["spec"]["name"] == "0.5");
  CHECK((*doc)["spec"]["none"].is_null());
  CHECK((*doc)["spec"]["tags"] == nlohmann::json::array({"a", "b"}));
}

TEST_CASE("YAML errors name origin, line and column") {
  auto bad = ParseYaml("a: [1, 2\nb: 3\n", "m.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().rfind("m.yaml:", 0) == 0);
  CHECK(bad.status().message().find("invalid YAML") != std::string::npos);
}

TEST_CASE("YAML quoting, tags and block scalars keep strings") {
  auto doc = ParseYaml(
      "a: '1.5'\nb: !!str 12\nc: |\n  line one\n  line two\nd: >-\n  folded\n  text\n"
      "e: 1.4.0\nf: 010\ng: +3\nh: -2.5e1\ni: null\nj:\nk: FALSE\n",
      "m.yaml");
  REQUIRE(doc.ok());
  CHECK((*doc)["a"] == "1.5");
  CHECK((*doc)["b"] == "12");
  CHECK((*doc)["c"] == "line one\nline two\n");
  CHECK((*doc)["d"] == "folded text");
  CHECK((*doc)["e"] == "1.4.0");  // not a number in the JSON grammar
  CHECK((*doc)["f"] == "010");
  CHECK((*doc)["g"] == 3);
  CHECK((*doc)["h"].get<double>() == -25.0);
  CHECK((*doc)["i"].is_null());
  CHECK((*doc)["j"].is_null());
  CHECK((*doc)["k"] == false);
}

TEST_CASE("YAML anchors and aliases copy the anchored node") {
  auto doc = ParseYaml("base: &b {x: 1, y: [a, b]}\ncopy: *b\n", "m.yaml");
  REQUIRE(doc.ok());
  CHECK((*doc)["copy"] == (*doc)["base"]);
  CHECK((*doc)["copy"]["y"] == nlohmann::json::array({"a", "b"}));

  auto unknown = ParseYaml("a: *nowhere\n", "m.yaml");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("m.yaml:1:4: invalid YAML") == 0);
}

TEST_CASE("YAML alias expansion is bounded") {
  // Each level doubles the previous one: 2^25 leaves if fully expanded.
  std::string bomb = "l0: &l0 [x, x]\n";
  for (int i = 1; i <= 24; ++i) {
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [*l" + std::to_string(i - 1) +
            ", *l" + std::to_string(i - 1) + "]\n";
  }
  auto doc = ParseYaml(bomb, "bomb.yaml");
  REQUIRE_FALSE(doc.ok());
  CHECK(doc.status().message().find("nodes through aliases") != std::string::npos);
}

TEST_CASE("YAML duplicate keys, several documents and deep nesting are refused") {
  auto dup = ParseYaml("spec:\n  accuracy: 0.5\n  accuracy: 0.99\n", "m.yaml");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message() == "m.yaml:3:3: invalid YAML: duplicate mapping key \"accuracy\"");

  auto two = ParseYaml("a: 1\n---\nb: 2\n", "m.yaml");
  REQUIRE_FALSE(two.ok());
  CHECK(two.status().message().find("m.yaml:2:1: invalid YAML: expected one document") == 0);

  auto complex_key = ParseYaml("? [a, b]\n: 1\n", "m.yaml");
  REQUIRE_FALSE(complex_key.ok());
  CHECK(complex_key.status().message().find("mapping keys must be scalars") != std::string::npos);

  std::string deep(300, '[');
  deep += std::string(300, ']');
  auto nested = ParseYaml(deep, "deep.yaml");
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.status().message().find("nesting deeper than 256") != std::string::npos);

  auto empty = ParseYaml("", "empty.yaml");
  REQUIRE(empty.ok());
  CHECK(empty->is_null());
}

TEST_CASE("non-finite numbers are found by JSON path") {
  auto doc = ParseYaml("spec:\n  metrics:\n    accuracy: .nan\n", "m.yaml");
  REQUIRE(doc.ok());
  Status s = CheckFiniteNumbers(*doc, "m.yaml");
  CHECK(s.message() == "m.yaml: /spec/metrics/accuracy is not a finite number");
  CHECK(CheckFiniteNumbers(nlohmann::json{{"a", 1.5}}, "x").ok());
}

TEST_CASE("canonical JSON sorts keys") {
  CHECK(CanonicalJson(nlohmann::json::parse(R"({"b":1,"a":[true,null]})")) ==
        R"({"a":[true,null],"b":1})");
}

}  // namespace
}  // namespace governance
