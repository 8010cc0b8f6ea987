// The walk over an artifact's files that HashArtifact and InspectArtifact
// share, so both see the same files with the same refusals.
#ifndef GOVERNANCE_SRC_TRAINING_ARTIFACT_WALK_H_
#define GOVERNANCE_SRC_TRAINING_ARTIFACT_WALK_H_

#include <functional>
#include <string>
#include <vector>

#include "governance/artifact.h"
#include "governance/status.h"
#include "governance/types.h"

namespace governance {

// Called once with the files found (sorted, size and sha256 not yet set).
using ArtifactFileListener = std::function<void(const std::vector<FileDigest>&)>;
// Called for each file, from up to `HashOptions::threads` threads at once:
// reads `full_path` and sets `file.size` and `file.sha256`. `index` is the
// file's position in the sorted list.
using ArtifactFileVisitor =
    std::function<Status(size_t index, const std::string& full_path, FileDigest& file)>;

// Lists the regular file or the directory tree at `path` with every refusal
// HashArtifact documents, visits each file, refuses an empty artifact unless
// allowed, and returns the digest of what the visitor read. The first error
// of a visitor is returned.
StatusOr<ArtifactDigest> WalkArtifact(const std::string& path, const HashOptions& options,
                                      const ArtifactFileListener& listed,
                                      const ArtifactFileVisitor& visit);

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_ARTIFACT_WALK_H_
