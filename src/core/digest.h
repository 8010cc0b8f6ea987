#ifndef GOVERNANCE_SRC_CORE_DIGEST_H_
#define GOVERNANCE_SRC_CORE_DIGEST_H_

#include <string>
#include <string_view>

namespace governance {

// True for "sha256:" followed by 64 lowercase hex digits.
bool IsSha256Digest(std::string_view digest);

// True for an artifact digest: a file's "sha256:<hex>" or a directory's
// "sha256-dir:<hex>" (see governance/artifact.h).
bool IsArtifactDigest(std::string_view digest);

// "sha256:<hex>" of `bytes`.
std::string Sha256DigestOf(std::string_view bytes);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_DIGEST_H_
