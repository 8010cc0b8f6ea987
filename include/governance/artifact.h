// Artifact hashing for the training plane.
//
// A file's digest is "sha256:" + its plain SHA-256, exactly what
// `sha256sum FILE` prints. A directory's digest is "sha256-dir:" + the
// SHA-256 of its manifest (docs/artifacts.md):
//
//   "mgov-artifact-dir-v1\n"
//   then per regular file, sorted by '/'-separated relative path (bytes):
//   "<sha256 hex> <size> <byte length of path> <path>\n"
//
// The prefix keeps the two kinds apart (a file holding a manifest's bytes
// has a "sha256:" digest, never a "sha256-dir:" one), and the length before
// each path keeps names from running into the next line. Names must be UTF-8
// without control characters; symbolic links, devices, FIFOs and sockets are
// refused, since what they point at can change after approval. Empty
// directories inside the tree are not recorded. Files are hashed in
// parallel, each streamed through OpenSSL's SHA-256 (SHA-NI where the CPU
// has it).
//
//   StatusOr<ArtifactDigest> d = HashArtifact("model/", {});
//   std::cout << d->digest;   // sha256-dir:…
#ifndef GOVERNANCE_ARTIFACT_H_
#define GOVERNANCE_ARTIFACT_H_

#include <string>
#include <string_view>

#include "governance/status.h"
#include "governance/types.h"

namespace governance {

inline constexpr std::string_view kFileDigestPrefix = "sha256:";
inline constexpr std::string_view kDirectoryDigestPrefix = "sha256-dir:";
inline constexpr std::string_view kDirectoryManifestHeader = "mgov-artifact-dir-v1\n";

struct HashOptions {
  // Threads hashing files of a directory in parallel. 0: one per core.
  unsigned threads = 0;
  // Bytes read per system call. Default 4 MiB.
  size_t block_size = 4 << 20;
  // An empty file, or a directory with no files, is refused unless this is
  // set: a model is never empty, and an empty artifact is what a mistake
  // (a training job that wrote nothing) looks like.
  bool allow_empty = false;
};

// How a gate hashes the artifact in front of it: an empty one is hashed,
// not refused, so that it is denied unless the approval names exactly it.
inline HashOptions VerifyingHashOptions() {
  HashOptions options;
  options.allow_empty = true;
  return options;
}

// Hashes a regular file or a directory tree. InvalidArgument naming the path
// for links, special files, names that are not UTF-8 or hold control
// characters, and (unless allowed) empty artifacts. NotFound when `path`
// does not exist.
StatusOr<ArtifactDigest> HashArtifact(const std::string& path, const HashOptions& options = {});

// The manifest whose SHA-256 is a directory's digest, of files sorted by path.
std::string DirectoryManifest(const std::vector<FileDigest>& sorted_files);

// The digest a directory of these files has: "sha256-dir:<hex>".
std::string DirectoryDigest(const std::vector<FileDigest>& sorted_files);

// OK when `path` may name a file inside an artifact: '/'-separated
// components, none empty, "." or "..", valid UTF-8, no control characters
// (U+0000–U+001F, U+007F–U+009F). `where` names the artifact in errors.
Status CheckArtifactPath(std::string_view path, std::string_view where);

// The lowercase hex SHA-256 of one file, streamed.
StatusOr<std::string> HashFile(const std::string& path, size_t block_size = 4 << 20,
                               uint64_t* size = nullptr);

}  // namespace governance

#endif  // GOVERNANCE_ARTIFACT_H_
