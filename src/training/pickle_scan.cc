#include "training/pickle_scan.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "core/utf8.h"

namespace governance {
namespace {

// What the walk knows about one value on the unpickler's stack.
enum class Kind : uint8_t {
  kString,       // a str (or py2 str) whose bytes are strings_[index]
  kOtherString,  // a str whose bytes were not kept
  kNotString,    // certainly not a str: number, bytes, None, bool, container
  kUnknown,      // a call's result, a global, a persistent id, …
};

struct Value {
  Kind kind = Kind::kUnknown;
  uint32_t index = 0;
};

// Protocol each opcode first appeared in (pickletools' `proto`).
int OpcodeProtocol(unsigned char op) {
  switch (op) {
    case 'J': case 'K': case 'M': case 'T': case 'U': case 'X': case 'G': case ']':
    case 'e': case ')': case '}': case 'u': case '1': case 'h': case 'j': case 'q':
    case 'r': case 'o': case 'Q':
      return 1;
    case 0x8a: case 0x8b: case 0x88: case 0x89: case 0x85: case 0x86: case 0x87:
    case 0x82: case 0x83: case 0x84: case 0x81: case 0x80:
      return 2;
    case 'B': case 'C':
      return 3;
    case 0x8e: case 0x8c: case 0x8d: case 0x8f: case 0x90: case 0x91: case 0x94:
    case 0x93: case 0x92: case 0x95:
      return 4;
    case 0x96: case 0x97: case 0x98:
      return 5;
    default:
      return 0;
  }
}

const char* OpcodeName(unsigned char op) {
  switch (op) {
    case 'I': return "INT";
    case 'J': return "BININT";
    case 'K': return "BININT1";
    case 'M': return "BININT2";
    case 'L': return "LONG";
    case 0x8a: return "LONG1";
    case 0x8b: return "LONG4";
    case 'S': return "STRING";
    case 'T': return "BINSTRING";
    case 'U': return "SHORT_BINSTRING";
    case 'B': return "BINBYTES";
    case 'C': return "SHORT_BINBYTES";
    case 0x8e: return "BINBYTES8";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    case 'N': return "NONE";
    case 0x88: return "NEWTRUE";
    case 0x89: return "NEWFALSE";
    case 'V': return "UNICODE";
    case 0x8c: return "SHORT_BINUNICODE";
    case 'X': return "BINUNICODE";
    case 0x8d: return "BINUNICODE8";
    case 'F': return "FLOAT";
    case 'G': return "BINFLOAT";
    case ']': return "EMPTY_LIST";
    case 'a': return "APPEND";
    case 'e': return "APPENDS";
    case 'l': return "LIST";
    case ')': return "EMPTY_TUPLE";
    case 't': return "TUPLE";
    case 0x85: return "TUPLE1";
    case 0x86: return "TUPLE2";
    case 0x87: return "TUPLE3";
    case '}': return "EMPTY_DICT";
    case 'd': return "DICT";
    case 's': return "SETITEM";
    case 'u': return "SETITEMS";
    case 0x8f: return "EMPTY_SET";
    case 0x90: return "ADDITEMS";
    case 0x91: return "FROZENSET";
    case '0': return "POP";
    case '2': return "DUP";
    case '(': return "MARK";
    case '1': return "POP_MARK";
    case 'g': return "GET";
    case 'h': return "BINGET";
    case 'j': return "LONG_BINGET";
    case 'p': return "PUT";
    case 'q': return "BINPUT";
    case 'r': return "LONG_BINPUT";
    case 0x94: return "MEMOIZE";
    case 0x82: return "EXT1";
    case 0x83: return "EXT2";
    case 0x84: return "EXT4";
    case 'c': return "GLOBAL";
    case 0x93: return "STACK_GLOBAL";
    case 'R': return "REDUCE";
    case 'b': return "BUILD";
    case 'i': return "INST";
    case 'o': return "OBJ";
    case 0x81: return "NEWOBJ";
    case 0x92: return "NEWOBJ_EX";
    case 0x80: return "PROTO";
    case '.': return "STOP";
    case 0x95: return "FRAME";
    case 'P': return "PERSID";
    case 'Q': return "BINPERSID";
    default: return nullptr;
  }
}

uint64_t LittleEndian(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = b.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[i]);
  return v;
}

bool IsIdentifierStart(unsigned char c) { return c == '_' || std::isalpha(c) || c >= 0x80; }
bool IsIdentifierChar(unsigned char c) { return IsIdentifierStart(c) || std::isdigit(c); }

// A dotted identifier: what `import` could find without a file of an odd name.
bool IsDottedIdentifier(std::string_view s) {
  if (s.empty()) return false;
  bool start = true;
  for (unsigned char c : s) {
    if (c == '.') {
      if (start) return false;
      start = true;
    } else if (start ? !IsIdentifierStart(c) : !IsIdentifierChar(c)) {
      return false;
    } else {
      start = false;
    }
  }
  return !start && DecodeUtf8(s).has_value();
}

// The decimal argument of PUT/GET, as PyLong_FromString(s, NULL, 10)
// reads it: optional whitespace and sign, digits with single underscores
// between them, optional whitespace.
std::optional<int64_t> ParseDecimal(std::string_view s) {
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  size_t i = 0;
  while (i < s.size() && space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  int64_t v = 0;
  bool digits = false, underscore = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (v > (INT64_MAX - 9) / 10) return std::nullopt;
      v = v * 10 + (c - '0');
      digits = true;
      underscore = false;
    } else if (c == '_' && digits && !underscore) {
      underscore = true;
    } else {
      break;
    }
  }
  if (!digits || underscore) return std::nullopt;
  while (i < s.size() && space(s[i])) ++i;
  if (i != s.size()) return std::nullopt;
  return negative ? -v : v;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// UNICODE's argument, decoded as "raw-unicode-escape": \uXXXX and
// \UXXXXXXXX after an odd run of backslashes are escapes, every other byte
// is the code point of its value. nullopt when an escape is malformed.
std::optional<std::string> DecodeRawUnicodeEscape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      AppendUtf8(static_cast<unsigned char>(s[i++]), &out);
      continue;
    }
    size_t run = 0;
    while (i + run < s.size() && s[i + run] == '\\') ++run;
    const size_t after = i + run;
    const bool escape = run % 2 == 1 && after < s.size() && (s[after] == 'u' || s[after] == 'U');
    const size_t literal = escape ? run - 1 : run;
    out.append(literal, '\\');
    i += literal;
    if (!escape) continue;
    const size_t digits = s[after] == 'u' ? 4 : 8;
    if (after + 1 + digits > s.size()) return std::nullopt;
    char32_t cp = 0;
    for (size_t k = 0; k < digits; ++k) {
      const int h = HexValue(s[after + 1 + k]);
      if (h < 0) return std::nullopt;
      cp = cp * 16 + static_cast<char32_t>(h);
    }
    if (cp > 0x10ffff) return std::nullopt;
    AppendUtf8(cp, &out);
    i = after + 1 + digits;
  }
  return out;
}

// STRING's argument between its quotes, decoded as codecs.escape_decode
// does. nullopt for an escape it would refuse (\x without two hex digits).
std::optional<std::string> DecodeEscapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (++i == s.size()) return std::nullopt;  // "Trailing \ in string"
    const char c = s[i];
    switch (c) {
      case '\n': break;
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case '"': out.push_back('"'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'v': out.push_back('\v'); break;
      case 'a': out.push_back('\a'); break;
      case 'x': {
        if (i + 2 >= s.size()) return std::nullopt;
        const int h1 = HexValue(s[i + 1]), h2 = HexValue(s[i + 2]);
        if (h1 < 0 || h2 < 0) return std::nullopt;
        out.push_back(static_cast<char>(h1 * 16 + h2));
        i += 2;
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          int v = c - '0';
          for (int k = 0; k < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++k) {
            v = v * 8 + (s[++i] - '0');
          }
          out.push_back(static_cast<char>(v & 0xff));
        } else {
          out.push_back('\\');  // an unknown escape stays as it is
          out.push_back(c);
        }
    }
  }
  return out;
}

class Walker {
 public:
  Walker(const ByteSource& source, uint64_t offset, const PickleWalkLimits& limits)
      : cursor_(source, offset, 256 << 10), limits_(limits) {
    out_.start = offset;
    for (const char* name : kCountedOpcodes) out_.opcodes[name] = 0;
  }

  StatusOr<PickleWalk> Run() {
    bool first = true;
    while (Step(first)) first = false;
    GOV_RETURN_IF_ERROR(cursor_.status());
    out_.end = cursor_.position();
    out_.bytes_read = cursor_.bytes_read();
    return std::move(out_);
  }

 private:
  // One opcode; false when the walk is over (STOP, an error or a limit).
  bool Step(bool first) {
    if (cursor_.bytes_read() > limits_.max_read_bytes) {
      return Limit(fmt::format("read more than {} bytes", limits_.max_read_bytes));
    }
    if (stack_.size() > limits_.max_stack || marks_.size() > limits_.max_stack ||
        memo_count_ > limits_.max_stack) {
      return Limit(fmt::format("more than {} stack values, marks or memo entries",
                               limits_.max_stack));
    }
    op_at_ = cursor_.position();
    have_op_ = false;
    const int c = cursor_.Next();
    if (c < 0) return Fail(first ? "no data" : "truncated: the data ends before STOP");

    op_ = static_cast<unsigned char>(c);
    const char* name = OpcodeName(op_);
    if (name == nullptr) return Fail(fmt::format("invalid opcode 0x{:02x}", op_));
    have_op_ = true;
    if (first && op_ == 0x80) out_.starts_with_proto = true;
    out_.protocol = std::max(out_.protocol, OpcodeProtocol(op_));
    if (auto it = out_.opcodes.find(name); it != out_.opcodes.end()) ++it->second;
    return Dispatch();
  }

  bool Dispatch() {
    std::string arg;
    switch (op_) {
      // Numbers, None, booleans: push something that is not a str.
      case 'I': case 'L': case 'F':
        if (!Line(&arg)) return false;
        return Push({Kind::kNotString});
      case 'J': return Fixed(4) && Push({Kind::kNotString});
      case 'K': return Fixed(1) && Push({Kind::kNotString});
      case 'M': return Fixed(2) && Push({Kind::kNotString});
      case 'G': return Fixed(8) && Push({Kind::kNotString});
      case 0x8a: return Counted(1, false) && Push({Kind::kNotString});
      case 0x8b: return Counted(4, true) && Push({Kind::kNotString});
      case 'N': case 0x88: case 0x89: return Push({Kind::kNotString});

      // Bytes and buffers.
      case 'B': return Counted(4, false) && Push({Kind::kNotString});
      case 'C': return Counted(1, false) && Push({Kind::kNotString});
      case 0x8e: case 0x96: return Counted(8, false) && Push({Kind::kNotString});
      case 0x97: return Push({Kind::kNotString});
      case 0x98: return Need(1);

      // Strings.
      case 'S': return QuotedString();
      case 'V': {
        bool cut = false;
        if (!LineKeep(&arg, &cut)) return false;
        if (cut) return Push({Kind::kOtherString});
        auto decoded = DecodeRawUnicodeEscape(arg);
        return decoded ? PushString(std::move(*decoded)) : Push({Kind::kOtherString});
      }
      case 'T': return CountedString(4, true);
      case 'U': case 0x8c: return CountedString(1, false);
      case 'X': return CountedString(4, false);
      case 0x8d: return CountedString(8, false);

      // Containers.
      case ']': case ')': case '}': case 0x8f: return Push({Kind::kNotString});
      case 'l': case 't': case 0x91: return PopMark() && Push({Kind::kNotString});
      case 'd': {
        const size_t mark = marks_.empty() ? 0 : marks_.back();
        if (!PopMark()) return false;
        if ((popped_ - mark) % 2 != 0) return Fail("odd number of items for DICT");
        return Push({Kind::kNotString});
      }
      case 0x85: return Pop(1) && Push({Kind::kNotString});
      case 0x86: return Pop(2) && Push({Kind::kNotString});
      case 0x87: return Pop(3) && Push({Kind::kNotString});
      case 'a': return Need(2) && Pop(1);
      case 's': return Need(3) && Pop(2);
      case 'e': case 'u': case 0x90: {
        if (!PopMark()) return false;
        // The list, dict or set is below the mark, above the new fence.
        if (stack_.size() <= Fence()) return Underflow();
        if (op_ == 'u' && (popped_ - stack_.size()) % 2 != 0) {
          return Fail("odd number of items for SETITEMS");
        }
        return true;
      }

      // Stack and marks.
      case '(':
        marks_.push_back(stack_.size());
        return true;
      case '0':
        if (!marks_.empty() && marks_.back() == stack_.size()) {
          marks_.pop_back();
          return true;
        }
        return Pop(1);
      case '1': return PopMark();
      case '2':
        if (!Need(1)) return false;
        return Push(stack_.back());

      // Memo.
      case 'g': {
        if (!Line(&arg)) return false;
        auto key = ParseDecimal(arg);
        if (!key) return Fail("GET argument is not a decimal integer");
        return Get(*key);
      }
      case 'h': return Fixed(1, &arg) && Get(static_cast<int64_t>(LittleEndian(arg)));
      case 'j': return Fixed(4, &arg) && Get(static_cast<int64_t>(LittleEndian(arg)));
      case 'p': {
        if (!Need(1) || !Line(&arg)) return false;
        auto key = ParseDecimal(arg);
        if (!key) return Fail("PUT argument is not a decimal integer");
        if (*key < 0) return Fail("negative PUT argument");
        return Put(static_cast<uint64_t>(*key));
      }
      case 'q': return Need(1) && Fixed(1, &arg) && Put(LittleEndian(arg));
      case 'r': return Need(1) && Fixed(4, &arg) && Put(LittleEndian(arg));
      case 0x94: return Need(1) && Put(memo_count_);

      // Imports.
      case 'c': return Global(false);
      case 'i': return Global(true);
      case 0x93: return StackGlobal();
      case 0x82: case 0x83: case 0x84: {
        const size_t n = op_ == 0x82 ? 1 : op_ == 0x83 ? 2 : 4;
        if (!Fixed(n, &arg)) return false;
        int64_t code = static_cast<int64_t>(LittleEndian(arg));
        if (n == 4) code = static_cast<int32_t>(static_cast<uint32_t>(code));
        if (code <= 0) return Fail("EXT specifies code <= 0");
        AddImport({"", "", OpcodeName(op_), false, false, python2_names(),
                   fmt::format("{} code {} names whatever copyreg's extension registry maps it to",
                               OpcodeName(op_), code)});
        return Push({Kind::kUnknown});
      }

      // Calls.
      case 'R': return Pop(2) && Push({Kind::kUnknown});
      case 'b': return Need(2) && Pop(1);
      case 'o': {
        if (marks_.empty()) return Fail("OBJ without a MARK");
        if (stack_.size() - marks_.back() < 1) return Underflow();
        return PopMark() && Push({Kind::kUnknown});
      }
      case 0x81: return Pop(2) && Push({Kind::kUnknown});
      case 0x92: return Pop(3) && Push({Kind::kUnknown});
      case 'P':
        if (!Line(&arg)) return false;
        return Push({Kind::kUnknown});
      case 'Q': return Pop(1) && Push({Kind::kUnknown});

      // Framing.
      case 0x80: {
        if (!Fixed(1, &arg)) return false;
        const int version = static_cast<unsigned char>(arg[0]);
        if (version > 5) return Fail(fmt::format("unsupported pickle protocol {}", version));
        declared_protocol_ = version;
        out_.protocol = std::max(out_.protocol, version);
        return true;
      }
      case 0x95: {
        if (!Fixed(8, &arg)) return false;
        // CPython buffers the frame first: it must be there.
        if (cursor_.remaining() < LittleEndian(arg)) return Truncated();
        return true;
      }
      case '.':
        if (!Pop(1)) return false;
        out_.stopped = true;
        return false;
    }
    return Fail("unhandled opcode");  // not reached: OpcodeName() knows the same set
  }

  bool python2_names() const { return declared_protocol_ < 3; }

  // The walk ends here: "<OPCODE> at byte N: why", or "why at byte N"
  // before an opcode was read.
  bool Fail(std::string why) {
    out_.error = have_op_ ? fmt::format("{} at byte {}: {}", OpcodeName(op_), op_at_, why)
                          : fmt::format("{} at byte {}", why, op_at_);
    return false;
  }
  bool Truncated() { return Fail("truncated: the data ends inside its argument"); }
  bool Underflow() { return Fail("stack underflow"); }
  bool Limit(std::string why) {
    out_.limit = why;
    out_.error = fmt::format("walk stopped at byte {}: {}", cursor_.position(), why);
    return false;
  }

  size_t Fence() const { return marks_.empty() ? 0 : marks_.back(); }
  bool Need(size_t n) { return stack_.size() >= Fence() + n || Underflow(); }
  bool Pop(size_t n) {
    if (!Need(n)) return false;
    stack_.resize(stack_.size() - n);
    return true;
  }
  bool Push(Value v) {
    stack_.push_back(v);
    return true;
  }
  // Drops everything above the last mark and the mark; popped_ is the
  // stack's size before.
  bool PopMark() {
    if (marks_.empty()) return Fail("no MARK");
    popped_ = stack_.size();
    stack_.resize(marks_.back());
    marks_.pop_back();
    return true;
  }

  bool Fixed(size_t n, std::string* out = nullptr) {
    std::string scratch;
    return cursor_.Read(n, out ? out : &scratch) || Truncated();
  }
  // A length-prefixed payload: skipped, not kept.
  bool Counted(size_t width, bool is_signed) {
    std::string len;
    if (!Fixed(width, &len)) return false;
    uint64_t n = LittleEndian(len);
    if (is_signed && (n >> (8 * width - 1)) != 0) return Fail("negative byte count");
    return cursor_.Skip(n) || Truncated();
  }
  bool CountedString(size_t width, bool is_signed) {
    std::string len;
    if (!Fixed(width, &len)) return false;
    uint64_t n = LittleEndian(len);
    if (is_signed && (n >> (8 * width - 1)) != 0) return Fail("negative byte count");
    if (n > limits_.keep_string) return (cursor_.Skip(n) || Truncated()) && Push({Kind::kOtherString});
    std::string bytes;
    if (!cursor_.Read(static_cast<size_t>(n), &bytes)) return Truncated();
    return PushString(std::move(bytes));
  }
  bool Line(std::string* out) {
    bool cut = false;
    return LineKeep(out, &cut);
  }
  bool LineKeep(std::string* out, bool* cut) {
    return cursor_.ReadLine(limits_.keep_string, out, cut) || Truncated();
  }
  bool QuotedString() {
    std::string line;
    bool cut = false;
    if (!LineKeep(&line, &cut)) return false;
    if (cut) return Push({Kind::kOtherString});
    if (line.size() < 2 || line.front() != line.back() || (line[0] != '\'' && line[0] != '"')) {
      return Fail("the argument must be quoted");
    }
    auto decoded = DecodeEscapes(std::string_view(line).substr(1, line.size() - 2));
    return decoded ? PushString(std::move(*decoded)) : Push({Kind::kOtherString});
  }
  bool PushString(std::string bytes) {
    if (kept_bytes_ + bytes.size() > limits_.max_kept_bytes) return Push({Kind::kOtherString});
    kept_bytes_ += bytes.size();
    strings_.push_back(std::move(bytes));
    return Push({Kind::kString, static_cast<uint32_t>(strings_.size() - 1)});
  }

  bool Get(int64_t key) {
    std::optional<Value> v;
    if (key >= 0) {
      const auto k = static_cast<uint64_t>(key);
      if (k < dense_.size() && dense_set_[k]) {
        v = dense_[k];
      } else if (auto it = sparse_.find(k); it != sparse_.end()) {
        v = it->second;
      }
    }
    if (!v) return Fail(fmt::format("memo has no entry {}", key));
    return Push(*v);
  }
  // Memo keys are normally 0, 1, 2, ... (MEMOIZE numbers them), so they live
  // in a vector. A key far beyond the entries stored so far goes to a map:
  // sizing the vector by the key would let a few bytes claim megabytes.
  bool Put(uint64_t key) {
    const Value v = stack_.back();
    const uint64_t dense_reach = std::max<uint64_t>(dense_.size(), 2 * memo_count_ + 64);
    if (key < dense_reach) {
      if (key >= dense_.size()) {
        dense_.resize(static_cast<size_t>(std::max<uint64_t>(key + 1, dense_.size() * 2)));
        dense_set_.resize(dense_.size());
      }
      if (!dense_set_[key] && sparse_.erase(key) == 0) ++memo_count_;
      dense_set_[key] = true;
      dense_[key] = v;
    } else if (sparse_.insert_or_assign(key, v).second) {
      ++memo_count_;
    }
    return true;
  }

  void AddImport(WalkedImport import) {
    const std::string key = import.opcode + '\0' + import.module + '\0' + import.name + '\0' +
                            import.note;
    if (!seen_.emplace(key, true).second) return;
    if (out_.imports.size() >= limits_.max_imports) {
      out_.limit = fmt::format("more than {} distinct imports", limits_.max_imports);
      return;
    }
    out_.imports.push_back(std::move(import));
  }

  // GLOBAL and INST: module and name on two lines.
  bool Global(bool inst) {
    std::string module, name;
    bool cut_module = false, cut_name = false;
    if (!LineKeep(&module, &cut_module)) return false;
    if (module.empty()) return Fail("empty module name");
    const bool named = cursor_.ReadLine(limits_.keep_string, &name, &cut_name);
    WalkedImport import{PrintableName(module), PrintableName(name), OpcodeName(op_), true,
                        !cut_module && IsDottedIdentifier(module), python2_names(), ""};
    if (cut_module || cut_name) {
      import.resolved = false;
      import.note = fmt::format("a name longer than {} bytes", limits_.keep_string);
    }
    AddImport(std::move(import));
    if (!named) return Truncated();
    if (name.empty()) return Fail("empty global name");
    if (inst) return PopMark() && Push({Kind::kUnknown});
    return Push({Kind::kUnknown});
  }

  bool StackGlobal() {
    if (!Need(2)) return false;
    const Value name = stack_[stack_.size() - 1];
    const Value module = stack_[stack_.size() - 2];
    stack_.resize(stack_.size() - 2);
    if (name.kind == Kind::kNotString || module.kind == Kind::kNotString) {
      return Fail("STACK_GLOBAL requires str");
    }
    if (name.kind == Kind::kString && module.kind == Kind::kString) {
      const std::string& m = strings_[module.index];
      const std::string& n = strings_[name.index];
      AddImport({PrintableName(m), PrintableName(n), "STACK_GLOBAL", true, IsDottedIdentifier(m),
                 python2_names(), ""});
    } else {
      auto what = [](const Value& v) {
        return v.kind == Kind::kOtherString ? "a string too long to keep"
                                            : "a value the walk cannot know (a call's result, a "
                                              "global, a persistent id)";
      };
      const bool module_known = module.kind == Kind::kString;
      AddImport({module_known ? PrintableName(strings_[module.index]) : "",
                 name.kind == Kind::kString ? PrintableName(strings_[name.index]) : "",
                 "STACK_GLOBAL", false, false, python2_names(),
                 fmt::format("its {} is {}", module_known ? "name" : "module",
                             what(module_known ? name : module))});
    }
    return Push({Kind::kUnknown});
  }

  ByteCursor cursor_;
  const PickleWalkLimits& limits_;
  PickleWalk out_;
  unsigned char op_ = 0;
  uint64_t op_at_ = 0;
  bool have_op_ = false;
  int declared_protocol_ = 0;
  std::vector<Value> stack_;
  std::vector<size_t> marks_;
  size_t popped_ = 0;
  std::vector<std::string> strings_;
  uint64_t kept_bytes_ = 0;
  std::vector<Value> dense_;
  std::vector<bool> dense_set_;
  std::unordered_map<uint64_t, Value> sparse_;
  uint64_t memo_count_ = 0;
  std::unordered_map<std::string, bool> seen_;
};

}  // namespace

bool PickleWalk::Acted() const {
  for (const WalkedImport& i : imports) {
    if (!i.resolved || i.importable) return true;
  }
  return false;
}

StatusOr<PickleWalk> WalkPickle(const ByteSource& source, uint64_t offset,
                                const PickleWalkLimits& limits) {
  return Walker(source, offset, limits).Run();
}

std::string PrintableName(std::string_view bytes) {
  auto cps = DecodeUtf8(bytes);
  bool plain = cps.has_value();
  if (plain) {
    for (char32_t c : *cps) plain = plain && !IsControlCharacter(c) && c != '\\' && c != '"';
  }
  if (plain) return std::string(bytes);
  const std::string quoted = QuotedForError(bytes);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace governance
