// Decompressing DEFLATE data (zip members, gzip and zlib streams) with zlib,
// bounded: the output never grows past a limit, whatever the headers claim,
// so a zip bomb costs at most the limit.
#ifndef GOVERNANCE_SRC_TRAINING_INFLATE_H_
#define GOVERNANCE_SRC_TRAINING_INFLATE_H_

#include <cstdint>
#include <string>

#include "governance/status.h"
#include "training/byte_source.h"

namespace governance {

enum class Deflate {
  kRaw,   // a zip member (method 8)
  kZlib,  // RFC 1950
  kGzip,  // RFC 1952; concatenated members are read one after another
};

struct Inflated {
  std::string bytes;
  // The data ended at a clean end of stream (for gzip, of every member).
  bool complete = false;
  // More than `max_out` bytes would have come out; `bytes` holds the first.
  bool over_limit = false;
  // The data is corrupt (zlib's message); `bytes` holds what came before.
  std::string error;
  uint64_t consumed = 0;  // input bytes used
};

// Inflates `source` (all of it) keeping at most `max_out` bytes. An error
// Status only when reading the source fails.
StatusOr<Inflated> Inflate(const ByteSource& source, Deflate kind, uint64_t max_out);

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_INFLATE_H_
