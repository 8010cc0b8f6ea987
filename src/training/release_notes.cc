#include "governance/release_notes.h"

#include <algorithm>

#include "core/document.h"
#include "core/json_reader.h"
#include "core/utf8.h"

namespace governance {
namespace {

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Text a person reads: UTF-8 without control characters, except line breaks
// and tabs where `prose` allows them.
Status CheckText(const JsonReader& r, const std::string& name, std::string_view text, bool prose) {
  auto code_points = DecodeUtf8(text);
  if (!code_points) return r.Error(name, "is not UTF-8");
  for (char32_t c : *code_points) {
    if (IsControlCharacter(c) && !(prose && (c == '\n' || c == '\t'))) {
      return r.Error(name, prose ? "holds a control character other than a line break or tab"
                                 : "holds a control character");
    }
  }
  return Status();
}

StatusOr<std::string> ReadProse(const JsonReader& r, const char* name) {
  GOV_ASSIGN_OR_RETURN(std::string text, r.OptionalString(name));
  GOV_RETURN_IF_ERROR(CheckText(r, name, text, true));
  return text;
}

// A list of short entries; one string stands for a list of one.
StatusOr<std::vector<std::string>> ReadList(const JsonReader& r, const char* name) {
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* v, r.Member(name, false));
  std::vector<std::string> out;
  if (v->is_null()) return out;
  if (v->is_string()) {
    out.push_back(v->get<std::string>());
  } else if (v->is_array()) {
    for (const auto& item : *v) {
      if (!item.is_string()) return r.Error(name, "must be a string or an array of strings");
      out.push_back(item.get<std::string>());
    }
  } else {
    return r.Error(name, "must be a string or an array of strings");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string entry = std::string(name) + "/" + std::to_string(i);
    if (IsBlank(out[i])) return r.Error(entry, "must not be empty");
    GOV_RETURN_IF_ERROR(CheckText(r, entry, out[i], false));
    if (std::find(out.begin(), out.begin() + i, out[i]) != out.begin() + i) {
      return r.Error(entry, "repeats \"" + out[i] + "\"");
    }
  }
  return out;
}

}  // namespace

nlohmann::json ToJson(const ReleaseNotes& n) {
  return {{"what_changed", n.what_changed},
          {"why", n.why},
          {"data", n.data},
          {"channels_tested", n.channels_tested},
          {"expected_benefits", n.expected_benefits},
          {"known_risks", n.known_risks},
          {"rollback_trigger", n.rollback_trigger},
          {"owners", n.owners}};
}

StatusOr<ReleaseNotes> ReleaseNotesFromJson(const nlohmann::json& j, std::string_view origin,
                                            std::string_view pointer) {
  JsonReader r(j, std::string(origin), std::string(pointer));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"what_changed", "why", "data", "channels_tested",
                                      "expected_benefits", "known_risks", "rollback_trigger",
                                      "owners"}));
  ReleaseNotes n;
  GOV_ASSIGN_OR_RETURN(n.what_changed, ReadProse(r, "what_changed"));
  GOV_ASSIGN_OR_RETURN(n.why, ReadProse(r, "why"));
  GOV_ASSIGN_OR_RETURN(n.data, ReadList(r, "data"));
  GOV_ASSIGN_OR_RETURN(n.channels_tested, ReadList(r, "channels_tested"));
  GOV_ASSIGN_OR_RETURN(n.expected_benefits, ReadList(r, "expected_benefits"));
  GOV_ASSIGN_OR_RETURN(n.known_risks, ReadList(r, "known_risks"));
  GOV_ASSIGN_OR_RETURN(n.rollback_trigger, ReadProse(r, "rollback_trigger"));
  GOV_ASSIGN_OR_RETURN(n.owners, ReadList(r, "owners"));
  return n;
}

StatusOr<ReleaseNotes> LoadReleaseNotes(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, LoadDocument(path));
  if (!j.is_object()) return InvalidArgumentError(path + ": release notes must be a mapping");
  return ReleaseNotesFromJson(j, path);
}

}  // namespace governance
