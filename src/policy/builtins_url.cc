// URL query builtins (urlquery.*), with the escaping of Go's net/url that
// OPA uses: QueryEscape keeps A-Z a-z 0-9 - _ . ~, writes a space as '+'
// and every other byte as %XX; QueryUnescape reverses it.
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.QueryUnescape; false with Go's message in *error for a bad escape.
bool QueryUnescape(std::string_view s, std::string* out, std::string* error) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || HexValue(s[i + 1]) < 0 || HexValue(s[i + 2]) < 0) {
        *error = "invalid URL escape " + QuoteString(s.substr(i, 3));
        return false;
      }
      out->push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out->push_back(' ');
    } else {
      out->push_back(s[i]);
    }
  }
  return true;
}

Status UrlQueryEncode(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("urlquery.encode", 1, "string", a[0]);
  *out = Value::String(QueryEscape(a[0].str()));
  return Status::Ok();
}

Status UrlQueryDecode(Ctx&, Operands a, Value* out) {
  if (!a[0].is_string()) return OperandTypeError("urlquery.decode", 1, "string", a[0]);
  std::string decoded, error;
  if (!QueryUnescape(a[0].str(), &decoded, &error)) return BuiltinError("urlquery.decode", error);
  *out = Value::String(std::move(decoded));
  return Status::Ok();
}

// Go's url.Values.Encode: keys sorted, each value as key=value, joined by &.
Status UrlQueryEncodeObject(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "urlquery.encode_object";
  if (!a[0].is_object()) return OperandTypeError(kFn, 1, "object", a[0]);
  auto bad_value = [&] {
    return TypeError(kFn, "operand 1 values must be string, array[string], or set[string]");
  };
  std::map<std::string, std::vector<std::string>> query;
  for (const auto& [k, v] : a[0].entries()) {
    if (!k.is_string()) return OperandTypeError(kFn, 1, "object", a[0]);
    std::vector<std::string>& values = query[k.str()];
    if (v.is_string()) {
      values = {v.str()};
    } else if (v.is_array() || v.is_set()) {
      for (const Value& e : v.items()) {
        if (!e.is_string()) return bad_value();
        values.push_back(e.str());
      }
    } else {
      return bad_value();
    }
  }
  std::string encoded;
  for (const auto& [k, values] : query) {
    for (const std::string& v : values) {
      if (!encoded.empty()) encoded.push_back('&');
      encoded += QueryEscape(k) + "=" + QueryEscape(v);
    }
  }
  *out = Value::String(std::move(encoded));
  return Status::Ok();
}

// Go's url.ParseQuery: pairs split on '&', each key and value unescaped;
// the first malformed pair fails the call.
Status UrlQueryDecodeObject(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "urlquery.decode_object";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::string_view query = a[0].str();
  std::map<std::string, ValueVector> params;
  std::string first_error;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.find(';') != std::string_view::npos) {
      if (first_error.empty()) first_error = "invalid semicolon separator in query";
      continue;
    }
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value, error;
    if (!QueryUnescape(pair.substr(0, eq), &key, &error) ||
        !QueryUnescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                       &value, &error)) {
      if (first_error.empty()) first_error = error;
      continue;
    }
    params[key].push_back(Value::String(std::move(value)));
  }
  if (!first_error.empty()) return BuiltinError(kFn, first_error);
  ObjectEntries entries;
  for (auto& [k, values] : params) {
    entries.emplace_back(Value::String(k), Value::Array(std::move(values)));
  }
  *out = Value::Object(std::move(entries));
  return Status::Ok();
}

}  // namespace

void RegisterUrlBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"urlquery.encode", 1, UrlQueryEncode},
                          {"urlquery.decode", 1, UrlQueryDecode},
                          {"urlquery.encode_object", 1, UrlQueryEncodeObject},
                          {"urlquery.decode_object", 1, UrlQueryDecodeObject},
                      });
}

}  // namespace governance::rego
