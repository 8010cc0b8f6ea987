// Canonical identities: one spelling per person or service, so that
// look-alikes ("Alice", "alice ", a Cyrillic "а") never count twice.
#include <string>

#include "governance/keys.h"

namespace governance {
namespace {

constexpr size_t kMaxIdentityLength = 128;

bool Allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
         c == '@' || c == '+';
}

std::string Describe(unsigned char c) {
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (c == '\n' || c == '\r') return "a line break";
  if (c < 0x20 || c == 0x7f) return "a control character";
  if (c >= 0x80) return "a non-ASCII character";
  return std::string("'") + static_cast<char>(c) + "'";
}

}  // namespace

StatusOr<std::string> CanonicalIdentity(std::string_view identity) {
  const std::string shown = "identity \"" + std::string(identity.substr(0, 64)) + "\"";
  if (identity.empty()) return InvalidArgumentError("an identity may not be empty");
  if (identity.size() > kMaxIdentityLength) {
    return InvalidArgumentError(shown + "... is longer than " +
                                std::to_string(kMaxIdentityLength) + " characters");
  }
  std::string out;
  out.reserve(identity.size());
  for (size_t i = 0; i < identity.size(); ++i) {
    char c = identity[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!Allowed(c)) {
      return InvalidArgumentError(shown + " contains " + Describe(static_cast<unsigned char>(c)) +
                                  " at position " + std::to_string(i + 1) +
                                  "; identities use a-z, 0-9 and . _ - @ + only");
    }
    out.push_back(c);
  }
  if (!((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= '0' && out[0] <= '9'))) {
    return InvalidArgumentError(shown + " must start with a letter or a digit");
  }
  return out;
}

}  // namespace governance
