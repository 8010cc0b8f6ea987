#include "policy/lexer.h"

#include <doctest/doctest.h>

namespace governance::rego {
namespace {

std::vector<Token> Lex(std::string_view src) {
  Lexer lexer(src, "t.rego");
  auto tokens = lexer.Tokenize();
  REQUIRE(tokens.ok());
  return *tokens;
}

}  // namespace

TEST_CASE("Lexer: operators, identifiers and positions") {
  auto t = Lex("p := x == 1\n  q != 2.5e3");
  REQUIRE(t.size() == 9);
  CHECK(t[0].kind == TokenKind::kIdent);
  CHECK(t[1].kind == TokenKind::kAssign);
  CHECK(t[3].kind == TokenKind::kEq);
  CHECK(t[4].kind == TokenKind::kNumber);
  CHECK(t[5].text == "q");
  CHECK(t[5].newline_before);
  CHECK(t[5].loc.row == 2);
  CHECK(t[5].loc.col == 3);
  CHECK(t[6].kind == TokenKind::kNeq);
  CHECK(t[7].text == "2.5e3");
  CHECK(t[8].kind == TokenKind::kEof);
}

TEST_CASE("Lexer: strings decode escapes; raw strings do not") {
  auto t = Lex(R"("a\tb\u00e9\"" `c\d`)");
  CHECK(t[0].kind == TokenKind::kString);
  CHECK(t[0].text == "a\tb\xC3\xA9\"");
  CHECK(t[1].kind == TokenKind::kRawString);
  CHECK(t[1].text == "c\\d");
}

TEST_CASE("Lexer: comments are skipped") {
  auto t = Lex("a # comment ( [\nb");
  REQUIRE(t.size() == 3);
  CHECK(t[1].text == "b");
}

TEST_CASE("Lexer: errors name file, line and column") {
  Lexer bad("p := \"open\n", "x.rego");
  auto r = bad.Tokenize();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message() == "x.rego:1:6: rego_parse_error: unterminated string");
  Lexer bang("a ! b", "y.rego");
  CHECK(bang.Tokenize().status().message() ==
        "y.rego:1:3: rego_parse_error: unexpected `!` (did you mean `!=`?)");
  Lexer esc(R"("\q")", "z.rego");
  CHECK(esc.Tokenize().status().message() == "z.rego:1:1: rego_parse_error: invalid escape `\\q` in string");
}

TEST_CASE("Lexer: template strings arrive in pieces around their expressions") {
  auto t = Lex(R"($"a{x}b{ {"k": 1} }c" $"plain\{")");
  REQUIRE(t.size() == 11);
  CHECK(t[0].kind == TokenKind::kTemplateHead);
  CHECK(t[0].text == "a");
  CHECK(t[1].text == "x");
  CHECK(t[2].kind == TokenKind::kTemplateMiddle);
  CHECK(t[2].text == "b");
  CHECK(t[3].kind == TokenKind::kLBrace);  // the object's braces are its own
  CHECK(t[7].kind == TokenKind::kRBrace);
  CHECK(t[8].kind == TokenKind::kTemplateTail);
  CHECK(t[8].text == "c");
  CHECK(t[9].kind == TokenKind::kTemplateString);
  CHECK(t[9].text == "plain{");
}

TEST_CASE("Lexer: raw template strings span lines and keep backslashes") {
  auto t = Lex("$`a\\n\n{x}\\{`\ny");
  REQUIRE(t.size() == 5);
  CHECK(t[0].kind == TokenKind::kTemplateHead);
  CHECK(t[0].text == "a\\n\n");
  CHECK(t[2].kind == TokenKind::kTemplateTail);
  CHECK(t[2].text == "{");
  CHECK(t[3].loc.row == 3);
}

TEST_CASE("Lexer: template string errors") {
  Lexer open("p := $\"a{x", "t.rego");
  CHECK(open.Tokenize().status().message() == "t.rego:1:11: rego_parse_error: unterminated template string");
  Lexer dollar("p := $x", "t.rego");
  CHECK(dollar.Tokenize().status().message() == "t.rego:1:6: rego_parse_error: unexpected character `$`");
  Lexer line("p := $\"a\nb\"", "t.rego");
  CHECK(line.Tokenize().status().message() == "t.rego:1:6: rego_parse_error: unterminated template string");
}

TEST_CASE("Lexer: comments are kept for METADATA") {
  Lexer lexer("# METADATA\n# title: x\r\np := 1 # tail", "t.rego");
  REQUIRE(lexer.Tokenize().ok());
  const std::vector<Comment>& c = lexer.comments();
  REQUIRE(c.size() == 3);
  CHECK(c[0].text == " METADATA");
  CHECK(c[1].text == " title: x");
  CHECK(c[1].loc.row == 2);
  CHECK(c[2].loc.col == 8);
}

}  // namespace governance::rego
