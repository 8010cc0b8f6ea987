// Loading JSON and YAML documents into nlohmann::json, with errors that name
// the file, line and column.
#ifndef GOVERNANCE_SRC_CORE_DOCUMENT_H_
#define GOVERNANCE_SRC_CORE_DOCUMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

// Nesting deeper than this is refused by both parsers, so that no recursive
// walk over a document can run out of stack.
inline constexpr int kMaxDocumentDepth = 256;

// Parses JSON text. `origin` names the source in errors ("approval.json").
// InvalidArgument: "<origin>:<line>:<col>: invalid JSON: <what is wrong>",
// also for a key given twice in one object, nesting deeper than
// kMaxDocumentDepth and numbers beyond the double range (1e400).
// kLastWins is only for Rego's json.unmarshal, which must read what OPA
// (Go's encoding/json) reads.
enum class DuplicateKeys { kRefuse, kLastWins };
StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view origin,
                                   DuplicateKeys duplicates = DuplicateKeys::kRefuse);

// Parses YAML (a superset of JSON) text. Scalars keep YAML 1.2 core schema
// types: integers, floats (.nan/.inf included), booleans, null, strings.
StatusOr<nlohmann::json> ParseYaml(std::string_view text, std::string_view origin);

// One document of a multi-document YAML text: the line its `---` marker is
// on (or 1), and its text padded with the newlines before it and the marker
// blanked, so that ParseYaml's errors name the line and column in the whole
// text rather than in the document.
struct YamlDocumentText {
  int start_line = 1;
  std::string padded;
};

// Splits YAML text at its `---` and `...` lines, as a YAML stream reader
// does. Text before the first marker is a document when it is not empty.
std::vector<YamlDocumentText> SplitYamlDocuments(std::string_view text);

// Reads `path` and parses it as JSON when it ends in .json, else as YAML.
// NotFound when the file is missing, PermissionDenied when unreadable.
StatusOr<nlohmann::json> LoadDocument(const std::string& path);

// InvalidArgument naming the JSON path ("/spec/metrics/accuracy") of the first
// NaN or infinite number in `doc`; OK when every number is finite.
Status CheckFiniteNumbers(const nlohmann::json& doc, std::string_view origin);

// "<line>:<col>" (both 1-based) of byte `offset` in `text`.
std::string TextPosition(std::string_view text, size_t offset);

// The canonical serialisation used for digests: keys sorted, no whitespace.
std::string CanonicalJson(const nlohmann::json& doc);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_DOCUMENT_H_
