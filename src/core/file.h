// Whole-file reads and crash-safe writes, with errors that name the path.
#ifndef GOVERNANCE_SRC_CORE_FILE_H_
#define GOVERNANCE_SRC_CORE_FILE_H_

#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "governance/status.h"

namespace governance {

// The contents of `path`. NotFound / PermissionDenied / InvalidArgument (a
// directory) with the path and the OS reason.
StatusOr<std::string> ReadFile(const std::string& path);

// Streams a regular file to `sink` in blocks of `block_size` bytes.
// InvalidArgument when `path` is a directory or not a regular file.
Status ReadFileInBlocks(const std::string& path, size_t block_size,
                        const std::function<void(std::string_view)>& sink);

// Writes `data` to `path` atomically (temp file in the same directory, fsync,
// rename) with permission bits `mode`. Parent directories must exist.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// Translates errno from an operation on `path` into a Status.
Status ErrnoToStatus(int err, const std::string& what, const std::string& path);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_FILE_H_
