// JSON Schema validation as OPA's json.match_schema reports it.
//
// OPA validates with its copy of gojsonschema; this validator follows that
// implementation's behaviour rather than the letter of the drafts: the
// keywords of drafts 04, 06 and 07 are all accepted whatever "$schema" says
// (exclusiveMinimum as a boolean or a number), errors come in gojsonschema's
// order, with its types ("invalid_type", "required", ...), fields ("(root)",
// "a.0.b") and descriptions, and a document's keys are visited in sorted
// order (Go's map order is random, so OPA promises none).
//
// Supported: type, properties, patternProperties, additionalProperties,
// required, propertyNames, min/maxProperties, dependencies, items (one schema
// or a list), additionalItems, contains, min/maxItems, uniqueItems, enum,
// const, minimum/maximum and their exclusive forms, multipleOf,
// min/maxLength, pattern, allOf/anyOf/oneOf/not, if/then/else, true/false
// schemas, and "$ref" to "#", "#/json/pointer" or an "$id" within the
// document. Not supported: "format" (accepted, never checked) and references
// to other documents (a compile error).
//
//   auto schema = CompileJsonSchema(schema_json);
//   if (!schema.ok()) ...;  // schema->message() is gojsonschema's text
//   std::vector<JsonSchemaError> errors = (*schema)->Validate(document);
#ifndef GOVERNANCE_SRC_POLICY_JSON_SCHEMA_H_
#define GOVERNANCE_SRC_POLICY_JSON_SCHEMA_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance::rego {

// One validation failure, shaped as OPA's json.match_schema returns it.
struct JsonSchemaError {
  std::string error;  // "<field>: <desc>"
  std::string type;   // gojsonschema's error type: "invalid_type", "required", ...
  std::string field;  // "(root)" or the dotted path: "items.0.id"
  std::string desc;   // "Invalid type. Expected: integer, given: string"
};

class JsonSchema {
 public:
  virtual ~JsonSchema() = default;
  // The failures of `document` against this schema; empty when it matches.
  virtual std::vector<JsonSchemaError> Validate(const nlohmann::json& document) const = 0;
};

// Compiles a schema document. InvalidArgument with gojsonschema's message
// ("has a primitive type that is NOT VALID -- given: /x/ ...") when it is
// not a valid schema. The result is immutable and may be shared by threads.
StatusOr<std::shared_ptr<const JsonSchema>> CompileJsonSchema(const nlohmann::json& schema);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_JSON_SCHEMA_H_
