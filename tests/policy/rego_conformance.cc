// rego_conformance: runs OPA's own Rego conformance cases against mgov's engine.
//
//   rego_conformance [--skips FILE] [-v] DIR...
//
// Every *.yaml / *.yml file under each DIR holds `cases:` (schema in
// shared/opa-conformance/SOURCE.md). Each failure is printed with its note and
// file; the last line is "N passed, N failed, N skipped". A case is skipped
// only when the skip list names it (one "note :: reason" per line). A skipped
// case still runs: one that passes, and an entry that names no case, fail, so
// the list only ever shrinks to what is true. Exit 0 when nothing failed, 1
// otherwise, 2 on a usage or I/O error.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/document.h"
#include "core/file.h"
#include "governance/policy.h"

namespace {

namespace fs = std::filesystem;
using governance::StatusOr;
using nlohmann::json;

bool JsonEqual(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() && b.is_number_integer()) return a.get<int64_t>() == b.get<int64_t>();
    return a.get<double>() == b.get<double>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!JsonEqual(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !JsonEqual(it.value(), b[it.key()])) return false;
    }
    return true;
  }
  return a == b;
}

void SortArrays(json* j) {
  if (j->is_array()) {
    for (auto& e : *j) SortArrays(&e);
    std::sort(j->begin(), j->end(), [](const json& x, const json& y) { return x.dump() < y.dump(); });
  } else if (j->is_object()) {
    for (auto& [k, v] : j->items()) SortArrays(&v);
  }
}

bool RowsEqual(json want, json got, bool sort_bindings) {
  if (sort_bindings) {
    for (auto& row : want) {
      for (auto& [k, v] : row.items()) SortArrays(&v);
    }
    for (auto& row : got) {
      for (auto& [k, v] : row.items()) SortArrays(&v);
    }
  }
  if (JsonEqual(want, got)) return true;
  if (want.size() != got.size()) return false;
  // Result order is not part of the contract: compare as multisets.
  std::vector<bool> used(got.size(), false);
  for (const auto& w : want) {
    bool found = false;
    for (size_t i = 0; i < got.size(); ++i) {
      if (!used[i] && JsonEqual(w, got[i])) {
        used[i] = true;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

struct Counts {
  int passed = 0, failed = 0, skipped = 0;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Runs one case; returns "" on success, else why it failed.
std::string RunCase(const json& c) {
  std::vector<std::pair<std::string, std::string>> modules;
  if (c.contains("modules")) {
    int i = 0;
    for (const auto& m : c["modules"]) {
      modules.emplace_back("test-" + std::to_string(i++) + ".rego", m.get<std::string>());
    }
  }
  json data = c.contains("data") && !c["data"].is_null() ? c["data"] : json(nullptr);
  bool want_error = c.contains("want_error") || c.contains("want_error_code");
  std::string want_msg = c.contains("want_error") ? c["want_error"].get<std::string>() : "";
  std::string want_code =
      c.contains("want_error_code") ? c["want_error_code"].get<std::string>() : "";
  auto check_error = [&](const governance::Status& s) -> std::string {
    if (!want_error) return "unexpected error: " + s.message();
    if (!want_code.empty() && s.message().find(want_code) == std::string::npos) {
      return "error code: want " + want_code + ", got: " + s.message();
    }
    if (!want_msg.empty() && s.message().find(want_msg) == std::string::npos) {
      return "error message: want \"" + want_msg + "\", got: " + s.message();
    }
    return "";
  };
  StatusOr<governance::PolicyBundle> bundle = governance::CompilePolicyModules(modules, data, {});
  if (!bundle.ok()) return check_error(bundle.status());
  governance::QueryOptions opts;
  json input;
  if (c.contains("input")) {
    input = c["input"];
    opts.input = &input;
  }
  if (c.contains("input_term")) opts.input_term = c["input_term"].get<std::string>();
  opts.strict_builtin_errors = c.value("strict_error", false);
  StatusOr<std::vector<governance::QueryBindings>> rows =
      bundle->Query(c["query"].get<std::string>(), opts);
  if (!rows.ok()) return check_error(rows.status());
  if (want_error) return "want error " + want_code + " " + want_msg + ", got a result";
  json got = json::array();
  for (const auto& row : *rows) {
    json r = json::object();
    for (const auto& [k, v] : row) r[k] = v;
    got.push_back(std::move(r));
  }
  if (c.contains("want_defined")) {
    bool defined = !rows->empty();
    if (defined != c["want_defined"].get<bool>()) return "want_defined mismatch";
    return "";
  }
  json want = c.contains("want_result") && !c["want_result"].is_null() ? c["want_result"]
                                                                       : json::array();
  if (!RowsEqual(want, got, c.value("sort_bindings", false))) {
    return "result mismatch\n    want: " + want.dump() + "\n    got:  " + got.dump();
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> dirs;
  std::string skips_path;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--skips" && i + 1 < argc) {
      skips_path = argv[++i];
    } else if (a == "-v") {
      verbose = true;
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    std::cerr << "usage: rego_conformance [--skips FILE] [-v] DIR...\n";
    return 2;
  }
  std::map<std::string, std::string> skips;
  if (!skips_path.empty()) {
    StatusOr<std::string> text = governance::ReadFile(skips_path);
    if (!text.ok()) {
      std::cerr << text.status() << "\n";
      return 2;
    }
    size_t start = 0;
    while (start < text->size()) {
      size_t nl = text->find('\n', start);
      std::string line = text->substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? text->size() : nl + 1;
      line = Trim(line);
      if (line.empty() || line[0] == '#') continue;
      size_t sep = line.find(" :: ");
      if (sep == std::string::npos) {
        std::cerr << skips_path << ": skip entry without \" :: reason\": " << line << "\n";
        return 2;
      }
      skips[Trim(line.substr(0, sep))] = Trim(line.substr(sep + 4));
    }
  }
  std::vector<std::string> files;
  for (const std::string& d : dirs) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(d, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path().string());
    }
    if (ec) {
      std::cerr << d << ": " << ec.message() << "\n";
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  Counts counts;
  std::set<std::string> used_skips;
  for (const std::string& file : files) {
    StatusOr<json> doc = governance::LoadDocument(file);
    if (!doc.ok()) {
      std::cerr << doc.status() << "\n";
      return 2;
    }
    if (!doc->contains("cases")) continue;
    for (const json& c : (*doc)["cases"]) {
      std::string note = c.value("note", "");
      auto skip = skips.find(note);
      std::string why = RunCase(c);
      if (skip != skips.end()) {
        used_skips.insert(note);
        if (why.empty()) {
          ++counts.failed;
          std::cout << "FAIL " << note << " [" << file << "]\n    skipped (" << skip->second
                    << ") but passes: remove it from the skip list\n";
        } else {
          ++counts.skipped;
          if (verbose) std::cout << "SKIP " << note << " (" << skip->second << ")\n";
        }
        continue;
      }
      if (why.empty()) {
        ++counts.passed;
        if (verbose) std::cout << "PASS " << note << "\n";
      } else {
        ++counts.failed;
        std::cout << "FAIL " << note << " [" << file << "]\n    " << why << "\n";
      }
    }
  }
  for (const auto& [note, reason] : skips) {
    if (used_skips.count(note)) continue;
    ++counts.failed;
    std::cout << "FAIL " << note << "\n    the skip list names it, but no case has this note\n";
  }
  std::cout << counts.passed << " passed, " << counts.failed << " failed, " << counts.skipped
            << " skipped\n";
  return counts.failed == 0 ? 0 : 1;
}
