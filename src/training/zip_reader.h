// Reads a zip archive's central directory the way Python's zipfile and
// PyTorch's reader do (from the end-of-central-directory record, zip64
// included), and checks that the archive means one thing only: the end
// record is the last thing in the file and is not ambiguous, every local
// header agrees with its directory entry, and every byte of the file
// belongs to exactly one entry (header, data, data descriptor), the
// directory or the end records. Whatever does not hold is a `problem`, so
// that a pickle prepended to a zip, hidden between members or in an entry
// another entry overlaps is never silently skipped.
#ifndef GOVERNANCE_SRC_TRAINING_ZIP_READER_H_
#define GOVERNANCE_SRC_TRAINING_ZIP_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "governance/status.h"
#include "training/byte_source.h"

namespace governance {

struct ZipEntry {
  std::string name;  // raw bytes, as stored
  uint16_t flags = 0;
  uint16_t method = 0;  // 0 stored, 8 deflate, others not inspected
  uint64_t compressed_size = 0;
  uint64_t size = 0;  // uncompressed, as the directory says
  uint64_t header_offset = 0;
  uint64_t data_offset = 0;  // 0 when the local header could not be read
  bool encrypted() const { return (flags & 1) != 0; }
};

struct ZipDirectory {
  std::vector<ZipEntry> entries;  // in directory order
  // Why the archive cannot be trusted to mean one thing; each makes the
  // inspection incomplete.
  std::vector<std::string> problems;
};

// nullopt when `source` has no end-of-central-directory record (it is not a
// zip). Reads at most `max_entries` entries (more is a problem). An error
// Status only when reading fails.
StatusOr<std::optional<ZipDirectory>> ReadZipDirectory(const ByteSource& source,
                                                       uint64_t max_entries);

// "stored", "deflate", or "method <n>".
std::string ZipMethodName(uint16_t method);

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_ZIP_READER_H_
