// json.filter, json.remove, json.patch, json.marshal_with_options,
// json.match_schema and json.verify_schema, from OPA's documented examples.
#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalTerm;

TEST_CASE("json.filter keeps only the paths given") {
  CHECK(EvalTerm(R"(json.filter({"a": {"b": 7, "c": 8}, "d": 9}, ["a/b", "d"]))") ==
        R"({"a":{"b":7},"d":9})");
  CHECK(EvalTerm(R"(json.filter({"a": [{"b": 7, "c": 8}, {"d": 9}]}, {"a/0/b", "a/1"}))") ==
        R"({"a":[{"b":7},{"d":9}]})");
  CHECK(EvalTerm(R"(json.filter({"a": {"x~y": 1, "p/q": 2}}, ["a/x~0y", [["a"], "p/q"]]))") ==
        R"({"a":{"x~y":1}})");
  CHECK(EvalTerm(R"(json.filter({"a": {"x": 1, "p/q": 2}}, [["a", "p/q"]]))") ==
        R"({"a":{"p/q":2}})");
}

TEST_CASE("json.remove drops the paths given, closing gaps in arrays") {
  CHECK(EvalTerm(R"(json.remove({"a": {"b": 7, "c": 8}, "d": 9}, {"a/b"}))") ==
        R"({"a":{"c":8},"d":9})");
  CHECK(EvalTerm(R"(json.remove({"a": [1, 2, 3]}, ["/a/1"]))") == R"({"a":[1,3]})");
  // A path covered by a shorter one changes nothing more.
  CHECK(EvalTerm(R"(json.remove({"a": {"b": 1}, "c": 2}, ["a", "a/b"]))") == R"({"c":2})");
}

TEST_CASE("json.filter and json.remove: operand errors") {
  CHECK(EvalTerm(R"(json.remove("x", ["a"]))", true) ==
        "error: b.rego:2: eval_type_error: json.remove: operand 1 must be object but got string");
  CHECK(EvalTerm(R"(json.filter({}, 1))", true) ==
        "error: b.rego:2: eval_type_error: json.filter: operand 2 must be one of {set, array} but "
        "got number");
  CHECK(EvalTerm(R"(json.filter({}, [{"a": 1}]))", true) ==
        "error: b.rego:2: eval_type_error: json.filter: operand 2 must be one of {set, array} "
        "containing string paths or array of path segments but got object");
}

TEST_CASE("json.patch applies RFC 6902 operations in order") {
  CHECK(EvalTerm(R"(json.patch({"a": {"foo": 1}}, [{"op": "add", "path": "/a/bar", "value": 2}]))") ==
        R"({"a":{"bar":2,"foo":1}})");
  CHECK(EvalTerm(R"(json.patch([1, 3], [{"op": "add", "path": "/1", "value": 2}, {"op": "add", "path": "/-", "value": 4}]))") ==
        "[1,2,3,4]");
  CHECK(EvalTerm(R"(json.patch({"a": 1, "b": 2}, [{"op": "remove", "path": "/a"}]))") ==
        R"({"b":2})");
  CHECK(EvalTerm(R"(json.patch({"a": 1}, [{"op": "replace", "path": "/a", "value": [1]}]))") ==
        R"({"a":[1]})");
  CHECK(EvalTerm(R"(json.patch({"a": {"x": 1}, "b": {}}, [{"op": "move", "from": "/a/x", "path": "/b/y"}]))") ==
        R"({"a":{},"b":{"y":1}})");
  CHECK(EvalTerm(R"(json.patch({"a": [1]}, [{"op": "copy", "from": "/a", "path": "/b"}]))") ==
        R"({"a":[1],"b":[1]})");
  CHECK(EvalTerm(R"(json.patch({"a": 1}, [{"op": "test", "path": "/a", "value": 1}]))") ==
        R"({"a":1})");
  CHECK(EvalTerm(R"(json.patch({"a": {1, 2}}, [{"op": "add", "path": ["a", 3], "value": 3}]))") ==
        R"({"a":[1,2,3]})");
  CHECK(EvalTerm(R"(json.patch({"a": 1}, [{"op": "replace", "path": "", "value": 5}]))") == "5");
}

TEST_CASE("json.patch: an operation that cannot apply makes the result undefined") {
  CHECK(EvalTerm(R"(json.patch({"a": 1}, [{"op": "test", "path": "/a", "value": 2}]))") ==
        "undefined");
  CHECK(EvalTerm(R"(json.patch({}, [{"op": "add", "path": "/a/b", "value": 1}]))") ==
        "undefined");
  CHECK(EvalTerm(R"(json.patch([1], [{"op": "add", "path": "/01", "value": 1}]))") ==
        "undefined");
  CHECK(EvalTerm(R"(json.patch([1], [{"op": "remove", "path": "/1"}]))") == "undefined");
  CHECK(EvalTerm(R"(json.patch({}, [{"op": "remove", "path": "/x"}]))") == "undefined");
}

TEST_CASE("json.patch: malformed operations are type errors") {
  const std::string prefix = "error: b.rego:2: eval_type_error: json.patch: ";
  CHECK(EvalTerm(R"(json.patch({}, {}))", true) ==
        prefix + "operand 2 must be array but got object");
  CHECK(EvalTerm(R"(json.patch({}, [1]))", true) ==
        prefix + "operand 2 must be an array of JSON-Patch objects");
  CHECK(EvalTerm(R"(json.patch({}, [{"path": "/a"}]))", true) ==
        prefix + "operand 2 patch is missing 'op' attribute");
  CHECK(EvalTerm(R"(json.patch({}, [{"op": 1, "path": "/a"}]))", true) ==
        prefix + "operand 2 patch attribute 'op' must be a string");
  CHECK(EvalTerm(R"(json.patch({}, [{"op": "add", "path": "/a"}]))", true) ==
        prefix + "operand 2 patch is missing 'value' attribute");
  CHECK(EvalTerm(R"(json.patch({}, [{"op": "jump", "path": "/a"}]))", true) ==
        prefix + "operand 2 must be an array of JSON-Patch objects");
  CHECK(EvalTerm(R"(json.patch({}, [{"op": "move", "path": "/a"}]))", true) ==
        prefix + "operand 2 patch is missing 'from' attribute");
}

TEST_CASE("json.marshal_with_options: Go's MarshalIndent layout") {
  CHECK(EvalTerm(R"(json.marshal_with_options({"a": [1, {"b": "<x>"}], "c": {}}, {}))") ==
        R"("{\"a\":[1,{\"b\":\"\\u003cx\\u003e\"}],\"c\":{}}")");
  CHECK(EvalTerm(R"(json.marshal_with_options({"a": [1, 2]}, {"pretty": true}))") ==
        R"("{\n\t\"a\": [\n\t\t1,\n\t\t2\n\t]\n}")");
  CHECK(EvalTerm(R"(json.marshal_with_options({"a": 1}, {"indent": "  ", "prefix": "> "}))") ==
        R"("> {\n>   \"a\": 1\n> }")");
  CHECK(EvalTerm(R"(json.marshal_with_options([1], {"indent": "  ", "pretty": false}))") ==
        R"("[1]")");
}

TEST_CASE("json.marshal_with_options: option errors") {
  const std::string prefix = "error: b.rego:2: eval_type_error: json.marshal_with_options: ";
  CHECK(EvalTerm(R"(json.marshal_with_options(1, {"colour": true}))", true) ==
        prefix + "operand 2 object contained unknown key colour");
  CHECK(EvalTerm(R"(json.marshal_with_options(1, {"pretty": 1}))", true) ==
        prefix + "operand 2 key pretty must be a boolean");
  CHECK(EvalTerm(R"(json.marshal_with_options(1, {"indent": 1}))", true) ==
        prefix + "operand 2 key indent failed cast to string: operand 0 must be string but got "
                 "number");
  CHECK(EvalTerm(R"(json.marshal_with_options(1, {1: 1}))", true) ==
        prefix + "operand 2 failed to stringify key 1 at index 0: operand 0 must be string but "
                 "got number");
  CHECK(EvalTerm(R"(json.marshal_with_options(1, []))", true) ==
        prefix + "operand 2 must be object but got array");
}

TEST_CASE("json.match_schema reports gojsonschema's errors") {
  const std::string schema =
      R"({"type": "object", "properties": {"id": {"type": "integer"}, "name": {}, "tags": {"type": "array", "items": {"type": "string", "minLength": 2}, "uniqueItems": true}}, "required": ["id", "name"], "additionalProperties": false})";
  CHECK(EvalTerm(R"(json.match_schema({"id": 1, "name": "x"}, )" + schema + ")") ==
        "[true,[]]");
  CHECK(EvalTerm(R"(json.match_schema({"id": "1", "tags": ["a", "bb", "bb"], "extra": 1}, )" +
                 schema + ")") ==
        R"([false,[)"
        R"j({"desc":"name is required","error":"(root): name is required","field":"(root)","type":"required"},)j"
        R"j({"desc":"Additional property extra is not allowed","error":"(root): Additional property extra is not allowed","field":"(root)","type":"additional_property_not_allowed"},)j"
        R"({"desc":"Invalid type. Expected: integer, given: string","error":"id: Invalid type. Expected: integer, given: string","field":"id","type":"invalid_type"},)"
        R"({"desc":"String length must be greater than or equal to 2","error":"tags.0: String length must be greater than or equal to 2","field":"tags.0","type":"string_gte"},)"
        R"({"desc":"array items[1,2] must be unique","error":"tags: array items[1,2] must be unique","field":"tags","type":"unique"}]])");
}

TEST_CASE("json.match_schema: numbers, enums, combinators and references") {
  auto first_desc = [](const std::string& doc, const std::string& schema) {
    // The document as JSON text: a number alone is no document.
    std::string descs = EvalTerm("[e.desc | e := json.match_schema(`" + doc + "`, " + schema +
                                 ")[1][_]]");
    // The first description, without the array around it.
    const size_t end = descs.find("\",\"");
    return descs.substr(1, end == std::string::npos ? descs.size() - 2 : end);
  };
  CHECK(first_desc("5", R"({"minimum": 10})") == R"("Must be greater than or equal to 10")");
  CHECK(first_desc("10", R"({"exclusiveMaximum": 10})") == R"("Must be less than 10")");
  CHECK(first_desc("10", R"({"maximum": 10, "exclusiveMaximum": true})") ==
        R"("Must be less than 10")");
  CHECK(first_desc("7", R"({"multipleOf": 2.5})") == R"("Must be a multiple of 2.5")");
  CHECK(first_desc(R"("c")", R"({"enum": ["a", 1]})") ==
        R"j("(root) must be one of the following: \"a\", 1")j");
  CHECK(first_desc(R"("c")", R"({"const": "a"})") == R"j("(root) does not match: \"a\"")j");
  CHECK(first_desc(R"("abc")", R"({"pattern": "^[0-9]+$"})") ==
        R"("Does not match pattern '^[0-9]+$'")");
  CHECK(first_desc("[1]", R"({"minItems": 2})") == R"("Array must have at least 2 items")");
  CHECK(first_desc("1", R"({"anyOf": [{"type": "string"}, {"type": "boolean"}]})") ==
        R"j("Must validate at least one schema (anyOf)")j");
  CHECK(first_desc("1", R"({"oneOf": [{"type": "number"}, {"type": "integer"}]})") ==
        R"j("Must validate one and only one schema (oneOf)")j");
  CHECK(first_desc("1", R"({"not": {"type": "number"}})") ==
        R"j("Must not validate the schema (not)")j");
  CHECK(first_desc("1", R"({"allOf": [{"type": "string"}]})") ==
        R"("Invalid type. Expected: string, given: integer")");
  CHECK(first_desc(R"({"a": {"a": 1}})",
                   R"({"definitions": {"node": {"type": "object", "properties": {"a": {"$ref": "#/definitions/node"}}}}, "$ref": "#/definitions/node"})") ==
        R"("Invalid type. Expected: object, given: integer")");
  CHECK(EvalTerm(R"([e.field | e := json.match_schema({"a": {"a": 1}}, {"definitions": {"node": {"type": "object", "properties": {"a": {"$ref": "#/definitions/node"}}}}, "$ref": "#/definitions/node"})[1][_]])") ==
        R"(["a.a"])");
  CHECK(EvalTerm(R"(json.match_schema("1.0", {"type": "integer"}))") == "[true,[]]");
  CHECK(EvalTerm(R"(json.match_schema("{\"a\": 1}", "{\"required\": [\"a\"]}"))") == "[true,[]]");
}

TEST_CASE("json.match_schema: bad operands and schemas are builtin errors") {
  const std::string prefix = "error: b.rego:2: eval_builtin_error: json.match_schema: ";
  CHECK(EvalTerm(R"(json.match_schema({}, {"type": "unknown"}))", true) ==
        prefix + "has a primitive type that is NOT VALID -- given: /unknown/ Expected valid "
                 "values are:[array boolean integer number null object string]");
  CHECK(EvalTerm(R"(json.match_schema("{", {}))", true) == prefix + "invalid JSON string");
  CHECK(EvalTerm(R"(json.match_schema(1, {}))", true) ==
        prefix + "wrong type, expected string or object");
  CHECK(EvalTerm(R"(json.match_schema({}, {"minLength": -1}))", true) ==
        prefix + "minLength must be greater than or equal to 0");
  CHECK(EvalTerm(R"(json.match_schema({}, {"pattern": "("}))", true) ==
        prefix + "pattern must be a valid regex");
}

TEST_CASE("json.verify_schema: [true, null] or [false, the reason]") {
  CHECK(EvalTerm(R"(json.verify_schema({"type": "string"}))") == "[true,null]");
  CHECK(EvalTerm(R"(json.verify_schema("{\"type\": \"string\"}"))") == "[true,null]");
  CHECK(EvalTerm(R"(json.verify_schema({"type": "text"}))") ==
        R"([false,"jsonschema: has a primitive type that is NOT VALID -- given: /text/ Expected valid values are:[array boolean integer number null object string]"])");
  CHECK(EvalTerm(R"(json.verify_schema([]))") ==
        R"([false,"jsonschema: wrong type, expected string or object"])");
  CHECK(EvalTerm(R"(json.verify_schema("{"))") == R"([false,"jsonschema: invalid JSON string"])");
}

}  // namespace
}  // namespace governance
