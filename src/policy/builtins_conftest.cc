// conftest's builtins, so that policies written for `conftest test` run
// unchanged: parse_config(parser, content), parse_config_file(path) and
// parse_combined_config_files(paths), for the formats mgov reads (JSON and
// YAML, a YAML text of several documents giving an array of them, as
// conftest's YAML parser does). Reading files is allowed only where the
// bundle's options say so (BundleOptions::read_host_files: conftest-compatible
// commands); elsewhere, approvals included, a call ends the evaluation with
// an error. Files are read with ReadFile, which refuses
// anything but a regular file: a policy naming a FIFO or a device must not
// hang or read a device's bytes.
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/document.h"
#include "core/file.h"
#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

enum class Format { kJson, kYaml, kUnknown };

Format FormatOfParser(std::string_view parser) {
  if (parser == "json") return Format::kJson;
  if (parser == "yaml" || parser == "yml") return Format::kYaml;
  return Format::kUnknown;
}

// conftest picks the parser by the file's extension.
Format FormatOfPath(std::string_view path) {
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return Format::kUnknown;
  }
  return FormatOfParser(path.substr(dot + 1));
}

// The documents of `text`: one for JSON, each non-empty one for YAML.
StatusOr<std::vector<nlohmann::json>> ParseDocuments(std::string_view fn, Format format,
                                                     std::string_view text,
                                                     const std::string& origin) {
  std::vector<nlohmann::json> docs;
  if (format == Format::kJson) {
    auto doc = ParseJson(text, origin, DuplicateKeys::kLastWins);
    if (!doc.ok()) return BuiltinError(fn, doc.status().message());
    docs.push_back(std::move(*doc));
    return docs;
  }
  for (const YamlDocumentText& chunk : SplitYamlDocuments(text)) {
    auto doc = ParseYaml(chunk.padded, origin);
    if (!doc.ok()) return BuiltinError(fn, doc.status().message());
    if (!doc->is_null()) docs.push_back(std::move(*doc));
  }
  return docs;
}

// One document as it is; several as an array of them; none as null.
nlohmann::json Collapse(std::vector<nlohmann::json> docs) {
  if (docs.empty()) return nullptr;
  if (docs.size() == 1) return std::move(docs[0]);
  return nlohmann::json(std::move(docs));
}

StatusOr<std::vector<nlohmann::json>> ParseFileDocuments(Ctx& ctx, std::string_view fn,
                                                         const std::string& path) {
  if (!ctx.read_host_files) {
    return ctx.Refuse(fn, "reads files of the evaluating host, which only conftest-compatible "
                          "commands allow (`mgov policy eval` of several inputs, `mgov policy "
                          "test`): a governance decision must not depend on the host's files");
  }
  Format format = FormatOfPath(path);
  if (format == Format::kUnknown) {
    return BuiltinError(fn, fmt::format("{}: unsupported file format (mgov reads .json, .yaml "
                                        "and .yml)",
                                        path));
  }
  StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return BuiltinError(fn, text.status().message());
  return ParseDocuments(fn, format, *text, path);
}

Status ParseConfig(Ctx&, Operands a, Value* out) {
  constexpr std::string_view fn = "parse_config";
  if (!a[0].is_string()) return OperandTypeError(fn, 1, "string", a[0]);
  if (!a[1].is_string()) return OperandTypeError(fn, 2, "string", a[1]);
  Format format = FormatOfParser(a[0].str());
  if (format == Format::kUnknown) {
    return BuiltinError(fn, fmt::format("unknown parser {} (mgov reads json and yaml)",
                                        nlohmann::json(a[0].str()).dump()));
  }
  GOV_ASSIGN_OR_RETURN(auto docs, ParseDocuments(fn, format, a[1].str(), "config"));
  *out = Value::FromJson(Collapse(std::move(docs)));
  return Status::Ok();
}

Status ParseConfigFile(Ctx& ctx, Operands a, Value* out) {
  constexpr std::string_view fn = "parse_config_file";
  if (!a[0].is_string()) return OperandTypeError(fn, 1, "string", a[0]);
  GOV_ASSIGN_OR_RETURN(auto docs, ParseFileDocuments(ctx, fn, std::string(a[0].str())));
  *out = Value::FromJson(Collapse(std::move(docs)));
  return Status::Ok();
}

// [{"path": p, "contents": <parsed p>}, ...] in the order given, the shape
// `conftest test --combine` gives its policies.
Status ParseCombinedConfigFiles(Ctx& ctx, Operands a, Value* out) {
  constexpr std::string_view fn = "parse_combined_config_files";
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError(fn, 1, "array or set of strings", a[0]);
  }
  nlohmann::json combined = nlohmann::json::array();
  for (const Value& p : a[0].items()) {
    if (!p.is_string()) return TypeError(fn, "operand 1 must be array or set of strings");
    std::string path(p.str());
    GOV_ASSIGN_OR_RETURN(auto docs, ParseFileDocuments(ctx, fn, path));
    // A YAML file of several documents gives an entry per document, each
    // with the file's path, as conftest's --combine does.
    for (nlohmann::json& d : docs) {
      combined.push_back({{"path", path}, {"contents", std::move(d)}});
    }
  }
  *out = Value::FromJson(combined);
  return Status::Ok();
}

}  // namespace

void RegisterConftestBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"parse_config", 2, ParseConfig},
                          {"parse_config_file", 1, ParseConfigFile},
                          {"parse_combined_config_files", 1, ParseCombinedConfigFiles},
                      });
}

}  // namespace governance::rego
