#include "core/json_reader.h"

#include "core/time.h"

namespace governance {

Status JsonReader::Error(const std::string& name, const std::string& what) const {
  return InvalidArgumentError(origin_ + ": " + PathOf(name) + " " + what);
}

Status JsonReader::RequireObject() const {
  if (!object_.is_object()) {
    return InvalidArgumentError(origin_ + ": " + (path_.empty() ? "/" : path_) +
                                " must be an object");
  }
  return Status();
}

StatusOr<const nlohmann::json*> JsonReader::Member(const char* name, bool required) const {
  GOV_RETURN_IF_ERROR(RequireObject());
  auto it = object_.find(name);
  if (it == object_.end()) {
    if (required) return Error(name, "is missing");
    static const nlohmann::json kNull;
    return &kNull;
  }
  return &*it;
}

StatusOr<std::string> JsonReader::String(const char* name) const {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, Member(name, true));
  if (!v->is_string()) return Error(name, "must be a string");
  if (v->get_ref<const std::string&>().empty()) return Error(name, "must not be empty");
  return v->get<std::string>();
}

StatusOr<std::string> JsonReader::OptionalString(const char* name) const {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, Member(name, false));
  if (v->is_null()) return std::string();
  if (!v->is_string()) return Error(name, "must be a string");
  return v->get<std::string>();
}

StatusOr<int64_t> JsonReader::Int(const char* name) const {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, Member(name, true));
  if (!v->is_number_integer()) return Error(name, "must be an integer");
  return v->get<int64_t>();
}

StatusOr<std::vector<std::string>> JsonReader::StringList(const char* name,
                                                          bool allow_empty) const {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, Member(name, !allow_empty));
  std::vector<std::string> out;
  if (v->is_null()) return out;
  if (!v->is_array()) return Error(name, "must be an array of strings");
  for (const auto& item : *v) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      return Error(name, "must be an array of non-empty strings");
    }
    out.push_back(item.get<std::string>());
  }
  if (out.empty() && !allow_empty) return Error(name, "must not be empty");
  return out;
}

StatusOr<JsonReader> JsonReader::Object(const char* name) const {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, Member(name, true));
  if (!v->is_object()) return Error(name, "must be an object");
  return JsonReader(*v, origin_, PathOf(name));
}

StatusOr<int64_t> JsonReader::Timestamp(const char* name) const {
  GOV_ASSIGN_OR_RETURN(std::string text, String(name));
  auto t = ParseRfc3339(text);
  if (!t.ok()) return Error(name, "is not an RFC 3339 timestamp: \"" + text + "\"");
  return *t;
}

StatusOr<bool> JsonReader::Bool(const char* name, bool fallback) const {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, Member(name, false));
  if (v->is_null()) return fallback;
  if (!v->is_boolean()) return Error(name, "must be true or false");
  return v->get<bool>();
}

Status JsonReader::RequireKnown(std::initializer_list<std::string_view> known) const {
  GOV_RETURN_IF_ERROR(RequireObject());
  for (const auto& [key, value] : object_.items()) {
    bool found = false;
    for (std::string_view k : known) found = found || k == key;
    if (!found) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return Error(key, "is not a known field (known: " + list + ")");
    }
  }
  return Status();
}

}  // namespace governance
