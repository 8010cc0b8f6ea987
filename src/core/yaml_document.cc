// ParseYaml (core/document.h) on libyaml's event parser.
//
// libyaml reports a stream of events (scalar, sequence start/end, mapping
// start/end, alias); Reader builds nlohmann::json from them by recursive
// descent. It is a tenth of the instructions yaml-cpp took for the same
// documents, which mattered because every `mgov` command reads one or two.
//
// What a document may hold is deliberately narrow for governance input:
// exactly one document, string-like scalar keys, no duplicate keys (a second
// `accuracy:` must not silently win), and aliases bounded so that a few lines
// cannot expand into gigabytes.
#include <yaml.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/document.h"

namespace governance {
namespace {

// Alias expansion may not make a document larger than this many nodes.
constexpr size_t kMaxNodes = 1'000'000;

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

// A plain (unquoted, untagged) scalar's value under the YAML 1.2 core schema:
// null, booleans, .nan/.inf, and numbers by the JSON grammar, so "1e3" and
// "010" behave predictably; anything else is a string. nullopt for a number
// beyond the double range (1e400), which is refused rather than read as a
// string or as infinity.
std::optional<nlohmann::json> ResolvePlainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nlohmann::json(nullptr);
  }
  if (s == "true" || s == "True" || s == "TRUE") return nlohmann::json(true);
  if (s == "false" || s == "False" || s == "FALSE") return nlohmann::json(false);
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return nlohmann::json(NAN);
  if (s == ".inf" || s == "+.inf" || s == ".Inf" || s == "+.Inf") return nlohmann::json(INFINITY);
  if (s == "-.inf" || s == "-.Inf") return nlohmann::json(-INFINITY);
  const char c = s[0];
  if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
    std::string_view num = s;
    if (c == '+') num.remove_prefix(1);
    auto parsed = nlohmann::json::parse(num, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_number()) return parsed;
    // Not a JSON number: either no number at all ("1.2.3", "12h") or one too
    // large for a double, which nlohmann refuses the same way.
    const bool numeric = s.find_first_not_of("0123456789+-.eE") == std::string::npos;
    char* end = nullptr;
    if (numeric && std::isinf(std::strtod(s.c_str(), &end)) && end == s.c_str() + s.size()) {
      return std::nullopt;
    }
  }
  return nlohmann::json(s);
}

size_t CountNodes(const nlohmann::json& v) {
  size_t n = 1;
  if (v.is_structured()) {
    for (const auto& e : v) n += CountNodes(e);
  }
  return n;
}

class Reader {
 public:
  Reader(std::string_view text, std::string_view origin) : origin_(origin) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Reader() {
    if (have_event_) yaml_event_delete(&event_);
    yaml_parser_delete(&parser_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  StatusOr<nlohmann::json> Document() {
    GOV_RETURN_IF_ERROR(Next());  // stream start
    GOV_RETURN_IF_ERROR(Next());
    if (event_.type == YAML_STREAM_END_EVENT) return nlohmann::json(nullptr);
    GOV_RETURN_IF_ERROR(Next());  // past document start
    nlohmann::json doc;
    GOV_RETURN_IF_ERROR(Node(0, &doc));
    GOV_RETURN_IF_ERROR(Next());  // document end
    GOV_RETURN_IF_ERROR(Next());
    if (event_.type != YAML_STREAM_END_EVENT) {
      return Error(event_.start_mark, "expected one document, found a second");
    }
    return doc;
  }

 private:
  // Replaces the current event with the next one.
  Status Next() {
    if (have_event_) yaml_event_delete(&event_);
    have_event_ = yaml_parser_parse(&parser_, &event_) != 0;
    if (!have_event_) {
      std::string what = parser_.problem != nullptr ? parser_.problem : "malformed document";
      if (parser_.context != nullptr) what = std::string(parser_.context) + ", " + what;
      return Error(parser_.problem_mark, what);
    }
    return Status::Ok();
  }

  Status Error(const yaml_mark_t& mark, std::string_view what) const {
    return InvalidArgumentError(std::string(origin_) + ":" + std::to_string(mark.line + 1) + ":" +
                                std::to_string(mark.column + 1) + ": invalid YAML: " +
                                std::string(what));
  }

  Status Count(size_t n, const yaml_mark_t& mark) {
    nodes_ += n;
    if (nodes_ > kMaxNodes) {
      return Error(mark, "document expands to more than " + std::to_string(kMaxNodes) +
                             " nodes through aliases");
    }
    return Status::Ok();
  }

  static std::string AnchorOf(const unsigned char* anchor) {
    return anchor != nullptr ? reinterpret_cast<const char*>(anchor) : "";
  }

  // Reads the node that starts at the current event into *out; the current
  // event is then the node's last (its scalar, alias or end event).
  Status Node(int depth, nlohmann::json* out) {
    if (depth > kMaxDocumentDepth) {
      return Error(event_.start_mark, "nesting deeper than " + std::to_string(kMaxDocumentDepth));
    }
    GOV_RETURN_IF_ERROR(Count(1, event_.start_mark));
    std::string anchor;
    switch (event_.type) {
      case YAML_SCALAR_EVENT: {
        const auto& sc = event_.data.scalar;
        anchor = AnchorOf(sc.anchor);
        std::string value(reinterpret_cast<const char*>(sc.value), sc.length);
        std::string_view tag = sc.tag != nullptr ? reinterpret_cast<const char*>(sc.tag) : "";
        if (sc.style != YAML_PLAIN_SCALAR_STYLE || tag == "!" || tag == kStrTag) {
          *out = std::move(value);
        } else {
          std::optional<nlohmann::json> resolved = ResolvePlainScalar(value);
          if (!resolved) return Error(event_.start_mark, "number " + value + " is out of range");
          *out = std::move(*resolved);
        }
        break;
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(AnchorOf(event_.data.alias.anchor));
        if (it == anchors_.end()) {
          return Error(event_.start_mark,
                       "alias *" + AnchorOf(event_.data.alias.anchor) + " names no anchor");
        }
        GOV_RETURN_IF_ERROR(Count(it->second.second, event_.start_mark));
        *out = it->second.first;
        return Status::Ok();
      }
      case YAML_SEQUENCE_START_EVENT: {
        anchor = AnchorOf(event_.data.sequence_start.anchor);
        *out = nlohmann::json::array();
        for (;;) {
          GOV_RETURN_IF_ERROR(Next());
          if (event_.type == YAML_SEQUENCE_END_EVENT) break;
          nlohmann::json item;
          GOV_RETURN_IF_ERROR(Node(depth + 1, &item));
          out->push_back(std::move(item));
        }
        break;
      }
      case YAML_MAPPING_START_EVENT: {
        anchor = AnchorOf(event_.data.mapping_start.anchor);
        *out = nlohmann::json::object();
        for (;;) {
          GOV_RETURN_IF_ERROR(Next());
          if (event_.type == YAML_MAPPING_END_EVENT) break;
          if (event_.type != YAML_SCALAR_EVENT) {
            return Error(event_.start_mark, "mapping keys must be scalars");
          }
          std::string key(reinterpret_cast<const char*>(event_.data.scalar.value),
                          event_.data.scalar.length);
          if (out->contains(key)) {
            return Error(event_.start_mark, "duplicate mapping key \"" + key + "\"");
          }
          GOV_RETURN_IF_ERROR(Next());
          GOV_RETURN_IF_ERROR(Node(depth + 1, &(*out)[key]));
        }
        break;
      }
      default:
        return Error(event_.start_mark, "unexpected event");
    }
    if (!anchor.empty()) anchors_[anchor] = {*out, CountNodes(*out)};
    return Status::Ok();
  }

  std::string_view origin_;
  yaml_parser_t parser_;
  yaml_event_t event_;
  bool have_event_ = false;
  size_t nodes_ = 0;
  // Anchored values with their node counts, for aliases.
  std::map<std::string, std::pair<nlohmann::json, size_t>> anchors_;
};

}  // namespace

StatusOr<nlohmann::json> ParseYaml(std::string_view text, std::string_view origin) {
  Reader reader(text, origin);
  return reader.Document();
}

std::vector<YamlDocumentText> SplitYamlDocuments(std::string_view text) {
  std::vector<YamlDocumentText> docs;
  std::string current;
  int start_line = 1;
  int line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view l = text.substr(pos, end == std::string_view::npos ? end : end - pos + 1);
    auto marker = [&](std::string_view m) {
      return l.substr(0, 3) == m &&
             (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r');
    };
    if (marker("---") || marker("...")) {
      if (!current.empty()) docs.push_back({start_line, std::move(current)});
      current = std::string(static_cast<size_t>(line - 1), '\n');
      current += "   ";
      current.append(l.substr(3));
      start_line = line;
    } else {
      if (current.empty() && line > 1) current = std::string(static_cast<size_t>(line - 1), '\n');
      current.append(l);
    }
    ++line;
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  if (!current.empty()) docs.push_back({start_line, std::move(current)});
  return docs;
}

}  // namespace governance
