#include "core/digest.h"

#include "core/sha256.h"
#include "governance/artifact.h"

namespace governance {
namespace {

bool IsPrefixedHex(std::string_view d, std::string_view prefix) {
  if (d.size() != prefix.size() + 64 || d.substr(0, prefix.size()) != prefix) return false;
  for (char c : d.substr(prefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool IsSha256Digest(std::string_view d) { return IsPrefixedHex(d, kFileDigestPrefix); }

bool IsArtifactDigest(std::string_view d) {
  return IsPrefixedHex(d, kFileDigestPrefix) || IsPrefixedHex(d, kDirectoryDigestPrefix);
}

std::string Sha256DigestOf(std::string_view bytes) {
  return std::string(kFileDigestPrefix) + Sha256Hex(bytes);
}

}  // namespace governance
