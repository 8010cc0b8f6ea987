#include "policy/value.h"

#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

namespace governance::rego {

TEST_CASE("Value: Rego order across types") {
  CHECK(Value::Null() < Value::False());
  CHECK(Value::False() < Value::True());
  CHECK(Value::True() < Value::Int(-5));
  CHECK(Value::Int(3) < Value::String(""));
  CHECK(Value::String("z") < Value::Array({}));
  CHECK(Value::Array({}) < Value::Object({}));
  CHECK(Value::Object({}) < Value::Set({}));
}

TEST_CASE("Value: numbers compare numerically across int and double") {
  CHECK(Value::Int(1) == Value::Double(1.0));
  CHECK(Value::Int(1) < Value::Double(1.5));
  CHECK(Compare(Value::Double(2.5), Value::Int(2)) > 0);
}

TEST_CASE("Value: an integer and a decimal are ordered as the numbers they denote") {
  // 2^53 + 1 has no double: converting it rounds to 2^53, which would make
  // it equal to 9007199254740992.0 and break the order of a set holding both.
  const int64_t above = (int64_t{1} << 53) + 1;
  CHECK(Compare(Value::Int(above), Value::Double(9007199254740992.0)) > 0);
  CHECK(Compare(Value::Double(9007199254740992.0), Value::Int(above)) < 0);
  CHECK(Value::Int(above) != Value::Double(9007199254740992.0));
  CHECK(Value::Int(int64_t{1} << 53) == Value::Double(9007199254740992.0));
  CHECK(Value::Set({Value::Int(above), Value::Double(9007199254740992.0)}).size() == 2);
  // Fractions and negatives: -3 < -2.5 < -2, 2 < 2.5 < 3.
  CHECK(Value::Int(-3) < Value::Double(-2.5));
  CHECK(Value::Double(-2.5) < Value::Int(-2));
  CHECK(Value::Double(2.5) < Value::Int(3));
  // Beyond int64 either way.
  CHECK(Value::Int(INT64_MAX) < Value::Double(1e19));
  CHECK(Compare(Value::Int(INT64_MIN), Value::Double(-1e19)) > 0);
  CHECK(Value::Int(INT64_MIN) == Value::Double(-9223372036854775808.0));
}

TEST_CASE("Value: sets are sorted and deduplicated") {
  Value s = Value::Set({Value::Int(3), Value::Int(1), Value::Int(3), Value::String("a")});
  REQUIRE(s.size() == 3);
  CHECK(s.items()[0] == Value::Int(1));
  CHECK(s.items()[2] == Value::String("a"));
  CHECK(s.Contains(Value::Int(3)));
  CHECK_FALSE(s.Contains(Value::Int(2)));
  CHECK(s.ToString() == "{1, 3, \"a\"}");
  CHECK(Value::Set({}).ToString() == "set()");
}

TEST_CASE("Value: object lookup by string and non-string keys") {
  Value o = Value::Object({{Value::String("b"), Value::Int(2)},
                           {Value::Int(1), Value::String("one")},
                           {Value::String("a"), Value::Int(1)}});
  REQUIRE(o.FindString("a") != nullptr);
  CHECK(*o.FindString("b") == Value::Int(2));
  CHECK(o.FindString("c") == nullptr);
  CHECK(o.Get(Value::Int(1)) == Value::String("one"));
  CHECK_FALSE(o.Get(Value::Int(2)).defined());
}

TEST_CASE("Value: JSON round trip; sets become arrays, non-string keys their JSON") {
  nlohmann::json j = nlohmann::json::parse(R"({"a":[1,2.5,"x",null,true],"b":{"c":{}}})");
  Value v = Value::FromJson(j);
  CHECK(v.ToJson() == j);
  Value o = Value::Object({{Value::Int(1), Value::Set({Value::Int(2)})}});
  CHECK(o.ToJson().dump() == R"({"1":[2]})");
}

TEST_CASE("Value: formatting numbers and strings") {
  CHECK(FormatNumber(Value::Int(42)) == "42");
  CHECK(FormatNumber(Value::Double(3.0)) == "3");
  CHECK(FormatNumber(Value::Double(0.1)) == "0.1");
  CHECK(QuoteString("a\"b\n") == "\"a\\\"b\\n\"");
  CHECK(Value::String("x").ToDisplayString() == "x");
  CHECK(Value::Array({Value::String("x")}).ToDisplayString() == "[\"x\"]");
  CHECK(Value::Int(7).TypeName() == "number");
}


TEST_CASE("Value: empty composites keep their kind and order") {
  Value set = Value::Set({});
  Value array = Value::Array({});
  Value object = Value::Object({});
  CHECK(set.is_set());
  CHECK(array.is_array());
  CHECK(object.is_object());
  CHECK(set == Value::SortedSet({}));
  CHECK(array == Value::Array({}));
  CHECK(object == Value::SortedObject({}));
  CHECK(array != set);
  CHECK(array < object);
  CHECK(object < set);
  CHECK(set < Value::Set({Value::Int(1)}));
  CHECK(set.size() == 0);
  CHECK(set.ToString() == "set()");
  CHECK(array.ToString() == "[]");
  CHECK(object.ToString() == "{}");
}

// Representations are recycled per thread: a Value may be made on one thread
// and dropped on another, before or after the first has exited, and blocks
// reused for a different kind of Value of the same size must hold it intact.
TEST_CASE("Value: made on one thread, dropped on another, reused for another kind") {
  auto make = [](int i) {
    ValueVector items = {Value::Int(i), Value::String(std::string(static_cast<size_t>(i % 40), 'x'))};
    return Value::Object({{Value::String("k" + std::to_string(i)), Value::Array(items)}});
  };
  auto intact = [](const Value& v, int i) {
    const Value* a = v.FindString("k" + std::to_string(i));
    return a != nullptr && a->is_array() && a->items().size() == 2 &&
           a->items()[0] == Value::Int(i) &&
           a->items()[1].str() == std::string(static_cast<size_t>(i % 40), 'x');
  };
  constexpr int kCount = 5000;  // more than a thread's pool keeps
  std::vector<Value> made;
  std::thread([&] {
    for (int i = 0; i < kCount; ++i) made.push_back(make(i));
  }).join();
  int bad = 0;
  for (int i = 0; i < kCount; ++i) bad += !intact(made[i], i);
  CHECK(bad == 0);
  // Dropped here, after their thread exited; this thread's pool takes some.
  made.clear();
  // Blocks that held objects and arrays now hold strings and sets.
  std::vector<Value> strings;
  for (int i = 0; i < kCount; ++i) {
    strings.push_back(Value::String("s" + std::to_string(i)));
    strings.push_back(Value::Set({Value::Int(i), Value::Int(-i - 1)}));
  }
  for (int i = 0; i < kCount; ++i) {
    bad += strings[2 * i].str() != "s" + std::to_string(i);
    bad += strings[2 * i + 1].items() != ValueVector{Value::Int(-i - 1), Value::Int(i)};
  }
  CHECK(bad == 0);
  // And the other way: made here, dropped by another thread as it runs.
  std::thread([v = std::move(strings)]() mutable { v.clear(); }).join();
  CHECK(intact(make(7), 7));
}

TEST_CASE("Value: a pinned value is held by its owners, not by its copies") {
  ValuePins pins;
  Value v = Value::Object({{Value::String("spec"),
                            Value::Array({Value::String("a"), Value::Set({Value::Int(1)})})},
                           {Value::String("n"), Value::Int(2)}});
  const std::string text = v.ToString();
  Value p = pins.Pin(v);
  CHECK(p == v);
  CHECK(&p.entries() != &v.entries());
  const size_t owned = pins.size();
  CHECK(owned > 0);
  // Deep: what is taken out of a pinned value is pinned already.
  const Value* spec = p.FindString("spec");
  REQUIRE(spec != nullptr);
  CHECK(&pins.Pin(*spec).items() == &spec->items());
  CHECK(&pins.Pin(p).entries() == &p.entries());
  // Once: the original's elements, and the original again, pin to the same.
  CHECK(&pins.Pin(*v.FindString("spec")).items() == &spec->items());
  CHECK(&pins.Pin(v).entries() == &p.entries());
  CHECK(pins.size() == owned);
  // A string keeps its representation, so lookups by address still match.
  Value key = Value::String("spec");
  CHECK(&pins.Pin(key).str() == &key.str());
  CHECK(pins.size() == owned + 1);
  // Shared empty values and scalars need no owner.
  for (const Value& e : {Value::Array({}), Value::Set({}), Value::Object({}),
                         Value::EmptyString(), Value::Int(3), Value::Null()}) {
    CHECK(pins.Pin(e) == e);
  }
  CHECK(pins.size() == owned + 1);
  // The source may go, and the pins may move; the pinned value and its
  // copies stay whole.
  v = Value();
  Value copy = p;
  p = Value();
  ValuePins moved = std::move(pins);
  CHECK(copy.ToString() == text);
}

}  // namespace governance::rego
