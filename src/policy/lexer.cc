#include "policy/lexer.h"

#include <fmt/format.h>

namespace governance::rego {

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof:
      return "end of file";
    case TokenKind::kIdent:
      return "identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kRawString:
      return "raw string";
    case TokenKind::kNumber:
      return "number";
    case TokenKind::kDot:
      return "`.`";
    case TokenKind::kComma:
      return "`,`";
    case TokenKind::kSemicolon:
      return "`;`";
    case TokenKind::kColon:
      return "`:`";
    case TokenKind::kLBracket:
      return "`[`";
    case TokenKind::kRBracket:
      return "`]`";
    case TokenKind::kLBrace:
      return "`{`";
    case TokenKind::kRBrace:
      return "`}`";
    case TokenKind::kLParen:
      return "`(`";
    case TokenKind::kRParen:
      return "`)`";
    case TokenKind::kUnify:
      return "`=`";
    case TokenKind::kAssign:
      return "`:=`";
    case TokenKind::kEq:
      return "`==`";
    case TokenKind::kNeq:
      return "`!=`";
    case TokenKind::kLt:
      return "`<`";
    case TokenKind::kLte:
      return "`<=`";
    case TokenKind::kGt:
      return "`>`";
    case TokenKind::kGte:
      return "`>=`";
    case TokenKind::kPlus:
      return "`+`";
    case TokenKind::kMinus:
      return "`-`";
    case TokenKind::kStar:
      return "`*`";
    case TokenKind::kSlash:
      return "`/`";
    case TokenKind::kPercent:
      return "`%`";
    case TokenKind::kPipe:
      return "`|`";
    case TokenKind::kAmpersand:
      return "`&`";
    case TokenKind::kTemplateString:
    case TokenKind::kTemplateHead:
      return "template string";
    case TokenKind::kTemplateMiddle:
    case TokenKind::kTemplateTail:
      return "`}`";
  }
  return "token";
}

Lexer::Lexer(std::string_view source, std::string file) : src_(source), file_(std::move(file)) {}

Status Lexer::Error(Location loc, std::string_view what) const {
  return InvalidArgumentError(
      fmt::format("{}:{}:{}: rego_parse_error: {}", file_, loc.row, loc.col, what));
}

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

StatusOr<std::vector<Token>> Lexer::Tokenize() {
  std::vector<Token> tokens;
  bool newline = false;
  bool space = false;
  while (true) {
    // Skip whitespace and comments.
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == '\n') {
        newline = true;
        space = true;
        ++pos_;
        ++row_;
        col_ = 1;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        space = true;
        ++pos_;
        ++col_;
      } else if (c == '#') {
        space = true;
        Comment comment;
        comment.loc = {row_, col_};
        size_t start = pos_ + 1;
        while (pos_ < src_.size() && src_[pos_] != '\n') {
          ++pos_;
          ++col_;
        }
        size_t end = pos_;
        if (end > start && src_[end - 1] == '\r') --end;
        comment.text = std::string(src_.substr(start, end - start));
        comments_.push_back(std::move(comment));
      } else {
        break;
      }
    }
    Token tok;
    tok.loc = {row_, col_};
    tok.newline_before = newline;
    tok.space_before = space;
    newline = false;
    space = false;
    if (pos_ >= src_.size()) {
      if (!templates_.empty()) return Error(tok.loc, "unterminated template string");
      tok.kind = TokenKind::kEof;
      tokens.push_back(std::move(tok));
      return tokens;
    }
    char c = src_[pos_];
    char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    auto single = [&](TokenKind kind, int len) {
      tok.kind = kind;
      tok.text = std::string(src_.substr(pos_, len));
      pos_ += len;
      col_ += len;
    };
    if (IsIdentStart(c)) {
      size_t start = pos_;
      while (pos_ < src_.size() && IsIdentChar(src_[pos_])) {
        ++pos_;
        ++col_;
      }
      tok.kind = TokenKind::kIdent;
      tok.text = std::string(src_.substr(start, pos_ - start));
    } else if (IsDigit(c)) {
      GOV_RETURN_IF_ERROR(LexNumber(&tok));
    } else if (c == '"') {
      GOV_RETURN_IF_ERROR(LexString(&tok));
    } else if (c == '`') {
      GOV_RETURN_IF_ERROR(LexRawString(&tok));
    } else {
      switch (c) {
        case '.':
          single(TokenKind::kDot, 1);
          break;
        case ',':
          single(TokenKind::kComma, 1);
          break;
        case ';':
          single(TokenKind::kSemicolon, 1);
          break;
        case ':':
          if (next == '=') {
            single(TokenKind::kAssign, 2);
          } else {
            single(TokenKind::kColon, 1);
          }
          break;
        case '[':
          single(TokenKind::kLBracket, 1);
          break;
        case ']':
          single(TokenKind::kRBracket, 1);
          break;
        case '{':
          if (!templates_.empty()) ++templates_.back().depth;
          single(TokenKind::kLBrace, 1);
          break;
        case '}':
          if (!templates_.empty() && templates_.back().depth == 0) {
            // Closes a template expression: the template's text goes on.
            bool raw = templates_.back().raw;
            templates_.pop_back();
            ++pos_;
            ++col_;
            GOV_RETURN_IF_ERROR(LexTemplatePiece(&tok, raw, false));
            break;
          }
          if (!templates_.empty()) --templates_.back().depth;
          single(TokenKind::kRBrace, 1);
          break;
        case '$':
          if (next != '"' && next != '`') return Error(tok.loc, "unexpected character `$`");
          pos_ += 2;
          col_ += 2;
          GOV_RETURN_IF_ERROR(LexTemplatePiece(&tok, next == '`', true));
          break;
        case '(':
          single(TokenKind::kLParen, 1);
          break;
        case ')':
          single(TokenKind::kRParen, 1);
          break;
        case '=':
          if (next == '=') {
            single(TokenKind::kEq, 2);
          } else {
            single(TokenKind::kUnify, 1);
          }
          break;
        case '!':
          if (next != '=') return Error(tok.loc, "unexpected `!` (did you mean `!=`?)");
          single(TokenKind::kNeq, 2);
          break;
        case '<':
          if (next == '=') {
            single(TokenKind::kLte, 2);
          } else {
            single(TokenKind::kLt, 1);
          }
          break;
        case '>':
          if (next == '=') {
            single(TokenKind::kGte, 2);
          } else {
            single(TokenKind::kGt, 1);
          }
          break;
        case '+':
          single(TokenKind::kPlus, 1);
          break;
        case '-':
          single(TokenKind::kMinus, 1);
          break;
        case '*':
          single(TokenKind::kStar, 1);
          break;
        case '/':
          single(TokenKind::kSlash, 1);
          break;
        case '%':
          single(TokenKind::kPercent, 1);
          break;
        case '|':
          single(TokenKind::kPipe, 1);
          break;
        case '&':
          single(TokenKind::kAmpersand, 1);
          break;
        default: {
          std::string what = (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                                 ? fmt::format("unexpected byte 0x{:02x}", static_cast<unsigned char>(c))
                                 : fmt::format("unexpected character `{}`", c);
          return Error(tok.loc, what);
        }
      }
    }
    tokens.push_back(std::move(tok));
  }
}

Status Lexer::LexNumber(Token* token) {
  size_t start = pos_;
  while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
  if (pos_ + 1 < src_.size() && src_[pos_] == '.' && IsDigit(src_[pos_ + 1])) {
    ++pos_;
    while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
  }
  if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
    size_t save = pos_;
    ++pos_;
    if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
    if (pos_ < src_.size() && IsDigit(src_[pos_])) {
      while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    } else {
      pos_ = save;
    }
  }
  if (pos_ < src_.size() && IsIdentStart(src_[pos_])) {
    return Error(token->loc, "invalid number: identifier directly after digits");
  }
  token->kind = TokenKind::kNumber;
  token->text = std::string(src_.substr(start, pos_ - start));
  col_ += static_cast<int>(pos_ - start);
  return Status::Ok();
}

Status Lexer::LexString(Token* token) {
  ++pos_;
  ++col_;
  std::string out;
  while (true) {
    if (pos_ >= src_.size() || src_[pos_] == '\n') {
      return Error(token->loc, "unterminated string");
    }
    char c = src_[pos_];
    if (c == '"') {
      ++pos_;
      ++col_;
      break;
    }
    if (c != '\\') {
      out.push_back(c);
      ++pos_;
      ++col_;
      continue;
    }
    GOV_RETURN_IF_ERROR(LexEscape(*token, &out));
  }
  token->kind = TokenKind::kString;
  token->text = std::move(out);
  return Status::Ok();
}

Status Lexer::LexEscape(const Token& token, std::string* out) {
  if (pos_ + 1 >= src_.size()) return Error(token.loc, "unterminated string");
  char e = src_[pos_ + 1];
  pos_ += 2;
  col_ += 2;
  switch (e) {
    case '"':
      out->push_back('"');
      break;
    case '\\':
      out->push_back('\\');
      break;
    case '/':
      out->push_back('/');
      break;
    case 'b':
      out->push_back('\b');
      break;
    case 'f':
      out->push_back('\f');
      break;
    case 'n':
      out->push_back('\n');
      break;
    case 'r':
      out->push_back('\r');
      break;
    case 't':
      out->push_back('\t');
      break;
    case 'u': {
      auto hex4 = [&](uint32_t* cp) -> bool {
        if (pos_ + 4 > src_.size()) return false;
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
          char h = src_[pos_ + i];
          v <<= 4;
          if (h >= '0' && h <= '9') {
            v |= static_cast<uint32_t>(h - '0');
          } else if (h >= 'a' && h <= 'f') {
            v |= static_cast<uint32_t>(h - 'a' + 10);
          } else if (h >= 'A' && h <= 'F') {
            v |= static_cast<uint32_t>(h - 'A' + 10);
          } else {
            return false;
          }
        }
        pos_ += 4;
        col_ += 4;
        *cp = v;
        return true;
      };
      uint32_t cp;
      if (!hex4(&cp)) return Error(token.loc, "invalid \\u escape in string");
      if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < src_.size() && src_[pos_] == '\\' &&
          src_[pos_ + 1] == 'u') {
        pos_ += 2;
        col_ += 2;
        uint32_t lo;
        if (!hex4(&lo)) return Error(token.loc, "invalid \\u escape in string");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      }
      AppendUtf8(cp, out);
      break;
    }
    default:
      return Error(token.loc, fmt::format("invalid escape `\\{}` in string", e));
  }
  return Status::Ok();
}

Status Lexer::LexTemplatePiece(Token* token, bool raw, bool start) {
  const char quote = raw ? '`' : '"';
  std::string out;
  while (true) {
    if (pos_ >= src_.size() || (!raw && src_[pos_] == '\n')) {
      return Error(token->loc, "unterminated template string");
    }
    char c = src_[pos_];
    if (c == quote || c == '{') {
      ++pos_;
      ++col_;
      if (c == '{') {
        templates_.push_back({raw, 0});
        token->kind = start ? TokenKind::kTemplateHead : TokenKind::kTemplateMiddle;
      } else {
        token->kind = start ? TokenKind::kTemplateString : TokenKind::kTemplateTail;
      }
      break;
    }
    // `\{` writes a brace instead of opening an expression (and, in the
    // quoted form, `\}` a closing one).
    if (c == '\\' && pos_ + 1 < src_.size() &&
        (src_[pos_ + 1] == '{' || (!raw && src_[pos_ + 1] == '}'))) {
      out.push_back(src_[pos_ + 1]);
      pos_ += 2;
      col_ += 2;
      continue;
    }
    if (c == '\\' && !raw) {
      GOV_RETURN_IF_ERROR(LexEscape(*token, &out));
      continue;
    }
    out.push_back(c);
    ++pos_;
    if (c == '\n') {
      ++row_;
      col_ = 1;
    } else {
      ++col_;
    }
  }
  token->text = std::move(out);
  return Status::Ok();
}

Status Lexer::LexRawString(Token* token) {
  ++pos_;
  ++col_;
  size_t start = pos_;
  while (pos_ < src_.size() && src_[pos_] != '`') {
    if (src_[pos_] == '\n') {
      ++row_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }
  if (pos_ >= src_.size()) return Error(token->loc, "unterminated raw string");
  token->kind = TokenKind::kRawString;
  token->text = std::string(src_.substr(start, pos_ - start));
  ++pos_;
  ++col_;
  return Status::Ok();
}

}  // namespace governance::rego
