// Regular-expression builtins (regex.*), over RE2, whose syntax is the one
// Go's regexp package accepts. Where Go's results differ from a naive loop
// over RE2 matches (empty matches, Split's edge cases, $-expansion) the code
// follows Go, since OPA is written against it.
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

#define GOV_REQUIRE_STRING(fn, pos, v) \
  if (!(v).is_string()) return OperandTypeError(fn, pos, "string", v)

// Compiled patterns are shared by every evaluation; policies use few. Each
// thread also keeps the last few it used, so the usual call costs a string
// comparison rather than a lock, a hash and a reference count (a third of a
// regex.find_n call on a short string). The pointer stays valid until the
// thread has compiled kRecent other patterns, which is longer than a call.
const RE2* CompileRegex(const std::string& pattern, std::string* error) {
  constexpr size_t kRecent = 8;
  struct Recent {
    std::string pattern;
    std::shared_ptr<const RE2> re;
  };
  thread_local std::array<Recent, kRecent> recent;
  thread_local size_t next = 0;
  for (const Recent& r : recent) {
    if (r.re != nullptr && r.pattern == pattern) return r.re.get();
  }
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const RE2>>* cache =
      new std::unordered_map<std::string, std::shared_ptr<const RE2>>();
  std::shared_ptr<const RE2> re;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(pattern);
    if (it != cache->end()) {
      re = it->second;
    } else {
      RE2::Options opts;
      opts.set_log_errors(false);
      re = std::make_shared<const RE2>(pattern, opts);
      if (!re->ok()) {
        *error = re->error();
        return nullptr;
      }
      if (cache->size() > 1000) cache->clear();
      (*cache)[pattern] = re;
    }
  }
  recent[next] = {pattern, re};
  next = (next + 1) % kRecent;
  return re.get();
}

// The compiled pattern of operand `pattern`, or the builtin error OPA reports
// for a pattern Go's regexp rejects.
Status Compile(std::string_view fn, const Value& pattern, const RE2** re) {
  std::string error;
  *re = CompileRegex(pattern.str(), &error);
  if (*re == nullptr) return BuiltinError(fn, "error parsing regexp: " + error);
  return Status::Ok();
}

// Width of the UTF-8 sequence starting at s[pos] (1 for an invalid byte), as
// Go steps over input after an empty match.
size_t RuneWidth(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
  if (pos + len > s.size()) return 1;
  for (size_t i = 1; i < len; ++i) {
    if ((static_cast<unsigned char>(s[pos + i]) & 0xC0) != 0x80) return 1;
  }
  return len;
}

// Go's Regexp.allMatches: up to n (all when n < 0) successive matches, each
// as its group spans (group 0 first; an unset group has a null data()), or
// only group 0 when `with_groups` is false, which lets RE2 answer with its
// DFA instead of tracking submatches. An empty match right after the
// previous match is skipped.
std::vector<std::vector<re2::StringPiece>> AllMatches(const RE2& re, std::string_view s,
                                                      int64_t n, bool with_groups) {
  std::vector<std::vector<re2::StringPiece>> out;
  const int groups = with_groups ? re.NumberOfCapturingGroups() + 1 : 1;
  std::vector<re2::StringPiece> m(static_cast<size_t>(groups));
  re2::StringPiece input(s.data(), s.size());
  size_t pos = 0;
  int64_t prev_end = -1;
  while ((n < 0 || static_cast<int64_t>(out.size()) < n) && pos <= s.size()) {
    if (!re.Match(input, pos, s.size(), RE2::UNANCHORED, m.data(), groups)) break;
    size_t begin = static_cast<size_t>(m[0].data() - s.data());
    size_t end = begin + m[0].size();
    bool accept = true;
    if (end == pos) {
      // An empty match: step over one character so the scan moves on.
      if (static_cast<int64_t>(begin) == prev_end) accept = false;
      pos += pos < s.size() ? RuneWidth(s, pos) : 1;
    } else {
      pos = end;
    }
    prev_end = static_cast<int64_t>(end);
    if (accept) out.push_back(m);
  }
  return out;
}

Status RegexMatch(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("regex.match", 1, a[0]);
  GOV_REQUIRE_STRING("regex.match", 2, a[1]);
  const RE2* re;
  GOV_RETURN_IF_ERROR(Compile("regex.match", a[0], &re));
  *out = Value::Bool(RE2::PartialMatch(a[1].str(), *re));
  return Status::Ok();
}

Status RegexIsValid(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) {
    *out = Value::False();
    return Status::Ok();
  }
  std::string error;
  *out = Value::Bool(CompileRegex(a[0].str(), &error) != nullptr);
  return Status::Ok();
}

// The count operand of the find builtins: an integer, negative for all.
Status CountOperand(std::string_view fn, const Value& v, int64_t* n) {
  if (!v.is_number()) return OperandTypeError(fn, 3, "number", v);
  if (!v.ToInt(n)) {
    return TypeError(fn, "operand 3 must be integer number but got floating-point number");
  }
  return Status::Ok();
}

Status RegexFindN(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("regex.find_n", 1, a[0]);
  GOV_REQUIRE_STRING("regex.find_n", 2, a[1]);
  int64_t n;
  GOV_RETURN_IF_ERROR(CountOperand("regex.find_n", a[2], &n));
  const RE2* re;
  GOV_RETURN_IF_ERROR(Compile("regex.find_n", a[0], &re));
  ValueVector found;
  for (const auto& m : AllMatches(*re, a[1].str(), n, false)) {
    found.push_back(Value::String(std::string(m[0])));
  }
  *out = Value::Array(std::move(found));
  return Status::Ok();
}

Status RegexFindAllStringSubmatchN(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "regex.find_all_string_submatch_n";
  GOV_REQUIRE_STRING(kFn, 1, a[0]);
  GOV_REQUIRE_STRING(kFn, 2, a[1]);
  int64_t n;
  GOV_RETURN_IF_ERROR(CountOperand(kFn, a[2], &n));
  const RE2* re;
  GOV_RETURN_IF_ERROR(Compile(kFn, a[0], &re));
  ValueVector found;
  for (const auto& m : AllMatches(*re, a[1].str(), n, true)) {
    ValueVector groups;
    for (const re2::StringPiece& g : m) groups.push_back(Value::String(std::string(g)));
    found.push_back(Value::Array(std::move(groups)));
  }
  *out = Value::Array(std::move(found));
  return Status::Ok();
}

// Go's Regexp.Split(s, -1).
Status RegexSplit(Ctx&, Operands a, Value* out) {
  GOV_REQUIRE_STRING("regex.split", 1, a[0]);
  GOV_REQUIRE_STRING("regex.split", 2, a[1]);
  const RE2* re;
  GOV_RETURN_IF_ERROR(Compile("regex.split", a[0], &re));
  const std::string& s = a[1].str();
  if (!a[0].str().empty() && s.empty()) {
    *out = Value::Array({Value::EmptyString()});
    return Status::Ok();
  }
  ValueVector parts;
  size_t begin = 0, end = 0;
  for (const auto& m : AllMatches(*re, s, -1, false)) {
    size_t match_begin = static_cast<size_t>(m[0].data() - s.data());
    end = match_begin;
    size_t match_end = match_begin + m[0].size();
    // An empty match at the very start splits nothing off.
    if (match_end != 0) parts.push_back(Value::String(s.substr(begin, end - begin)));
    begin = match_end;
  }
  // As Go: the tail is kept unless the last match started at the end.
  if (end != s.size()) parts.push_back(Value::String(s.substr(begin)));
  *out = Value::Array(std::move(parts));
  return Status::Ok();
}

// Go's Regexp.Expand of `tmpl` for one match: $1, ${1}, $name, ${name}, $$.
// A reference to a group that does not exist expands to nothing.
void Expand(const RE2& re, std::string_view tmpl, const std::vector<re2::StringPiece>& m,
            std::string* out) {
  auto is_word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t dollar = tmpl.find('$', i);
    if (dollar == std::string_view::npos) {
      out->append(tmpl.substr(i));
      return;
    }
    out->append(tmpl.substr(i, dollar - i));
    i = dollar + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out->push_back('$');
      ++i;
      continue;
    }
    std::string_view name;
    bool ok = false;
    if (i < tmpl.size() && tmpl[i] == '{') {
      size_t close = i + 1;
      while (close < tmpl.size() && is_word(tmpl[close])) ++close;
      if (close < tmpl.size() && tmpl[close] == '}' && close > i + 1) {
        name = tmpl.substr(i + 1, close - i - 1);
        i = close + 1;
        ok = true;
      }
    } else {
      size_t e = i;
      while (e < tmpl.size() && is_word(tmpl[e])) ++e;
      if (e > i) {
        name = tmpl.substr(i, e - i);
        i = e;
        ok = true;
      }
    }
    if (!ok) {
      // A malformed reference is copied as it is, the $ included.
      out->push_back('$');
      continue;
    }
    int group = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      if (name.size() <= 9) group = std::stoi(std::string(name));
    } else {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) group = it->second;
    }
    if (group >= 0 && static_cast<size_t>(group) < m.size() && m[group].data() != nullptr) {
      out->append(m[group].data(), m[group].size());
    }
  }
}

// Go's Regexp.ReplaceAllString: every match replaced by the expanded
// template, except an empty match right after the previous match.
Status RegexReplace(Ctx& ctx, Operands a, Value* out) {
  GOV_REQUIRE_STRING("regex.replace", 1, a[0]);
  GOV_REQUIRE_STRING("regex.replace", 2, a[1]);
  GOV_REQUIRE_STRING("regex.replace", 3, a[2]);
  const RE2* re;
  GOV_RETURN_IF_ERROR(Compile("regex.replace", a[1], &re));
  const std::string& s = a[0].str();
  const int groups = re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(static_cast<size_t>(groups));
  re2::StringPiece input(s);
  std::string result;
  size_t last_end = 0, pos = 0;
  while (pos <= s.size() && re->Match(input, pos, s.size(), RE2::UNANCHORED, m.data(), groups)) {
    size_t begin = static_cast<size_t>(m[0].data() - s.data());
    size_t end = begin + m[0].size();
    result.append(s, last_end, begin - last_end);
    if (end > last_end || begin == 0) Expand(*re, a[2].str(), m, &result);
    if (result.size() > ctx.max_string_bytes) {
      return ctx.Exhausted("regex.replace",
                           fmt::format("a string of more than {} bytes", ctx.max_string_bytes));
    }
    last_end = end;
    size_t width = pos < s.size() ? RuneWidth(s, pos) : 1;
    pos = pos + width > end ? pos + width : end;
  }
  result.append(s, last_end, std::string::npos);
  *out = result == s ? a[0] : Value::String(std::move(result));
  return Status::Ok();
}

// gorilla/mux's template syntax as OPA uses it: text outside the delimiters
// is literal, each delimited part is a regular expression, and the whole
// template must match the whole string.
Status RegexTemplateMatch(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "regex.template_match";
  GOV_REQUIRE_STRING(kFn, 1, a[0]);
  GOV_REQUIRE_STRING(kFn, 2, a[1]);
  GOV_REQUIRE_STRING(kFn, 3, a[2]);
  GOV_REQUIRE_STRING(kFn, 4, a[3]);
  const std::string& tpl = a[0].str();
  if (a[2].str().size() != 1) {
    return BuiltinError(kFn, fmt::format("start delimiter has to be exactly one character long "
                                         "but is {} long",
                                         a[2].str().size()));
  }
  if (a[3].str().size() != 1) {
    // OPA reports the start delimiter's length here too.
    return BuiltinError(kFn, fmt::format("end delimiter has to be exactly one character long "
                                         "but is {} long",
                                         a[2].str().size()));
  }
  const char open = a[2].str()[0], close = a[3].str()[0];
  std::vector<size_t> idxs;
  int level = 0;
  size_t idx = 0;
  for (size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == open) {
      if (++level == 1) idx = i;
    } else if (tpl[i] == close) {
      if (--level == 0) {
        idxs.push_back(idx);
        idxs.push_back(i + 1);
      } else if (level < 0) {
        break;
      }
    }
  }
  if (level != 0) return BuiltinError(kFn, "unbalanced braces in " + QuoteString(tpl));
  std::string pattern = "^";
  size_t end = 0;
  for (size_t i = 0; i < idxs.size(); i += 2) {
    std::string raw = tpl.substr(end, idxs[i] - end);
    end = idxs[i + 1];
    std::string part = tpl.substr(idxs[i] + 1, end - 1 - (idxs[i] + 1));
    std::string error;
    if (CompileRegex("^" + part + "$", &error) == nullptr) {
      return BuiltinError(kFn, "error parsing regexp: " + error);
    }
    pattern += RE2::QuoteMeta(raw) + "(" + part + ")";
  }
  pattern += RE2::QuoteMeta(tpl.substr(end)) + "$";
  std::string error;
  const RE2* re = CompileRegex(pattern, &error);
  if (re == nullptr) return BuiltinError(kFn, "error parsing regexp: " + error);
  *out = Value::Bool(RE2::PartialMatch(a[1].str(), *re));
  return Status::Ok();
}

// ---------------------------------------------------------------- globs_match

// regex.globs_match takes the glob dialect of yashtewari/glob-intersection,
// which OPA uses: a character, '.' (any character) or a class "[a-z0-9]",
// each optionally followed by '+' or '*'; '\' escapes. Both patterns are
// anchored at both ends. Two patterns intersect when some string matches
// both, which a walk over the product of their automata decides.
struct GlobToken {
  enum class Kind { kChar, kDot, kSet };
  Kind kind = Kind::kChar;
  uint32_t c = 0;
  std::vector<uint32_t> set;  // kSet, sorted
  bool star = false;          // repeated zero or more times
};

// Parses `pattern`; a '+' becomes the token followed by a starred copy.
bool ParseIntersectionGlob(std::string_view pattern, std::vector<GlobToken>* out,
                           std::string* error) {
  std::vector<uint32_t> r = Utf8Decode(pattern);
  auto fail = [&](size_t pos, const std::string& what) {
    *error = fmt::format("pos:{}:{}: the input provided is invalid", pos, what);
    return false;
  };
  bool last_flagged = true;  // no token yet to flag
  for (size_t i = 0; i < r.size();) {
    uint32_t c = r[i];
    if (c == '+' || c == '*') {
      if (last_flagged) {
        return fail(i + 1, fmt::format("flag '{}' must be preceded by a non-flag",
                                       static_cast<char>(c)));
      }
      if (c == '*') {
        out->back().star = true;
      } else {
        GlobToken repeat = out->back();
        repeat.star = true;
        out->push_back(std::move(repeat));
      }
      last_flagged = true;
      ++i;
      continue;
    }
    GlobToken t;
    if (c == '\\') {
      if (i + 1 == r.size()) return fail(i, "input ends with a \\ (escape) character");
      t.c = r[i + 1];
      i += 2;
    } else if (c == '.') {
      t.kind = GlobToken::Kind::kDot;
      ++i;
    } else if (c == ']') {
      return fail(i + 1, "set-close ']' with no preceding '['");
    } else if (c == '[') {
      t.kind = GlobToken::Kind::kSet;
      ++i;
      bool closed = false, have_prev = false;
      uint32_t prev = 0;
      while (i < r.size()) {
        uint32_t x = r[i];
        bool escaped = false;
        if (x == '\\') {
          if (i + 1 == r.size()) return fail(i, "input ends with a \\ (escape) character");
          x = r[i + 1];
          escaped = true;
          i += 2;
        } else {
          ++i;
        }
        if (!escaped && x == ']') {
          closed = true;
          break;
        }
        if (!escaped && x == '-') {
          if (!have_prev) {
            return fail(i, "range character '-' must be preceded by a Unicode character");
          }
          if (i >= r.size()) {
            return fail(i, "range character '-' must be followed by a Unicode character");
          }
          uint32_t hi = r[i];
          if (hi == '\\' && i + 1 < r.size()) {
            hi = r[i + 1];
            i += 2;
          } else if (hi == ']' || hi == '-') {
            return fail(i + 1, "range character '-' cannot be followed by a special symbol");
          } else {
            ++i;
          }
          if (hi < prev) return fail(i, "range is out of order");
          for (uint32_t y = prev; y <= hi && hi - prev < 0x110000; ++y) t.set.push_back(y);
          have_prev = false;
          continue;
        }
        t.set.push_back(x);
        prev = x;
        have_prev = true;
      }
      if (!closed) return fail(i, "found [ without matching ]");
      std::sort(t.set.begin(), t.set.end());
    } else {
      t.c = c;
      ++i;
    }
    out->push_back(std::move(t));
    last_flagged = false;
  }
  return true;
}

// Whether some character matches both tokens.
bool Overlap(const GlobToken& a, const GlobToken& b) {
  using K = GlobToken::Kind;
  if (a.kind == K::kDot) return b.kind != K::kSet || !b.set.empty();
  if (b.kind == K::kDot) return Overlap(b, a);
  if (a.kind == K::kChar && b.kind == K::kChar) return a.c == b.c;
  if (a.kind == K::kChar) return std::binary_search(b.set.begin(), b.set.end(), a.c);
  if (b.kind == K::kChar) return std::binary_search(a.set.begin(), a.set.end(), b.c);
  std::vector<uint32_t> common;
  std::set_intersection(a.set.begin(), a.set.end(), b.set.begin(), b.set.end(),
                        std::back_inserter(common));
  return !common.empty();
}

Status GlobsMatch(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "regex.globs_match";
  GOV_REQUIRE_STRING(kFn, 1, a[0]);
  GOV_REQUIRE_STRING(kFn, 2, a[1]);
  std::vector<GlobToken> g1, g2;
  std::string error;
  if (!ParseIntersectionGlob(a[0].str(), &g1, &error) ||
      !ParseIntersectionGlob(a[1].str(), &g2, &error)) {
    return BuiltinError(kFn, error);
  }
  const size_t n1 = g1.size() + 1, n2 = g2.size() + 1;
  std::vector<char> seen(n1 * n2, 0);
  std::vector<std::pair<size_t, size_t>> todo;
  auto visit = [&](size_t i, size_t j) {
    if (seen[i * n2 + j]) return;
    seen[i * n2 + j] = 1;
    todo.emplace_back(i, j);
  };
  visit(0, 0);
  while (!todo.empty()) {
    auto [i, j] = todo.back();
    todo.pop_back();
    if (i == g1.size() && j == g2.size()) {
      *out = Value::True();
      return Status::Ok();
    }
    // A starred token may match nothing.
    if (i < g1.size() && g1[i].star) visit(i + 1, j);
    if (j < g2.size() && g2[j].star) visit(i, j + 1);
    if (i < g1.size() && j < g2.size() && Overlap(g1[i], g2[j])) {
      visit(g1[i].star ? i : i + 1, g2[j].star ? j : j + 1);
    }
  }
  *out = Value::False();
  return Status::Ok();
}

}  // namespace

void RegisterRegexBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"regex.match", 2, RegexMatch},
                          {"regex.is_valid", 1, RegexIsValid},
                          {"regex.find_n", 3, RegexFindN},
                          {"regex.find_all_string_submatch_n", 3, RegexFindAllStringSubmatchN},
                          {"regex.split", 2, RegexSplit},
                          {"regex.replace", 3, RegexReplace},
                          {"regex.template_match", 4, RegexTemplateMatch},
                          {"regex.globs_match", 2, GlobsMatch},
                      });
}

}  // namespace governance::rego
