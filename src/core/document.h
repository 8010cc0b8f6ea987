// Loading JSON and YAML documents into nlohmann::json, with errors that name
// the file, line and column.
#ifndef GOVERNANCE_SRC_CORE_DOCUMENT_H_
#define GOVERNANCE_SRC_CORE_DOCUMENT_H_

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

// Parses JSON text. `origin` names the source in errors ("approval.json").
// InvalidArgument: "<origin>:<line>:<col>: <what is wrong>".
StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view origin);

// Parses YAML (a superset of JSON) text. Scalars keep YAML 1.2 core schema
// types: integers, floats (.nan/.inf included), booleans, null, strings.
StatusOr<nlohmann::json> ParseYaml(std::string_view text, std::string_view origin);

// Reads `path` and parses it as JSON when it ends in .json, else as YAML.
// NotFound when the file is missing, PermissionDenied when unreadable.
StatusOr<nlohmann::json> LoadDocument(const std::string& path);

// InvalidArgument naming the JSON path ("/spec/metrics/accuracy") of the first
// NaN or infinite number in `doc`; OK when every number is finite.
Status CheckFiniteNumbers(const nlohmann::json& doc, std::string_view origin);

// The canonical serialisation used for digests: keys sorted, no whitespace.
std::string CanonicalJson(const nlohmann::json& doc);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_DOCUMENT_H_
