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
