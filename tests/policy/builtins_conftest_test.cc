// conftest's builtins (builtins_conftest.cc): parse_config, parse_config_file
// and parse_combined_config_files, from conftest's documented behaviour, and
// each error path; the file readers only where the bundle allows host reads.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "builtin_eval.h"
#include "governance/policy.h"
#include "test_util.h"

namespace governance {
namespace {

// x := <expr>, strict, in a bundle that may read host files (as conftest-
// compatible commands load it): the JSON of x, "undefined", or "error: <message>".
std::string Eval(const std::string& expr, bool strict = true) {
  BundleOptions host_files;
  host_files.read_host_files = true;
  return testing::EvalTerm(expr, strict, nullptr, 0, host_files);
}

std::string Quote(const std::string& s) { return nlohmann::json(s).dump(); }

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("parse_config: JSON and YAML text, as conftest's parsers read it") {
  CHECK(Eval(R"(parse_config("json", "{\"kind\": \"Pod\", \"n\": [1, 2.5]}"))") ==
        R"({"kind":"Pod","n":[1,2.5]})");
  CHECK(Eval(R"(parse_config("yaml", "kind: Pod\nspec:\n  replicas: 3\n"))") ==
        R"({"kind":"Pod","spec":{"replicas":3}})");
  CHECK(Eval(R"(parse_config("yml", "a: true"))") == R"({"a":true})");
  // Several YAML documents are an array of them.
  CHECK(Eval(R"(parse_config("yaml", "a: 1\n---\nb: 2\n"))") == R"([{"a":1},{"b":2}])");
  // A leading --- does not make an empty document.
  CHECK(Eval(R"(parse_config("yaml", "---\na: 1\n"))") == R"({"a":1})");
}

TEST_CASE("parse_config: errors name the builtin and where the text is wrong") {
  CHECK(Eval(R"(parse_config(1, "a: 1"))") ==
        "error: b.rego:2: eval_type_error: parse_config: operand 1 must be string but got number");
  CHECK(Eval(R"(parse_config("yaml", 1))") ==
        "error: b.rego:2: eval_type_error: parse_config: operand 2 must be string but got number");
  CHECK(Eval(R"(parse_config("hcl2", "a = 1"))") ==
        "error: b.rego:2: eval_builtin_error: parse_config: unknown parser \"hcl2\" (mgov reads "
        "json and yaml)");
  std::string bad = Eval(R"(parse_config("json", "{\"a\": }"))");
  CHECK(bad.find("eval_builtin_error: parse_config: config:1:") != std::string::npos);
  // The line of an error in a later YAML document is the line in the text.
  std::string bad_yaml = Eval(R"(parse_config("yaml", "a: 1\n---\nb: [\n"))");
  CHECK(bad_yaml.find("eval_builtin_error: parse_config: config:") != std::string::npos);
  CHECK(bad_yaml.find("config:1:") == std::string::npos);
  // Outside strict mode an error leaves the call undefined.
  CHECK(Eval(R"(parse_config("hcl2", "a = 1"))", false) == "undefined");
}

TEST_CASE("parse_config_file and parse_combined_config_files read JSON and YAML files") {
  testing::TempDir dir;
  Write(dir / "a.yaml", "kind: Deployment\n");
  Write(dir / "b.json", R"({"kind": "Service"})");
  Write(dir / "multi.yml", "n: 1\n---\nn: 2\n");
  CHECK(Eval("parse_config_file(" + Quote(dir / "a.yaml") + ")") == R"({"kind":"Deployment"})");
  CHECK(Eval("parse_config_file(" + Quote(dir / "b.json") + ")") == R"({"kind":"Service"})");
  CHECK(Eval("parse_config_file(" + Quote(dir / "multi.yml") + ")") == R"([{"n":1},{"n":2}])");
  std::string combined = Eval("parse_combined_config_files([" + Quote(dir / "a.yaml") + ", " +
                              Quote(dir / "b.json") + "])");
  CHECK(combined == R"([{"contents":{"kind":"Deployment"},"path":")" + (dir / "a.yaml") +
                        R"("},{"contents":{"kind":"Service"},"path":")" + (dir / "b.json") +
                        R"("}])");
  // Each document of a multi-document file is an entry, with the file's path.
  CHECK(Eval("[c.contents.n | c := parse_combined_config_files([" + Quote(dir / "multi.yml") +
             "])[_]]") == "[1,2]");
  // A set of paths is read too.
  CHECK(Eval("count(parse_combined_config_files({" + Quote(dir / "a.yaml") + "}))") == "1");
}

TEST_CASE("parse_config_file: refuses what is not a regular JSON or YAML file") {
  testing::TempDir dir;
  Write(dir / "c.toml", "a = 1\n");
  CHECK(Eval("parse_config_file(" + Quote(dir / "c.toml") + ")") ==
        "error: b.rego:2: eval_builtin_error: parse_config_file: " + (dir / "c.toml") +
            ": unsupported file format (mgov reads .json, .yaml and .yml)");
  CHECK(Eval("parse_config_file(" + Quote(dir / "missing.yaml") + ")")
            .find("eval_builtin_error: parse_config_file: ") != std::string::npos);
  CHECK(Eval("parse_config_file(1)") ==
        "error: b.rego:2: eval_type_error: parse_config_file: operand 1 must be string but got "
        "number");
  // A FIFO named like a YAML file is refused, not waited on.
  REQUIRE(::mkfifo((dir / "fifo.yaml").c_str(), 0600) == 0);
  CHECK(Eval("parse_config_file(" + Quote(dir / "fifo.yaml") + ")")
            .find("it is a FIFO, not a regular file") != std::string::npos);
  // A directory named like one too.
  REQUIRE(::mkdir((dir / "d.json").c_str(), 0700) == 0);
  CHECK(Eval("parse_config_file(" + Quote(dir / "d.json") + ")").find("it is a directory") !=
        std::string::npos);
  Write(dir / "broken.json", "{\"a\": ");
  CHECK(Eval("parse_config_file(" + Quote(dir / "broken.json") + ")")
            .find("parse_config_file: " + (dir / "broken.json") + ":1:") != std::string::npos);
}

TEST_CASE("parse_config_file: a bundle loaded without host reads refuses, even when not strict") {
  testing::TempDir dir;
  Write(dir / "a.yaml", "allowed: true\n");
  const std::string refused =
      "error: b.rego:2: parse_config_file: reads files of the evaluating host, which only "
      "conftest-compatible commands allow";
  for (bool strict : {true, false}) {
    CAPTURE(strict);
    CHECK(testing::EvalTerm("parse_config_file(" + Quote(dir / "a.yaml") + ")", strict)
              .rfind(refused, 0) == 0);
    CHECK(testing::EvalTerm("parse_combined_config_files([" + Quote(dir / "a.yaml") + "])", strict)
              .find("parse_combined_config_files: reads files of the evaluating host") !=
          std::string::npos);
  }
  // A `not` cannot turn the refusal into an allow: the decision is an error.
  auto b = CompilePolicyModules(
      {{"p.rego", "package model.governance\nimport rego.v1\n"
                  "deny contains \"not allowed\" if not parse_config_file(input.path).allowed\n"}},
      nullptr);
  REQUIRE(b.ok());
  nlohmann::json input = {{"path", dir / "a.yaml"}};
  EvaluateOptions eo;
  auto decision = b->Evaluate(input, eo);
  REQUIRE_FALSE(decision.ok());
  CHECK(decision.status().message().find("reads files of the evaluating host") != std::string::npos);
  // parse_config reads no file and stays available everywhere.
  CHECK(testing::EvalTerm(R"(parse_config("yaml", "a: 1"))", true) == R"({"a":1})");
}

TEST_CASE("parse_combined_config_files: operand and element errors") {
  CHECK(Eval("parse_combined_config_files(\"a.yaml\")") ==
        "error: b.rego:2: eval_type_error: parse_combined_config_files: operand 1 must be array "
        "or set of strings but got string");
  CHECK(Eval("parse_combined_config_files([1])") ==
        "error: b.rego:2: eval_type_error: parse_combined_config_files: operand 1 must be array "
        "or set of strings");
  CHECK(Eval("parse_combined_config_files([\"/nonexistent/x.yaml\"])")
            .find("eval_builtin_error: parse_combined_config_files: ") != std::string::npos);
}

}  // namespace governance
