// The report shapes of `mgov policy eval` in conftest's manner. stdout, json
// and tap print what conftest prints; github, junit and sarif follow
// conftest's and fix what CI systems trip over in it: GitHub workflow
// command values are escaped and carry line= when the document's line is
// known, JUnit test cases are named by rule (so a test's history survives a
// changed message or count), and the SARIF log is valid 2.1.0 with one rule
// per Rego rule.
#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "cli/policy_conftest.h"
#include "core/markup.h"

namespace governance::cli {
namespace {

std::string Plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

struct Totals {
  size_t failures = 0, warnings = 0, exceptions = 0, successes = 0;
  size_t tests() const { return failures + warnings + exceptions + successes; }
};

Totals Count(const std::vector<CheckResult>& results) {
  Totals t;
  for (const CheckResult& r : results) {
    t.failures += r.failures.size();
    t.warnings += r.warnings.size();
    t.exceptions += r.exceptions.size();
    t.successes += r.successes;
  }
  return t;
}

std::string Summary(const Totals& t) {
  return fmt::format("{}, {} passed, {}, {}, {}", Plural(t.tests(), "test"), t.successes,
                     Plural(t.warnings, "warning"), Plural(t.failures, "failure"),
                     Plural(t.exceptions, "exception"));
}

size_t Total(const CheckResult& r) {
  return r.successes + r.failures.size() + r.warnings.size() + r.exceptions.size();
}

// conftest's "- <file>" and "- <namespace> -", stdin shown as "-".
std::string FileIndicator(const CheckResult& r) {
  return r.filename == "-" ? "-" : "- " + r.filename;
}
std::string NamespaceIndicator(const CheckResult& r) { return "- " + r.ns + " -"; }

void PrintStdout(const std::vector<CheckResult>& results, std::ostream& out) {
  for (const CheckResult& r : results) {
    if (Total(r) == 0) {
      out << fmt::format("? {} {} no policies found\n", FileIndicator(r), NamespaceIndicator(r));
      continue;
    }
    for (const CheckMessage& m : r.warnings) {
      out << fmt::format("WARN {} {} {}\n", FileIndicator(r), NamespaceIndicator(r), m.msg);
    }
    for (const CheckMessage& m : r.failures) {
      out << fmt::format("FAIL {} {} {}\n", FileIndicator(r), NamespaceIndicator(r), m.msg);
    }
    for (const CheckMessage& m : r.exceptions) {
      out << fmt::format("EXCP {} {} {}\n", FileIndicator(r), NamespaceIndicator(r), m.msg);
    }
  }
  out << "\n" << Summary(Count(results)) << "\n";
}

// conftest's table output: one row per result, bordered.
void PrintTable(const std::vector<CheckResult>& results, std::ostream& out) {
  std::vector<std::array<std::string, 4>> rows;
  for (const CheckResult& r : results) {
    for (size_t i = 0; i < r.successes; ++i) rows.push_back({"success", r.filename, r.ns, "SUCCESS"});
    for (const CheckMessage& m : r.warnings) rows.push_back({"warning", r.filename, r.ns, m.msg});
    for (const CheckMessage& m : r.failures) rows.push_back({"failure", r.filename, r.ns, m.msg});
    for (const CheckMessage& m : r.exceptions) rows.push_back({"exception", r.filename, r.ns, m.msg});
  }
  std::array<std::string, 4> header = {"RESULT", "FILE", "NAMESPACE", "MESSAGE"};
  std::array<size_t, 4> width{};
  for (size_t c = 0; c < 4; ++c) width[c] = header[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < 4; ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto rule = [&] {
    std::string line = "+";
    for (size_t c = 0; c < 4; ++c) line += std::string(width[c] + 2, '-') + "+";
    out << line << "\n";
  };
  auto print = [&](const std::array<std::string, 4>& row) {
    std::string line = "|";
    for (size_t c = 0; c < 4; ++c) line += fmt::format(" {:<{}} |", row[c], width[c]);
    out << line << "\n";
  };
  rule();
  print(header);
  rule();
  for (const auto& row : rows) print(row);
  rule();
}

void PrintJson(const std::vector<CheckResult>& results, std::ostream& out) {
  // conftest's CheckResult, in its field order: empty lists and empty
  // metadata are left out.
  using Ordered = nlohmann::ordered_json;
  auto messages = [](const std::vector<CheckMessage>& v) {
    Ordered arr = Ordered::array();
    for (const CheckMessage& m : v) {
      Ordered o = {{"msg", m.msg}};
      if (!m.metadata.empty()) o["metadata"] = Ordered::parse(m.metadata.dump());
      arr.push_back(std::move(o));
    }
    return arr;
  };
  Ordered arr = Ordered::array();
  for (const CheckResult& r : results) {
    Ordered o = Ordered::object();
    o["filename"] = r.filename == "-" ? "" : r.filename;
    o["namespace"] = r.ns;
    o["successes"] = r.successes;
    if (!r.warnings.empty()) o["warnings"] = messages(r.warnings);
    if (!r.failures.empty()) o["failures"] = messages(r.failures);
    if (!r.exceptions.empty()) o["exceptions"] = messages(r.exceptions);
    arr.push_back(std::move(o));
  }
  out << arr.dump(1, '\t') << "\n";
}

void PrintTap(const std::vector<CheckResult>& results, std::ostream& out) {
  for (const CheckResult& r : results) {
    size_t total = Total(r);
    if (total == 0) continue;
    std::string file = FileIndicator(r), ns = NamespaceIndicator(r);
    size_t n = 1;
    out << fmt::format("1..{}\n", total);
    for (const CheckMessage& m : r.failures) out << fmt::format("not ok {} {} {} {}\n", n++, file, ns, m.msg);
    if (!r.warnings.empty()) {
      out << "# warnings\n";
      for (const CheckMessage& m : r.warnings) out << fmt::format("not ok {} {} {} {}\n", n++, file, ns, m.msg);
    }
    if (!r.exceptions.empty()) {
      out << "# exceptions\n";
      for (const CheckMessage& m : r.exceptions) out << fmt::format("ok {} {} {} {}\n", n++, file, ns, m.msg);
    }
    if (r.successes > 0) {
      out << "# successes\n";
      for (size_t i = 0; i < r.successes; ++i) out << fmt::format("ok {} {} {} SUCCESS\n", n++, file, ns);
    }
  }
}

// Workflow command data: %, CR and LF escaped.
std::string GithubData(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// Workflow command property values: also ':' and ',', which end a value.
std::string GithubProperty(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += GithubData(std::string_view(&c, 1));
    }
  }
  return out;
}

void PrintGithub(const std::vector<CheckResult>& results, std::ostream& out) {
  for (const CheckResult& r : results) {
    out << fmt::format("::group::Testing '{}' against {} policies in namespace '{}'\n",
                       GithubData(r.filename), Total(r), GithubData(r.ns));
    std::string where = "file=" + GithubProperty(r.filename);
    if (r.line > 0) where += fmt::format(",line={}", r.line);
    auto annotate = [&](const char* level, const CheckMessage& m) {
      out << fmt::format("::{} {},title={}::{}\n", level, where,
                         GithubProperty(r.ns + "." + m.rule), GithubData(m.msg));
    };
    for (const CheckMessage& m : r.failures) annotate("error", m);
    for (const CheckMessage& m : r.warnings) annotate("warning", m);
    for (const CheckMessage& m : r.exceptions) annotate("notice", m);
    if (r.successes > 0) out << fmt::format("success file={} {}\n", GithubData(r.filename), r.successes);
    out << "::endgroup::\n";
  }
  out << Summary(Count(results)) << "\n";
}

// One test case per file and rule, named "data.<namespace>.<rule>": each
// message of that rule in that file is part of its one failure.
void PrintJunit(const std::vector<CheckResult>& results, std::ostream& out) {
  struct Case {
    std::string file, rule;
    std::vector<std::string> failures, warnings, exceptions;
  };
  std::map<std::string, std::vector<Case>> suites;  // by namespace
  for (const CheckResult& r : results) {
    std::vector<Case>& cases = suites[r.ns];
    auto at = [&](const std::string& rule) -> Case& {
      for (Case& c : cases) {
        if (c.file == r.filename && c.rule == rule) return c;
      }
      cases.push_back({r.filename, rule, {}, {}, {}});
      return cases.back();
    };
    for (const std::string& rule : r.passed_rules) at(rule);
    for (const CheckMessage& m : r.failures) at(m.rule).failures.push_back(m.msg);
    for (const CheckMessage& m : r.warnings) at(m.rule).warnings.push_back(m.msg);
    for (const CheckMessage& m : r.exceptions) at(m.rule).exceptions.push_back(m.msg);
  }
  for (auto& [ns, cases] : suites) {
    std::stable_sort(cases.begin(), cases.end(), [](const Case& x, const Case& y) {
      return std::tie(x.file, x.rule) < std::tie(y.file, y.rule);
    });
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& [ns, cases] : suites) {
    size_t failures = 0, skipped = 0;
    for (const Case& c : cases) {
      failures += (!c.failures.empty() || !c.warnings.empty()) ? 1 : 0;
      skipped += (c.failures.empty() && c.warnings.empty() && !c.exceptions.empty()) ? 1 : 0;
    }
    out << fmt::format("\t<testsuite name=\"conftest.{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
                       "skipped=\"{}\">\n",
                       EscapeMarkup(ns), cases.size(), failures, skipped);
    for (const Case& c : cases) {
      out << fmt::format("\t\t<testcase classname=\"{}\" name=\"data.{}.{}\"", EscapeMarkup(c.file),
                         EscapeMarkup(ns), EscapeMarkup(c.rule));
      if (c.failures.empty() && c.warnings.empty() && c.exceptions.empty()) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      auto body = [](const std::vector<std::string>& msgs) {
        std::string text;
        for (const std::string& m : msgs) text += (text.empty() ? "" : "\n") + m;
        return EscapeMarkup(text);
      };
      if (!c.failures.empty()) {
        out << fmt::format("\t\t\t<failure message=\"{}\" type=\"failure\">{}</failure>\n",
                           EscapeMarkup(c.failures[0]), body(c.failures));
      } else if (!c.warnings.empty()) {
        out << fmt::format("\t\t\t<failure message=\"{}\" type=\"warning\">{}</failure>\n",
                           EscapeMarkup(c.warnings[0]), body(c.warnings));
      } else {
        out << fmt::format("\t\t\t<skipped message=\"{}\"/>\n", EscapeMarkup(c.exceptions[0]));
      }
      out << "\t\t</testcase>\n";
    }
    out << "\t</testsuite>\n";
  }
  out << "</testsuites>\n";
}

void PrintSarif(const std::vector<CheckResult>& results, int exit_code, std::ostream& out) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, size_t> index;
  nlohmann::json sarif_results = nlohmann::json::array();
  auto rule_index = [&](const std::string& id, std::string_view description) {
    auto it = index.find(id);
    if (it != index.end()) return it->second;
    rules.push_back({{"id", id},
                     {"shortDescription", {{"text", description}}},
                     {"fullDescription", {{"text", description}}}});
    index[id] = rules.size() - 1;
    return rules.size() - 1;
  };
  auto add = [&](const CheckResult& r, const CheckMessage& m, const char* level,
                 std::string_view description) {
    std::string id = r.ns + "/" + m.rule;
    nlohmann::json location = {{"artifactLocation", {{"uri", r.filename == "-" ? "stdin" : r.filename}}}};
    if (r.line > 0) location["region"] = {{"startLine", r.line}};
    nlohmann::json result = {{"ruleId", id},
                             {"ruleIndex", rule_index(id, description)},
                             {"level", level},
                             {"message", {{"text", m.msg}}},
                             {"locations", nlohmann::json::array({{{"physicalLocation", location}}})}};
    if (!m.metadata.empty()) result["properties"] = m.metadata;
    sarif_results.push_back(std::move(result));
  };
  for (const CheckResult& r : results) {
    for (const CheckMessage& m : r.failures) add(r, m, "error", "Policy violation");
    for (const CheckMessage& m : r.warnings) add(r, m, "warning", "Policy warning");
    for (const CheckMessage& m : r.exceptions) add(r, m, "note", "Policy exception");
  }
  bool failures = false, warnings = false;
  for (const CheckResult& r : results) {
    failures = failures || !r.failures.empty();
    warnings = warnings || !r.warnings.empty();
  }
  nlohmann::json log = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       nlohmann::json::array(
           {{{"tool",
              {{"driver",
                {{"name", "mgov"}, {"rules", rules}}}}},
             {"results", sarif_results},
             {"invocations",
              nlohmann::json::array(
                  {{{"executionSuccessful", true},
                    {"exitCode", exit_code},
                    {"exitCodeDescription", failures   ? "Policy violations found"
                                            : warnings ? "Policy warnings found"
                                                       : "No policy violations found"}}})}}})}};
  out << log.dump(2) << "\n";
}

}  // namespace

const std::vector<std::string>& ConftestOutputs() {
  static const std::vector<std::string> outputs = {"stdout", "table", "json", "tap",
                                                   "junit",  "github", "sarif"};
  return outputs;
}

void PrintCheckResults(const std::vector<CheckResult>& results, const std::string& output,
                       int exit_code, std::ostream& out) {
  if (output == "json") {
    PrintJson(results, out);
  } else if (output == "tap") {
    PrintTap(results, out);
  } else if (output == "table") {
    PrintTable(results, out);
  } else if (output == "junit") {
    PrintJunit(results, out);
  } else if (output == "github") {
    PrintGithub(results, out);
  } else if (output == "sarif") {
    PrintSarif(results, exit_code, out);
  } else {
    PrintStdout(results, out);
  }
}

}  // namespace governance::cli
