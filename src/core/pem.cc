#include "core/pem.h"

#include "core/encoding.h"

namespace governance {

StatusOr<PemBlock> ParsePem(std::string_view text, std::string_view origin) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kDashes = "-----";
  size_t begin = text.find(kBegin);
  if (begin == std::string_view::npos) {
    return InvalidArgumentError(std::string(origin) + ": not a PEM file (no -----BEGIN line)");
  }
  size_t label_start = begin + kBegin.size();
  size_t label_end = text.find(kDashes, label_start);
  if (label_end == std::string_view::npos) {
    return InvalidArgumentError(std::string(origin) + ": malformed PEM BEGIN line");
  }
  PemBlock block;
  block.label = std::string(text.substr(label_start, label_end - label_start));
  std::string end_line = "-----END " + block.label + "-----";
  size_t body_start = label_end + kDashes.size();
  size_t end = text.find(end_line, body_start);
  if (end == std::string_view::npos) {
    return InvalidArgumentError(std::string(origin) + ": PEM block \"" + block.label +
                                "\" has no END line");
  }
  std::string b64;
  for (char c : text.substr(body_start, end - body_start)) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64.push_back(c);
  }
  auto der = Base64DecodeSecret(b64);
  if (!der.ok()) {
    return InvalidArgumentError(std::string(origin) + ": PEM block \"" + block.label +
                                "\" has corrupt base64");
  }
  block.der = std::move(*der);
  return block;
}

std::string EncodePem(std::string_view label, std::string_view der) {
  std::string b64 = Base64Encode(der);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) {
    out += b64.substr(i, 64);
    out += '\n';
  }
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

}  // namespace governance
