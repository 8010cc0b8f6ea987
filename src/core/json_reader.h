// Reads typed fields out of a JSON object, naming the JSON path of the first
// missing or mistyped field: "approval.json: /predicate/expires_at must be a string".
#ifndef GOVERNANCE_SRC_CORE_JSON_READER_H_
#define GOVERNANCE_SRC_CORE_JSON_READER_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

class JsonReader {
 public:
  // REQUIRES: `object` outlives the reader.
  JsonReader(const nlohmann::json& object, std::string origin, std::string path = "")
      : object_(object), origin_(std::move(origin)), path_(std::move(path)) {}

  // InvalidArgument unless the value read is a JSON object.
  Status RequireObject() const;

  StatusOr<std::string> String(const char* name) const;
  // "" when absent; InvalidArgument when present but not a string.
  StatusOr<std::string> OptionalString(const char* name) const;
  StatusOr<int64_t> Int(const char* name) const;
  StatusOr<std::vector<std::string>> StringList(const char* name, bool allow_empty) const;
  // The member (any type; null when absent and !required).
  StatusOr<const nlohmann::json*> Member(const char* name, bool required) const;
  // A reader for the object member `name`.
  StatusOr<JsonReader> Object(const char* name) const;
  // An RFC 3339 timestamp member, as Unix seconds.
  StatusOr<int64_t> Timestamp(const char* name) const;
  // A boolean member; `fallback` when absent.
  StatusOr<bool> Bool(const char* name, bool fallback) const;
  // InvalidArgument naming the first member not in `known`, so that a
  // misspelt field is an error rather than a default.
  Status RequireKnown(std::initializer_list<std::string_view> known) const;

  // "origin: /path/name <what>".
  Status Error(const std::string& name, const std::string& what) const;
  std::string PathOf(const std::string& name) const { return path_ + "/" + name; }

 private:
  const nlohmann::json& object_;
  std::string origin_;
  std::string path_;
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_JSON_READER_H_
