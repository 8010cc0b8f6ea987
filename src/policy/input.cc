// OPENSSL_SUPPRESS_DEPRECATED: see DigestWriter in input.h for why SHA256_*.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "policy/input.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/encoding.h"

namespace governance::rego {

DigestWriter::DigestWriter() { SHA256_Init(&ctx_); }

void DigestWriter::Flush() {
  SHA256_Update(&ctx_, buf_, used_);
  used_ = 0;
}

void DigestWriter::Append(std::string_view bytes) {
  if (bytes.size() > sizeof buf_ - used_) {
    Flush();
    if (bytes.size() >= sizeof buf_) {
      SHA256_Update(&ctx_, bytes.data(), bytes.size());
      return;
    }
  }
  std::memcpy(buf_ + used_, bytes.data(), bytes.size());
  used_ += bytes.size();
}

std::string DigestWriter::FinishHex() {
  Flush();
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, &ctx_);
  std::string out;
  out.reserve(7 + 2 * sizeof md);
  out = "sha256:";
  AppendHex(std::string_view(reinterpret_cast<const char*>(md), sizeof md), &out);
  return out;
}

namespace {

// The serialisation must stay byte-identical to CanonicalJson, which is
// nlohmann's dump(-1, ' ', false, replace). Non-ASCII strings (with their
// invalid-UTF-8 replacement) and binary are handed to nlohmann itself for
// that one node, and doubles go through the same grisu2 function nlohmann's
// serializer calls, so the two cannot drift apart.
void AppendDumped(const nlohmann::json& node, DigestWriter* out) {
  out->Append(node.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Appends `s` quoted and escaped as nlohmann does; false (nothing appended)
// when `s` has a non-ASCII byte.
bool AppendAsciiString(const std::string& s, DigestWriter* out) {
  size_t n = s.size();
  if (n + 10 <= DigestWriter::kBuffer) {
    // The common case, a short string with nothing to escape, is copied into
    // the hash buffer while it is checked, eight bytes at a time (a separate
    // scan and copy were 5% of an evaluation). A byte is non-ASCII when its
    // top bit is set; it needs escaping when it is below 0x20, '"' or '\\'.
    // The zero-byte tests are exact for ASCII words. There is no byte-by-byte
    // tail: the last word overlaps the one before it, and a string shorter
    // than a word is read as one word padded with 'A's. The 8 spare bytes
    // reserved after the string take the stores that run past it.
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    uint64_t high = 0;
    uint64_t special = 0;
    auto check = [&](uint64_t w) {
      high |= w;
      special |= ((w - kOnes * 0x20) & ~w) | has_zero(w ^ (kOnes * '"')) |
                 has_zero(w ^ (kOnes * '\\'));
    };
    char* dst = out->Reserve(n + 10);
    *dst++ = '"';
    const char* src = s.data();
    if (n >= 8) {
      size_t pos = 0;
      for (; pos + 8 <= n; pos += 8) {
        uint64_t w;
        std::memcpy(&w, src + pos, 8);
        std::memcpy(dst + pos, &w, 8);
        check(w);
      }
      if (pos < n) {
        uint64_t w;
        std::memcpy(&w, src + n - 8, 8);
        std::memcpy(dst + n - 8, &w, 8);
        check(w);
      }
    } else if (n > 0) {
      uint64_t w = 0;
      if (s.capacity() >= 8) {
        // Inside the string's own buffer (capacity() + 1 bytes); the bytes
        // past the string are masked off below.
        std::memcpy(&w, src, 8);
      } else {
        std::memcpy(&w, src, n);
      }
      // The n bytes that come first in memory.
      const uint64_t keep = std::endian::native == std::endian::little
                                ? ~uint64_t{0} >> (64 - 8 * n)
                                : ~uint64_t{0} << (64 - 8 * n);
      w = (w & keep) | (kOnes * 'A' & ~keep);
      std::memcpy(dst, &w, 8);
      check(w);
    }
    if ((high & kHigh) != 0) return false;
    if ((special & kHigh) == 0) {
      dst[n] = '"';
      out->Commit(n + 2);
      return true;
    }
  } else {
    for (unsigned char c : s) {
      if (c >= 0x80) return false;
    }
  }
  // Something to escape (or a string longer than the buffer): piece by piece.
  out->Append('"');
  size_t run = 0;  // start of the pending unescaped run
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->Append(std::string_view(s).substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out->Append("\\\"");
        break;
      case '\\':
        out->Append("\\\\");
        break;
      case '\b':
        out->Append("\\b");
        break;
      case '\t':
        out->Append("\\t");
        break;
      case '\n':
        out->Append("\\n");
        break;
      case '\f':
        out->Append("\\f");
        break;
      case '\r':
        out->Append("\\r");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->Append(std::string_view(esc, sizeof esc));
      }
    }
  }
  out->Append(std::string_view(s).substr(run));
  out->Append('"');
  return true;
}

template <typename Int>
void AppendInteger(Int i, DigestWriter* out) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, i);
  out->Append(std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
}

Value Convert(const nlohmann::json& json, const StringTable* strings, DigestWriter* out) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      out->Append("null");
      return Value::Null();
    case nlohmann::json::value_t::boolean: {
      bool b = json.get<bool>();
      out->Append(b ? "true" : "false");
      return Value::Bool(b);
    }
    case nlohmann::json::value_t::number_integer: {
      int64_t i = json.get<int64_t>();
      AppendInteger(i, out);
      return Value::Int(i);
    }
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = json.get<uint64_t>();
      AppendInteger(u, out);
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::Int(static_cast<int64_t>(u));
      return Value::Double(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float: {
      // What nlohmann's serializer::dump_float writes, without dump()'s
      // string, serializer and shared output adapter (1.2k instructions a
      // number, ~3% of an evaluation for valid.yaml's four metrics).
      double d = json.get<double>();
      if (!std::isfinite(d)) {
        out->Append("null");
      } else {
        char buf[64];
        char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, d);
        out->Append(std::string_view(buf, static_cast<size_t>(end - buf)));
      }
      return Value::Double(d);
    }
    case nlohmann::json::value_t::string: {
      const std::string& s = json.get_ref<const std::string&>();
      if (!AppendAsciiString(s, out)) AppendDumped(json, out);
      return Value::String(s);
    }
    case nlohmann::json::value_t::array: {
      out->Append('[');
      ValueVector items;
      items.reserve(json.size());
      for (const auto& e : json) {
        if (!items.empty()) out->Append(',');
        items.push_back(Convert(e, strings, out));
      }
      out->Append(']');
      return Value::Array(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      out->Append('{');
      // nlohmann keeps object keys sorted by std::string order, which is
      // Rego order for strings, so the entries are already canonical.
      ObjectEntries entries;
      entries.reserve(json.size());
      for (auto it = json.begin(); it != json.end(); ++it) {
        if (!entries.empty()) out->Append(',');
        // A key the policy names is interned, with its serialised form.
        const StringTable::Entry* key = strings != nullptr ? strings->Find(it.key()) : nullptr;
        if (key != nullptr) {
          out->Append(key->json);
        } else if (!AppendAsciiString(it.key(), out)) {
          AppendDumped(nlohmann::json(it.key()), out);
        }
        out->Append(':');
        Value v = Convert(it.value(), strings, out);
        entries.emplace_back(key != nullptr ? key->value : Value::String(it.key()), std::move(v));
      }
      out->Append('}');
      return Value::SortedObject(std::move(entries));
    }
    default:
      // Binary and discarded values: no Rego form, as in Value::FromJson.
      AppendDumped(json, out);
      return Value::Null();
  }
}

}  // namespace

Value ConvertInput(const nlohmann::json& json, std::string* digest) {
  return ConvertInput(json, nullptr, digest);
}

Value ConvertInput(const nlohmann::json& json, const StringTable* strings, std::string* digest) {
  DigestWriter out;
  Value v = Convert(json, strings, &out);
  *digest = out.FinishHex();
  return v;
}

}  // namespace governance::rego
