// strings.render_template, with the Go text/template behaviour OPA exposes.
#include <doctest/doctest.h>

#include "builtin_eval.h"

namespace governance {
namespace {

using testing::EvalError;
using testing::EvalTerm;

TEST_CASE("strings.render_template: values, ranges and conditions") {
  CHECK(EvalTerm(R"(strings.render_template("{{.test}}", {"test": "hello world"}))") ==
        R"("hello world")");
  CHECK(EvalTerm(R"(strings.render_template("{{.test}}", {"test": 2023}))") == R"("2023")");
  CHECK(EvalTerm(R"(strings.render_template("{{.a.b}}-{{.f}}", {"a": {"b": true}, "f": 1.5}))") ==
        R"("true-1.5")");
  CHECK(EvalTerm(
            R"(strings.render_template("{{range $i, $name := .names}}{{if $i}},{{end}}hello {{$name}}{{end}}", {"names": ["rohan", "john doe"]}))") ==
        R"("hello rohan,hello john doe")");
  CHECK(EvalTerm(R"(strings.render_template("{{range .xs}}[{{.}}]{{else}}none{{end}}", {"xs": []}))") ==
        R"("none")");
  CHECK(EvalTerm(R"(strings.render_template("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", {"m": {"b": 2, "a": 1}}))") ==
        R"("a=1;b=2;")");
  CHECK(EvalTerm(R"(strings.render_template("{{if .x}}yes{{else if .y}}maybe{{else}}no{{end}}", {"x": false, "y": "s"}))") ==
        R"("maybe")");
  CHECK(EvalTerm(R"(strings.render_template("{{with .a}}{{.b}}{{end}}", {"a": {"b": "in"}}))") ==
        R"("in")");
  CHECK(EvalTerm(R"(strings.render_template("a  {{- .x -}}  b{{/* note */}}", {"x": "X"}))") ==
        R"("aXb")");
  CHECK(EvalTerm(R"(strings.render_template("{{$v := .x}}{{$v}}{{$.x}}", {"x": "X"}))") ==
        R"("XX")");
  CHECK(EvalTerm(R"(strings.render_template("{{.l}} {{.o}} {{.n}}", {"l": [1, "a"], "o": {"k": [2]}, "n": null}))") ==
        R"("[1 a] map[k:[2]] <nil>")");
}

TEST_CASE("strings.render_template: a missing key prints as <undefined>") {
  CHECK(EvalTerm(R"(strings.render_template("{{.nope}}", {"test": "x"}))") == R"("<undefined>")");
  CHECK(EvalTerm(R"(strings.render_template("test {{.foo}} {{.bar}} {{.baz}}", {"baz": 1}))") ==
        R"("test <undefined> <undefined> 1")");
  CHECK(EvalTerm(R"(strings.render_template("{{if .nope}}y{{else}}n{{end}}", {}))") == R"("n")");
}

TEST_CASE("strings.render_template: errors") {
  CHECK(EvalError(R"(strings.render_template("{{.a", {}))") ==
        "eval_builtin_error: strings.render_template: template: unclosed action");
  CHECK(EvalError(R"(strings.render_template("{{if .a}}x", {}))") ==
        "eval_builtin_error: strings.render_template: template: unexpected EOF");
  CHECK(EvalError(R"(strings.render_template("{{end}}", {}))") ==
        "eval_builtin_error: strings.render_template: template: unexpected {{end}}");
  CHECK(EvalError(R"(strings.render_template("{{len .a}}", {}))") ==
        "eval_builtin_error: strings.render_template: template: function \"len\" not defined");
  CHECK(EvalError(R"(strings.render_template("{{.a.b}}", {"a": "s"}))") ==
        "eval_builtin_error: strings.render_template: template: can't evaluate field b in type "
        "string");
  CHECK(EvalError(R"(strings.render_template("{{$nope}}", {}))") ==
        "eval_builtin_error: strings.render_template: template: undefined variable $nope");
  CHECK(EvalError(R"(strings.render_template(1, {}))") ==
        "eval_type_error: strings.render_template: operand 1 must be string but got number");
  CHECK(EvalError(R"(strings.render_template("", []))") ==
        "eval_type_error: strings.render_template: operand 2 must be object but got array");
}

}  // namespace
}  // namespace governance
