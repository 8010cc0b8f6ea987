// Lexer: splits Rego source text into tokens.
//
// Newlines are not tokens; each token records whether a line break preceded
// it, which is how the parser separates body expressions written on separate
// lines. Comments run from `#` to the end of the line.
//
//   Lexer lexer(source, "policy.rego");
//   StatusOr<std::vector<Token>> tokens = lexer.Tokenize();
//
// Errors are InvalidArgument "<file>:<line>:<col>: rego_parse_error: <what>".
#ifndef GOVERNANCE_SRC_POLICY_LEXER_H_
#define GOVERNANCE_SRC_POLICY_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance::rego {

enum class TokenKind {
  kEof,
  kIdent,
  kString,     // "..." (text holds the decoded value)
  kRawString,  // `...` (text holds the raw contents)
  kNumber,     // text holds the literal
  kDot,
  kComma,
  kSemicolon,
  kColon,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kUnify,   // =
  kAssign,  // :=
  kEq,      // ==
  kNeq,     // !=
  kLt,
  kLte,
  kGt,
  kGte,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kPipe,
  kAmpersand,
  // Template strings $"a{x}b{y}c" (and raw $`...`) arrive in pieces around
  // their expressions, each piece's text decoded: kTemplateHead "a" (ends
  // at `{`), then the expression's tokens, kTemplateMiddle "b" (from `}` to
  // the next `{`), ..., kTemplateTail "c" (from `}` to the closing quote).
  // A template without expressions is one kTemplateString.
  kTemplateString,
  kTemplateHead,
  kTemplateMiddle,
  kTemplateTail,
};

// A source position; rows and columns count from 1, columns in bytes.
struct Location {
  int row = 0;
  int col = 0;
};

// A `#` comment: its text after the `#` and where the `#` stands.
struct Comment {
  Location loc;
  std::string text;
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;
  Location loc;
  // True when a line break separates this token from the previous one.
  bool newline_before = false;
  // True when any whitespace or comment separates it from the previous one.
  bool space_before = false;
};

// Human-readable name of a token kind for error messages ("identifier", "`:=`").
std::string_view TokenKindName(TokenKind kind);

class Lexer {
 public:
  // `file` names the source in error messages. `source` must outlive the Lexer.
  Lexer(std::string_view source, std::string file);

  StatusOr<std::vector<Token>> Tokenize();

  // The comments met by Tokenize, in source order (METADATA blocks are
  // read from them).
  const std::vector<Comment>& comments() const { return comments_; }

 private:
  // A template string whose expression is being lexed: `depth` counts the
  // braces opened inside the expression, so the `}` that closes it is told
  // from one that closes an object or set.
  struct OpenTemplate {
    bool raw = false;
    int depth = 0;
  };

  Status Error(Location loc, std::string_view what) const;
  Status LexString(Token* token);
  Status LexRawString(Token* token);
  Status LexNumber(Token* token);
  // Decodes the escape at pos_ (a backslash) into *out.
  Status LexEscape(const Token& token, std::string* out);
  // Lexes template text up to the next `{` or the closing quote; `start`
  // says whether this is the first piece (after `$"`) or a continuation
  // (after the `}` that closed an expression).
  Status LexTemplatePiece(Token* token, bool raw, bool start);

  std::string_view src_;
  std::string file_;
  size_t pos_ = 0;
  int row_ = 1;
  int col_ = 1;
  std::vector<OpenTemplate> templates_;
  std::vector<Comment> comments_;
};

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_LEXER_H_
