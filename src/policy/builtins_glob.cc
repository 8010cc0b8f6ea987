// Glob builtins: glob.match and glob.quote_meta, with the syntax of the Go
// library OPA uses (gobwas/glob):
//   *        any run of characters that are not delimiters
//   **       any run of characters
//   ?        one character that is not a delimiter
//   [abc] [!abc] [a-z] [!a-z]   one character in (or not in) the class
//   {p,q}    any of the alternatives, each itself a pattern
//   \c       the character c
// The pattern compiles to a small NFA over code points, which is matched by
// simulation: linear in the subject, however many wildcards the pattern has.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// One NFA state. A state with a `kind` other than kSplit consumes one
// character (when `Accepts` it) and moves to `next`; kStar and kSuper also
// stay where they are; kSplit consumes nothing and moves to every `alts`.
struct State {
  enum class Kind { kLiteral, kSingle, kClass, kStar, kSuper, kSplit, kMatch };
  explicit State(Kind k) : kind(k) {}
  Kind kind;
  uint32_t literal = 0;
  bool negated = false;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // kClass: inclusive ranges
  int next = -1;
  std::vector<int> alts;  // kSplit; kStar/kSuper also use next as their exit
};

class GlobCompiler {
 public:
  explicit GlobCompiler(const std::vector<uint32_t>& pattern) : p_(pattern) {}

  // Builds the NFA; false with *error set for a malformed pattern.
  bool Compile(std::vector<State>* states, int* start, std::string* error) {
    int match = Add(State{State::Kind::kMatch});
    int entry;
    if (!Sequence(match, /*in_terms=*/false, &entry)) {
      *error = error_;
      return false;
    }
    if (pos_ < p_.size()) {
      *error = "unexpected end of input";
      return false;
    }
    *states = std::move(states_);
    *start = entry;
    return true;
  }

 private:
  int Add(State s) {
    states_.push_back(std::move(s));
    return static_cast<int>(states_.size() - 1);
  }

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  // Parses items up to the end, or to `,` / `}` inside braces, and links
  // them in front of `exit`; *entry is the first state. Items are parsed
  // left to right but linked right to left, so they are collected first.
  bool Sequence(int exit, bool in_terms, int* entry) {
    struct Item {
      bool is_group = false;
      State state{State::Kind::kMatch};
      size_t group_begin = 0;  // for a group, the pattern offset of '{'
    };
    std::vector<Item> seq;
    while (pos_ < p_.size()) {
      uint32_t c = p_[pos_];
      if (in_terms && (c == ',' || c == '}')) break;
      if (c == '{') {
        seq.push_back(Item{true, State{State::Kind::kMatch}, pos_});
        if (!SkipGroup()) return false;
        continue;
      }
      State s{State::Kind::kLiteral};
      if (c == '*') {
        ++pos_;
        s.kind = State::Kind::kStar;
        if (pos_ < p_.size() && p_[pos_] == '*') {
          ++pos_;
          s.kind = State::Kind::kSuper;
        }
      } else if (c == '?') {
        ++pos_;
        s.kind = State::Kind::kSingle;
      } else if (c == '[') {
        ++pos_;
        if (!Class(&s)) return false;
      } else if (c == '\\') {
        ++pos_;
        if (pos_ >= p_.size()) return Fail("trailing backslash");
        s.literal = p_[pos_++];
      } else {
        s.literal = c;
        ++pos_;
      }
      seq.push_back(Item{false, std::move(s), 0});
    }
    int next = exit;
    size_t saved = pos_;
    for (auto it = seq.rbegin(); it != seq.rend(); ++it) {
      if (it->is_group) {
        pos_ = it->group_begin;
        if (!Group(next, &next)) return false;
      } else {
        it->state.next = next;
        next = Add(std::move(it->state));
      }
    }
    pos_ = saved;
    *entry = next;
    return true;
  }

  // Steps over a `{...}` group (nested ones included) without building it.
  bool SkipGroup() {
    int depth = 0;
    while (pos_ < p_.size()) {
      uint32_t c = p_[pos_++];
      if (c == '\\') {
        ++pos_;
      } else if (c == '[') {
        State ignored{State::Kind::kClass};
        if (!Class(&ignored)) return false;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (--depth == 0) return true;
      }
    }
    return Fail("unexpected end of input");
  }

  // Parses the `{...}` group at pos_ with its alternatives leading to `exit`.
  bool Group(int exit, int* entry) {
    ++pos_;  // '{'
    State split{State::Kind::kSplit};
    while (true) {
      int alt;
      if (!Sequence(exit, /*in_terms=*/true, &alt)) return false;
      split.alts.push_back(alt);
      if (pos_ >= p_.size()) return Fail("unexpected end of input");
      if (p_[pos_++] == '}') break;
    }
    *entry = Add(std::move(split));
    return true;
  }

  // Parses a character class after its '['.
  bool Class(State* s) {
    s->kind = State::Kind::kClass;
    if (pos_ < p_.size() && p_[pos_] == '!') {
      s->negated = true;
      ++pos_;
    }
    if (pos_ + 1 < p_.size() && p_[pos_ + 1] == '-') {
      if (pos_ + 2 >= p_.size()) return Fail("unexpected end of input");
      s->ranges.push_back({p_[pos_], p_[pos_ + 2]});
      pos_ += 3;
      if (pos_ >= p_.size()) return Fail("unexpected end of input");
      if (p_[pos_] != ']') return Fail("expected close range character");
      ++pos_;
      return true;
    }
    while (pos_ < p_.size() && p_[pos_] != ']') {
      if (p_[pos_] == '\\') {
        ++pos_;
        if (pos_ >= p_.size()) return Fail("trailing backslash");
      }
      s->ranges.push_back({p_[pos_], p_[pos_]});
      ++pos_;
    }
    if (pos_ >= p_.size()) return Fail("unexpected end of input");
    ++pos_;  // ']'
    return true;
  }

  const std::vector<uint32_t>& p_;
  size_t pos_ = 0;
  std::vector<State> states_;
  std::string error_;
};

bool IsDelimiter(uint32_t c, const std::vector<uint32_t>& delimiters) {
  return std::find(delimiters.begin(), delimiters.end(), c) != delimiters.end();
}

bool Accepts(const State& s, uint32_t c, const std::vector<uint32_t>& delimiters) {
  switch (s.kind) {
    case State::Kind::kLiteral:
      return c == s.literal;
    case State::Kind::kSingle:
    case State::Kind::kStar:
      return !IsDelimiter(c, delimiters);
    case State::Kind::kSuper:
      return true;
    case State::Kind::kClass: {
      bool in = std::any_of(s.ranges.begin(), s.ranges.end(),
                            [c](const auto& r) { return c >= r.first && c <= r.second; });
      return in != s.negated;
    }
    default:
      return false;
  }
}

// Adds `id` and the states reachable from it without consuming input.
void Close(const std::vector<State>& states, int id, std::vector<char>* in, std::vector<int>* set) {
  if ((*in)[id]) return;
  (*in)[id] = 1;
  set->push_back(id);
  const State& s = states[id];
  if (s.kind == State::Kind::kSplit) {
    for (int alt : s.alts) Close(states, alt, in, set);
  } else if (s.kind == State::Kind::kStar || s.kind == State::Kind::kSuper) {
    Close(states, s.next, in, set);
  }
}

bool Matches(const std::vector<State>& states, int start, const std::vector<uint32_t>& subject,
             const std::vector<uint32_t>& delimiters) {
  std::vector<char> in(states.size(), 0);
  std::vector<int> current;
  Close(states, start, &in, &current);
  for (uint32_t c : subject) {
    std::vector<int> next;
    std::fill(in.begin(), in.end(), 0);
    for (int id : current) {
      const State& s = states[id];
      if (!Accepts(s, c, delimiters)) continue;
      bool stays = s.kind == State::Kind::kStar || s.kind == State::Kind::kSuper;
      Close(states, stays ? id : s.next, &in, &next);
    }
    if (next.empty()) return false;
    current = std::move(next);
  }
  return std::any_of(current.begin(), current.end(),
                     [&](int id) { return states[id].kind == State::Kind::kMatch; });
}

Status GlobMatch(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "glob.match";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::vector<uint32_t> delimiters;
  if (a[1].is_array()) {
    for (const Value& d : a[1].items()) {
      if (!d.is_string()) {
        return TypeError(kFn, fmt::format("operand 2 must be array of strings but got array "
                                          "containing {}",
                                          d.TypeName()));
      }
      std::vector<uint32_t> cps = Utf8Decode(d.str());
      if (cps.size() != 1) {
        return TypeError(kFn, "operand 2 must be array of runes but got array containing string");
      }
      delimiters.push_back(cps[0]);
    }
    // An empty list means the default delimiter; null means none at all.
    if (delimiters.empty()) delimiters.push_back('.');
  } else if (!a[1].is_null()) {
    return OperandTypeError(kFn, 2, "one of {array, null}", a[1]);
  }
  if (!a[2].is_string()) return OperandTypeError(kFn, 3, "string", a[2]);
  std::vector<uint32_t> pattern = Utf8Decode(a[0].str());
  std::vector<State> states;
  int start;
  std::string error;
  if (!GlobCompiler(pattern).Compile(&states, &start, &error)) return BuiltinError(kFn, error);
  *out = Value::Bool(Matches(states, start, Utf8Decode(a[2].str()), delimiters));
  return Status::Ok();
}

Status GlobQuoteMeta(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("glob.quote_meta", 1, "string", a[0]);
  static constexpr std::string_view kSpecial = "*?\\[]{}";
  std::string quoted;
  for (char c : a[0].str()) {
    if (kSpecial.find(c) != std::string_view::npos) quoted.push_back('\\');
    quoted.push_back(c);
  }
  *out = Value::String(std::move(quoted));
  return Status::Ok();
}

}  // namespace

void RegisterGlobBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"glob.match", 3, GlobMatch},
                          {"glob.quote_meta", 1, GlobQuoteMeta},
                      });
}

}  // namespace governance::rego
