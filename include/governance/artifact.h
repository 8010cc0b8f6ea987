// Artifact hashing for the training plane.
//
// A file's digest is its plain SHA-256, identical to `sha256sum FILE`. A
// directory's digest is the SHA-256 of its manifest: one line per regular
// file, sorted by '/'-separated relative path (byte order),
//   "<hex sha256> <size in bytes> <relative path>\n"
// so the digest changes when any file is added, removed, renamed or edited.
// Files are hashed in parallel; each is streamed in large blocks through
// OpenSSL's SHA-256 (SHA-NI where the CPU has it).
//
//   StatusOr<ArtifactDigest> d = HashArtifact("model/", {});
//   std::cout << d->digest;   // sha256:…
#ifndef GOVERNANCE_ARTIFACT_H_
#define GOVERNANCE_ARTIFACT_H_

#include <string>

#include "governance/status.h"
#include "governance/types.h"

namespace governance {

struct HashOptions {
  // Threads hashing files of a directory in parallel. 0: one per core.
  unsigned threads = 0;
  // Bytes read per system call. Default 4 MiB.
  size_t block_size = 4 << 20;
};

// Hashes a regular file or a directory tree. Symbolic links, devices and
// sockets inside a directory are refused (InvalidArgument naming the path),
// since what they point at can change after approval. NotFound when `path`
// does not exist.
StatusOr<ArtifactDigest> HashArtifact(const std::string& path, const HashOptions& options = {});

// The manifest text whose SHA-256 is a directory's digest.
std::string DirectoryManifest(const std::vector<FileDigest>& sorted_files);

// The lowercase hex SHA-256 of one file, streamed.
StatusOr<std::string> HashFile(const std::string& path, size_t block_size = 4 << 20,
                               uint64_t* size = nullptr);

}  // namespace governance

#endif  // GOVERNANCE_ARTIFACT_H_
