#include "core/document.h"

#include <cmath>

#include "core/file.h"

namespace governance {
namespace {

Status FirstNonFinite(const nlohmann::json& doc, const std::string& path,
                      std::string_view origin) {
  if (doc.is_number_float() && !std::isfinite(doc.get<double>())) {
    return InvalidArgumentError(std::string(origin) + ": " + (path.empty() ? "/" : path) +
                                " is not a finite number");
  }
  if (doc.is_object()) {
    for (const auto& [k, v] : doc.items()) {
      GOV_RETURN_IF_ERROR(FirstNonFinite(v, path + "/" + k, origin));
    }
  } else if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) {
      GOV_RETURN_IF_ERROR(FirstNonFinite(doc[i], path + "/" + std::to_string(i), origin));
    }
  }
  return Status();
}

}  // namespace

std::string TextPosition(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

StatusOr<nlohmann::json> LoadDocument(const std::string& path) {
  GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
    return ParseJson(text, path);
  }
  return ParseYaml(text, path);
}

Status CheckFiniteNumbers(const nlohmann::json& doc, std::string_view origin) {
  return FirstNonFinite(doc, "", origin);
}

std::string CanonicalJson(const nlohmann::json& doc) {
  // nlohmann::json objects are std::map-backed: keys are already sorted.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace governance
