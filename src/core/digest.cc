#include "core/digest.h"

#include "core/sha256.h"

namespace governance {

bool IsSha256Digest(std::string_view d) {
  constexpr std::string_view kPrefix = "sha256:";
  if (d.size() != kPrefix.size() + 64 || d.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : d.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Sha256DigestOf(std::string_view bytes) { return "sha256:" + Sha256Hex(bytes); }

}  // namespace governance
