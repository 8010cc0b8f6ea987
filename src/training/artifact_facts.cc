#include "governance/artifact_facts.h"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "training/pickle_scan.h"

namespace governance {

nlohmann::json ToJson(const ArtifactFacts& facts) {
  nlohmann::json files = nlohmann::json::array();
  for (const FileFacts& f : facts.files) {
    nlohmann::json members = nlohmann::json::array();
    for (const ArchiveMember& m : f.members) {
      members.push_back({{"location", m.location},
                         {"size", m.size},
                         {"compressed_size", m.compressed_size},
                         {"method", m.method},
                         {"format", m.format}});
    }
    nlohmann::json pickles = nlohmann::json::array();
    for (const PickleStream& p : f.pickles) {
      nlohmann::json imports = nlohmann::json::array();
      for (const PickleImport& i : p.imports) {
        imports.push_back({{"module", i.module},
                           {"name", i.name},
                           {"opcode", i.opcode},
                           {"safety", i.safety},
                           {"reason", i.reason}});
      }
      pickles.push_back({{"location", p.location},
                         {"offset", p.offset},
                         {"length", p.length},
                         {"protocol", p.protocol},
                         {"complete", p.complete},
                         {"error", p.error},
                         {"imports", std::move(imports)},
                         {"opcodes", p.opcodes}});
    }
    files.push_back({{"path", f.path},
                     {"size", f.size},
                     {"sha256", f.sha256},
                     {"format", f.format},
                     {"detail", f.detail},
                     {"pickle", f.pickle},
                     {"members", std::move(members)},
                     {"pickles", std::move(pickles)},
                     {"incomplete", f.incomplete}});
  }
  return {{"scanner", facts.scanner},
          {"complete", facts.complete},
          {"incomplete", facts.incomplete},
          {"files", std::move(files)}};
}

namespace {

// Reads one JSON object strictly, naming "<origin>: <path>/<field>" in errors.
class Fields {
 public:
  Fields(const nlohmann::json& j, const std::string& origin, std::string path)
      : j_(j), origin_(origin), path_(std::move(path)) {}

  Status Error(const std::string& field, const std::string& what) const {
    return InvalidArgumentError(origin_ + ": " + path_ + (field.empty() ? "" : "/" + field) + " " +
                                what);
  }
  std::string PathOf(const std::string& field) const { return path_ + "/" + field; }

  Status Exactly(std::initializer_list<std::string_view> names) const {
    if (!j_.is_object()) return Error("", "must be an object");
    for (const auto& [key, value] : j_.items()) {
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        return Error(key, "is not a field of artifact facts");
      }
    }
    for (std::string_view name : names) {
      if (!j_.contains(name)) return Error(std::string(name), "is missing");
    }
    return Status();
  }
  const nlohmann::json& operator[](const char* name) const { return j_.at(name); }

  StatusOr<std::string> String(const char* name, bool allow_empty = true) const {
    const auto& v = j_.at(name);
    if (!v.is_string()) return Error(name, "must be a string");
    if (!allow_empty && v.get_ref<const std::string&>().empty()) return Error(name, "must not be empty");
    return v.get<std::string>();
  }
  StatusOr<uint64_t> Count(const char* name) const {
    const auto& v = j_.at(name);
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
    return Error(name, "must be a non-negative integer");
  }
  StatusOr<bool> Bool(const char* name) const {
    const auto& v = j_.at(name);
    if (!v.is_boolean()) return Error(name, "must be true or false");
    return v.get<bool>();
  }
  StatusOr<std::vector<std::string>> Strings(const char* name) const {
    const auto& v = j_.at(name);
    if (!v.is_array()) return Error(name, "must be an array of strings");
    std::vector<std::string> out;
    for (const auto& s : v) {
      if (!s.is_string() || s.get_ref<const std::string&>().empty()) {
        return Error(name, "must be an array of non-empty strings");
      }
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  StatusOr<const nlohmann::json*> Array(const char* name) const {
    const auto& v = j_.at(name);
    if (!v.is_array()) return Error(name, "must be an array");
    return &v;
  }

 private:
  const nlohmann::json& j_;
  const std::string& origin_;
  std::string path_;
};

bool IsFormat(std::string_view f) {
  return std::find(std::begin(kArtifactFormats), std::end(kArtifactFormats), f) !=
         std::end(kArtifactFormats);
}

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A member's location is the file's path, the separator and its name, which
// may be empty: zip does not forbid it, and inspection reports it as stored.
bool InFile(std::string_view location, std::string_view path, bool self_allowed) {
  if (location == path) return self_allowed;
  return location.size() >= path.size() + kMemberSeparator.size() && location.starts_with(path) &&
         location.substr(path.size()).starts_with(kMemberSeparator);
}

StatusOr<PickleStream> ReadPickle(const Fields& r, const std::string& origin,
                                  const std::string& file_path) {
  GOV_RETURN_IF_ERROR(r.Exactly(
      {"location", "offset", "length", "protocol", "complete", "error", "imports", "opcodes"}));
  PickleStream p;
  GOV_ASSIGN_OR_RETURN(p.location, r.String("location"));
  if (!InFile(p.location, file_path, true)) {
    return r.Error("location", "must be the file or one of its members");
  }
  GOV_ASSIGN_OR_RETURN(p.offset, r.Count("offset"));
  GOV_ASSIGN_OR_RETURN(p.length, r.Count("length"));
  GOV_ASSIGN_OR_RETURN(uint64_t protocol, r.Count("protocol"));
  if (protocol > 5) return r.Error("protocol", "must be 0 to 5");
  p.protocol = static_cast<int>(protocol);
  GOV_ASSIGN_OR_RETURN(p.complete, r.Bool("complete"));
  GOV_ASSIGN_OR_RETURN(p.error, r.String("error"));
  if (p.complete != p.error.empty()) {
    return r.Error("error", "must be empty exactly when the stream is complete");
  }
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* imports, r.Array("imports"));
  for (size_t i = 0; i < imports->size(); ++i) {
    Fields m((*imports)[i], origin, r.PathOf("imports/" + std::to_string(i)));
    GOV_RETURN_IF_ERROR(m.Exactly({"module", "name", "opcode", "safety", "reason"}));
    PickleImport imp;
    GOV_ASSIGN_OR_RETURN(imp.module, m.String("module"));
    GOV_ASSIGN_OR_RETURN(imp.name, m.String("name"));
    GOV_ASSIGN_OR_RETURN(imp.opcode, m.String("opcode"));
    if (imp.opcode != "GLOBAL" && imp.opcode != "INST" && imp.opcode != "STACK_GLOBAL" &&
        imp.opcode != "EXT1" && imp.opcode != "EXT2" && imp.opcode != "EXT4") {
      return m.Error("opcode", "must be GLOBAL, INST, STACK_GLOBAL, EXT1, EXT2 or EXT4");
    }
    GOV_ASSIGN_OR_RETURN(imp.safety, m.String("safety"));
    if (imp.safety != "safe" && imp.safety != "unknown" && imp.safety != "dangerous") {
      return m.Error("safety", "must be safe, unknown or dangerous");
    }
    GOV_ASSIGN_OR_RETURN(imp.reason, m.String("reason"));
    if ((imp.safety == "safe") != imp.reason.empty()) {
      return m.Error("reason", "must be empty exactly when the import is safe");
    }
    p.imports.push_back(std::move(imp));
  }
  const nlohmann::json& opcodes = r["opcodes"];
  if (!opcodes.is_object() || opcodes.size() != std::size(kCountedOpcodes)) {
    return r.Error("opcodes", "must be an object with a count for each of GLOBAL, STACK_GLOBAL, "
                              "INST, EXT1, EXT2, EXT4, REDUCE, BUILD, OBJ, NEWOBJ, NEWOBJ_EX, "
                              "PERSID and BINPERSID");
  }
  Fields counts(opcodes, origin, r.PathOf("opcodes"));
  for (const char* name : kCountedOpcodes) {
    if (!opcodes.contains(name)) return counts.Error(name, "is missing");
    GOV_ASSIGN_OR_RETURN(p.opcodes[name], counts.Count(name));
  }
  return p;
}

StatusOr<FileFacts> ReadFileFacts(const Fields& r, const std::string& origin) {
  GOV_RETURN_IF_ERROR(r.Exactly({"path", "size", "sha256", "format", "detail", "pickle", "members",
                                 "pickles", "incomplete"}));
  FileFacts f;
  GOV_ASSIGN_OR_RETURN(f.path, r.String("path", false));
  GOV_ASSIGN_OR_RETURN(f.size, r.Count("size"));
  GOV_ASSIGN_OR_RETURN(f.sha256, r.String("sha256"));
  if (!IsHex64(f.sha256)) return r.Error("sha256", "must be 64 lowercase hex digits");
  GOV_ASSIGN_OR_RETURN(f.format, r.String("format"));
  if (!IsFormat(f.format)) return r.Error("format", "is not a format mgov detects: " + f.format);
  GOV_ASSIGN_OR_RETURN(f.detail, r.String("detail"));
  GOV_ASSIGN_OR_RETURN(f.pickle, r.Bool("pickle"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* members, r.Array("members"));
  for (size_t i = 0; i < members->size(); ++i) {
    Fields m((*members)[i], origin, r.PathOf("members/" + std::to_string(i)));
    GOV_RETURN_IF_ERROR(m.Exactly({"location", "size", "compressed_size", "method", "format"}));
    ArchiveMember a;
    GOV_ASSIGN_OR_RETURN(a.location, m.String("location"));
    if (!InFile(a.location, f.path, false)) return m.Error("location", "must be inside the file");
    GOV_ASSIGN_OR_RETURN(a.size, m.Count("size"));
    GOV_ASSIGN_OR_RETURN(a.compressed_size, m.Count("compressed_size"));
    GOV_ASSIGN_OR_RETURN(a.method, m.String("method", false));
    GOV_ASSIGN_OR_RETURN(a.format, m.String("format"));
    if (!IsFormat(a.format)) return m.Error("format", "is not a format mgov detects: " + a.format);
    f.members.push_back(std::move(a));
  }
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* pickles, r.Array("pickles"));
  for (size_t i = 0; i < pickles->size(); ++i) {
    Fields p((*pickles)[i], origin, r.PathOf("pickles/" + std::to_string(i)));
    GOV_ASSIGN_OR_RETURN(PickleStream stream, ReadPickle(p, origin, f.path));
    f.pickles.push_back(std::move(stream));
  }
  if (f.pickle != !f.pickles.empty()) {
    return r.Error("pickle", "must be true exactly when the file has pickle streams");
  }
  GOV_ASSIGN_OR_RETURN(f.incomplete, r.Strings("incomplete"));
  return f;
}

}  // namespace

StatusOr<ArtifactFacts> ArtifactFactsFromJson(const nlohmann::json& j, std::string_view origin,
                                              std::string_view where) {
  const std::string o(origin);
  Fields r(j, o, std::string(where));
  GOV_RETURN_IF_ERROR(r.Exactly({"scanner", "complete", "incomplete", "files"}));
  ArtifactFacts facts;
  GOV_ASSIGN_OR_RETURN(facts.scanner, r.String("scanner"));
  if (facts.scanner != kArtifactFactsScanner) {
    return r.Error("scanner", "is \"" + facts.scanner + "\"; this mgov reads " +
                                  std::string(kArtifactFactsScanner));
  }
  GOV_ASSIGN_OR_RETURN(facts.complete, r.Bool("complete"));
  GOV_ASSIGN_OR_RETURN(facts.incomplete, r.Strings("incomplete"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* files, r.Array("files"));
  bool complete = facts.incomplete.empty();
  for (size_t i = 0; i < files->size(); ++i) {
    Fields f((*files)[i], o, r.PathOf("files/" + std::to_string(i)));
    GOV_ASSIGN_OR_RETURN(FileFacts file, ReadFileFacts(f, o));
    if (!facts.files.empty() && !(facts.files.back().path < file.path)) {
      return f.Error("path", "must follow " + facts.files.back().path + " (files sorted by path, once each)");
    }
    complete = complete && file.incomplete.empty();
    facts.files.push_back(std::move(file));
  }
  if (facts.complete != complete) {
    return r.Error("complete", "must be true exactly when no reason makes the facts incomplete");
  }
  return facts;
}

}  // namespace governance
