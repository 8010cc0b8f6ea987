// Inspecting an artifact's bytes: the training plane's facts (artifact_facts.h)
// about every file of a model, found by reading, never by trusting names.
//
//   StatusOr<InspectedArtifact> a = InspectArtifact("model/");
//   if (!a.ok()) return a.status();
//   std::cout << a->digest.digest;               // as HashArtifact gives it
//   for (const FileFacts& f : a->facts.files)
//     if (f.pickle) std::cout << f.path << " carries pickle data\n";
//
// The walk is HashArtifact's (artifact.h): the same files, refusals and
// digest. Per file, formats come from magic bytes and structure:
//  * safetensors: the 8-byte little-endian header length and a JSON header
//    (at most 100 MB) whose dtypes, shapes and data_offsets tile the rest of
//    the file exactly;
//  * onnx: the file parses to its end as a protobuf ModelProto with an
//    ir_version and a graph; gguf: "GGUF" and version 1–3; hdf5: the HDF5
//    signature at 0, 512, 1024, 2048, …;
//  * zip, from its central directory: "pytorch" when it holds data.pkl or
//    <dir>/data.pkl, "keras" with config.json and model.weights.h5, "npz"
//    when every member is a .npy, else "zip";
//  * npy (an object dtype is followed by a pickle), gzip and zlib streams
//    (their content is inspected), tar, bzip2, xz, zstd, 7z, rar (named,
//    not opened: the file is incomplete);
//  * pickle: a raw pickle stream, "joblib" when it imports from joblib.
// Every byte sequence (file or member) is also probed as a pickle from its
// first byte, whatever else it is: a stream that reaches STOP, starts with
// PROTO or reaches an import before it breaks is recorded, since an
// unpickler acts on it before failing. Streams that follow a pickle's STOP
// are walked too (legacy torch.save writes five).
//
// Pickle streams are walked opcode by opcode with the unpickler's own stack,
// mark and memo discipline, never executed: GLOBAL and INST name their
// import; STACK_GLOBAL takes the two values the unpickler would pop, also
// through MEMOIZE/PUT/GET; an operand that is not a string the walk knows
// (a call's result, a global's value, an EXT code, a string too long to
// keep) makes an unresolved import, which is dangerous. Imports are
// classified against picklescan's and modelscan's unsafe lists and mgov's
// allow-list (PickleImport in artifact_facts.h).
//
// Zips are read from the central directory, as Python's zipfile and
// PyTorch read them; each local header must agree with its entry, and every
// byte of the file must belong to an entry, the directory or its end
// records (a pickle prepended to a zip, a gap or an overlap is incomplete).
// Stored and deflated members are inspected in turn, to `max_depth`;
// encrypted members and other methods are not (incomplete).
//
// Thread-safety: thread-compatible; no shared state.
#ifndef GOVERNANCE_ARTIFACT_INSPECTION_H_
#define GOVERNANCE_ARTIFACT_INSPECTION_H_

#include <cstdint>
#include <string>

#include "governance/artifact.h"
#include "governance/artifact_facts.h"
#include "governance/status.h"
#include "governance/types.h"

namespace governance {

// Bounds on the work of one inspection. Reaching one is a reason in
// `incomplete` (so the default bundle denies), never a silent pass.
struct InspectOptions {
  // Files inspected; later files (by path) are hashed but not inspected.
  // Default 100,000.
  uint64_t max_files = 100'000;
  // Members of archives in one file, counted at every depth. Default 100,000.
  uint64_t max_members = 100'000;
  // Archives inside archives: a file is depth 0, its members depth 1.
  // Containers at this depth are not opened. Default 4.
  int max_depth = 4;
  // Bytes decompressed from one file (zip bombs). Default 4 GiB.
  uint64_t max_inflated_bytes = uint64_t{4} << 30;
  // Bytes decompressed from the whole artifact. Default 16 GiB.
  uint64_t max_total_inflated_bytes = uint64_t{16} << 30;
  // One decompressed member, which is held in memory. Default 1 GiB.
  uint64_t max_member_bytes = uint64_t{1} << 30;
  // Bytes the pickle walk reads in one file (payloads it skips do not
  // count). Default 8 GiB.
  uint64_t max_pickle_bytes = uint64_t{8} << 30;
  // Pickle streams one after another in one byte sequence. Default 64.
  uint64_t max_pickle_streams = 64;
  // Distinct imports of one pickle stream. Default 4,096.
  uint64_t max_imports = 4096;
  // Values on the unpickler's stack, its marks and its memo entries that the
  // walk tracks, each. Default 16 Mi (8 bytes an entry).
  uint64_t max_pickle_stack = uint64_t{16} << 20;
};

// An artifact's digest and facts from one read of each file.
struct InspectedArtifact {
  ArtifactDigest digest;  // exactly what HashArtifact returns
  ArtifactFacts facts;    // one FileFacts per file of digest.files, same order
};

// Hashes and inspects the file or directory at `path`. Files up to 64 MiB
// are read once and both hashed and inspected from memory; a larger one is
// hashed in one pass and inspected with positioned reads of the same open
// file, and FailedPrecondition names it if its size, inode or change time
// moved meanwhile. The refusals of HashArtifact (links, special files, bad
// names, empty artifacts unless hash.allow_empty) apply unchanged; a read
// error is an error; everything about the bytes themselves is a fact.
StatusOr<InspectedArtifact> InspectArtifact(const std::string& path,
                                            const InspectOptions& options = {},
                                            const HashOptions& hash = {});

}  // namespace governance

#endif  // GOVERNANCE_ARTIFACT_INSPECTION_H_
