// The release record's JSON: every field round-trips, what is not a record
// is refused by path, and the training plane signs it into the output.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/decision_stack.h"
#include "governance/release_notes.h"
#include "governance/types.h"

namespace governance {
namespace {

TEST_CASE("a release record round-trips through its JSON, every field present") {
  ReleaseNotes n;
  n.what_changed = "line one\n\tline two";
  n.why = "why";
  n.data = {"d@1", "d@2"};
  n.channels_tested = {"web"};
  n.expected_benefits = {"recall"};
  n.known_risks = {"cold start"};
  n.rollback_trigger = "precision < 0.9";
  n.owners = {"a@example.com", "b@example.com"};
  const nlohmann::json j = ToJson(n);
  CHECK(j.size() == 8);
  auto back = ReleaseNotesFromJson(j, "r");
  REQUIRE(back.ok());
  CHECK(*back == n);
  // An empty record has every field, empty.
  CHECK(ToJson(ReleaseNotes{}) == nlohmann::json{{"what_changed", ""}, {"why", ""}, {"data", nlohmann::json::array()},
                                                 {"channels_tested", nlohmann::json::array()},
                                                 {"expected_benefits", nlohmann::json::array()},
                                                 {"known_risks", nlohmann::json::array()},
                                                 {"rollback_trigger", ""},
                                                 {"owners", nlohmann::json::array()}});
  // One string is a list of one.
  auto one = ReleaseNotesFromJson({{"owners", "a"}}, "r");
  REQUIRE(one.ok());
  CHECK(one->owners == std::vector<std::string>{"a"});
}

TEST_CASE("what is not a release record is refused, naming the path") {
  const std::pair<nlohmann::json, std::string> cases[] = {
      {nlohmann::json::array(), "r: / must be an object"},
      {{{"owners", nlohmann::json::array({1})}}, "r: /owners must be a string or an array of strings"},
      {{{"owners", {"x", ""}}}, "r: /owners/1 must not be empty"},
      {{{"rollback_trigger", "a\rb"}}, "r: /rollback_trigger holds a control character other than a line break or tab"},
      {{{"data", "a\nb"}}, "r: /data/0 holds a control character"},
      {{{"why", "\xff"}}, "r: /why is not UTF-8"},
      {{{"whatchanged", "x"}}, "r: /whatchanged is not a known field"},
  };
  for (const auto& c : cases) {
    const nlohmann::json& j = c.first;
    const std::string& message = c.second;
    auto r = ReleaseNotesFromJson(j, "r");
    INFO(j.dump());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find(message) == 0);
  }
  // Inside a training output the path is the member's.
  auto nested = ReleaseNotesFromJson({{"owners", 3}}, "to.json", "/release_notes");
  CHECK(nested.status().message().find("to.json: /release_notes/owners") == 0);
}

TEST_CASE("decision stack components: names and values are checked, written only when present") {
  DecisionStack stack{"d", "c", "", {}};
  CHECK(ToJson(stack).contains("components") == false);
  stack.components = {{"sdk", "android_sdk_2.3.0"}, {"fusion.v-1_x", "v"}};
  CHECK(CheckDecisionStack(stack).ok());
  CHECK(ToJson(stack)["components"]["sdk"] == "android_sdk_2.3.0");
  for (const auto& component : std::vector<std::pair<std::string, std::string>>{
           {"", "v"}, {"Sdk", "v"}, {"-sdk", "v"}, {"a b", "v"}, {std::string(65, 'a'), "v"},
           {"sdk", ""}, {"sdk", "a\nb"}, {"sdk", std::string(257, 'v')}, {"sdk", "\xc3"}}) {
    DecisionStack bad{"", "", "", {component}};
    INFO(component.first << "=" << component.second);
    CHECK(CheckDecisionStack(bad).code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace governance
