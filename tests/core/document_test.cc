#include "core/document.h"

#include <doctest/doctest.h>

#include <cmath>

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
