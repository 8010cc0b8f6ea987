// ParseJson (core/document.h) on nlohmann's SAX parser.
//
// nlohmann::json::parse accepts what a governance input must not hold: a key
// given twice (the last silently wins), nesting deep enough that every
// recursive walk over the document overflows the stack, and it throws (not a
// parse_error) on a number such as 1e400. This builder refuses the first two
// as it goes and turns every error into "<origin>:<line>:<col>: invalid JSON".
#include <iterator>
#include <vector>

#include "core/document.h"

namespace governance {
namespace {

// A pointer into the text that remembers how far the parser has read, so
// that errors raised by the builder (not the lexer) have a position too.
class TrackedChar {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackedChar() = default;
  TrackedChar(const char* p, const char** furthest) : p_(p), furthest_(furthest) {}
  reference operator*() const { return *p_; }
  TrackedChar& operator++() {
    ++p_;
    if (furthest_ != nullptr && p_ > *furthest_) *furthest_ = p_;
    return *this;
  }
  TrackedChar operator++(int) {
    TrackedChar old = *this;
    ++*this;
    return old;
  }
  bool operator==(const TrackedChar& o) const { return p_ == o.p_; }

 private:
  const char* p_ = nullptr;
  const char** furthest_ = nullptr;
};

class Builder {
 public:
  using json = nlohmann::json;

  Builder(const char* start, const char** furthest, DuplicateKeys duplicates)
      : start_(start), furthest_(furthest), duplicates_(duplicates) {}

  bool null() { return Put(nullptr); }
  bool boolean(bool v) { return Put(v); }
  bool number_integer(json::number_integer_t v) { return Put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Put(v); }
  bool number_float(json::number_float_t v, const json::string_t&) { return Put(v); }
  bool string(json::string_t& v) { return Put(std::move(v)); }
  bool binary(json::binary_t&) { return Fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return Open(json::object()); }
  bool start_array(std::size_t) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(json::string_t& k) {
    json& object = *stack_.back();
    if (duplicates_ == DuplicateKeys::kRefuse && object.contains(k)) return Fail("duplicate key \"" + k + "\"");
    slot_ = &object[k];
    return true;
  }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
    error_position_ = position;
    if (e.id == 406) {  // out_of_range: a number past the double range
      error_ = "number " + token + " is out of range";
      return false;
    }
    std::string what = e.what();
    auto pos = what.find("syntax error");
    error_ = pos == std::string::npos ? what : what.substr(pos);
    return false;
  }

  json& root() { return root_; }
  const std::string& error() const { return error_; }
  // 1-based offset just past where the error was found.
  std::size_t error_position() const { return error_position_; }

 private:
  template <typename T>
  bool Put(T&& v) {
    if (stack_.empty()) {
      root_ = json(std::forward<T>(v));
    } else if (stack_.back()->is_array()) {
      stack_.back()->emplace_back(std::forward<T>(v));
    } else {
      *slot_ = json(std::forward<T>(v));
    }
    return true;
  }
  bool Open(json&& empty) {
    if (stack_.size() >= static_cast<std::size_t>(kMaxDocumentDepth)) {
      return Fail("nesting deeper than " + std::to_string(kMaxDocumentDepth));
    }
    json* at;
    if (stack_.empty()) {
      root_ = std::move(empty);
      at = &root_;
    } else if (stack_.back()->is_array()) {
      at = &stack_.back()->emplace_back(std::move(empty));
    } else {
      *slot_ = std::move(empty);
      at = slot_;
    }
    stack_.push_back(at);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }
  bool Fail(std::string what) {
    error_ = std::move(what);
    error_position_ = static_cast<std::size_t>(*furthest_ - start_);
    return false;
  }

  const char* start_;
  const char** furthest_;
  DuplicateKeys duplicates_;
  json root_;
  std::vector<json*> stack_;
  json* slot_ = nullptr;
  std::string error_;
  std::size_t error_position_ = 0;
};

}  // namespace

StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view origin,
                                   DuplicateKeys duplicates) {
  const char* furthest = text.data();
  Builder builder(text.data(), &furthest, duplicates);
  bool ok;
  try {
    ok = nlohmann::json::sax_parse(TrackedChar(text.data(), &furthest),
                                   TrackedChar(text.data() + text.size(), &furthest), &builder);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string(origin) + ": invalid JSON: " + e.what());
  }
  if (!ok) {
    const std::size_t at = builder.error_position();
    return InvalidArgumentError(std::string(origin) + ":" +
                                TextPosition(text, at == 0 ? 0 : at - 1) +
                                ": invalid JSON: " + builder.error());
  }
  return std::move(builder.root());
}

}  // namespace governance
