#include "policy/string_table.h"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/document.h"

namespace governance::rego {
namespace {

TEST_CASE("StringTable: finds every string added, by text, and nothing else") {
  StringTable table;
  CHECK(table.Find("") == nullptr);
  std::vector<Value> added;
  // Lengths across the hash's word boundary, and texts that differ only in
  // their last byte or their length.
  for (int i = 0; i < 2000; ++i) {
    std::string text = std::string(static_cast<size_t>(i % 23), 'k') + std::to_string(i);
    added.push_back(Value::String(text));
    table.Add(added.back());
  }
  table.Add(Value::String(""));
  CHECK(table.size() == 2001);
  for (const Value& v : added) {
    const StringTable::Entry* found = table.Find(v.str());
    REQUIRE(found != nullptr);
    CHECK(found->value.str() == v.str());
    CHECK(found->json == CanonicalJson(nlohmann::json(v.str())));
  }
  REQUIRE(table.Find("") != nullptr);
  CHECK(table.Find("k") == nullptr);
  CHECK(table.Find("kkkkkkkkkkkkkkkkkkkkkk") == nullptr);
  CHECK(table.Find("2000") == nullptr);
  CHECK(table.Find(std::string("0\0", 2)) == nullptr);
}

TEST_CASE("StringTable: the first string added for a text stays the interned one") {
  StringTable table;
  Value first = Value::String("metrics");
  Value second = Value::String("metrics");
  table.Add(first);
  table.Add(second);
  CHECK(table.size() == 1);
  // Same representation as `first`: an object keyed by it is found by
  // address through the table's value.
  Value object = Value::Object({{first, Value::Int(1)}});
  REQUIRE(table.Find("metrics") != nullptr);
  CHECK(object.Find(table.Find("metrics")->value) == object.FindString("metrics"));
  CHECK(object.Find(second) == object.FindString("metrics"));
}

TEST_CASE("StringTable: keeps each string's canonical JSON form") {
  StringTable table;
  // Escapes, a non-ASCII letter and invalid UTF-8 (replaced, as CanonicalJson does).
  for (std::string text : {std::string("plain"), std::string("q\"b\\\n\x01"),
                           std::string("caf\xc3\xa9"), std::string("bad\xff")}) {
    table.Add(Value::String(text));
    const StringTable::Entry* e = table.Find(text);
    REQUIRE(e != nullptr);
    CHECK(e->json == CanonicalJson(nlohmann::json(text)));
  }
  CHECK(table.Find("plain")->json == "\"plain\"");
  CHECK(table.Find("bad\xff")->json == "\"bad\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace governance::rego
