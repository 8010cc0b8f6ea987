// What an artifact is, judged from its bytes: the facts the training plane
// records in the signed TrainingOutput (`artifact_facts`) and that policy
// reads as `input.mgov.artifact`, beside the manifest, which only claims.
// How they are gathered: artifact_inspection.h. The JSON schema, the
// formats and the default bundle's rules on them: docs/artifacts.md.
//
//   for (const FileFacts& f : output.artifact_facts->files)
//     for (const PickleStream& p : f.pickles)
//       for (const PickleImport& i : p.imports)
//         if (i.safety == "dangerous") std::cout << f.path << ": " << i.module << "." << i.name;
//
// Nothing is silent: a limit reached, a member that cannot be read, a zip
// whose bytes do not add up or a container mgov does not open is a reason
// in `incomplete`; a pickle stream the walk could not finish has `complete`
// false and says why in `error`.
#ifndef GOVERNANCE_ARTIFACT_FACTS_H_
#define GOVERNANCE_ARTIFACT_FACTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "governance/status.h"

namespace governance {

// Names the facts' schema; changes whenever what is detected changes.
inline constexpr std::string_view kArtifactFactsScanner = "mgov-artifact-facts/v1";

// Separates a container's location from a member's name in `location`s:
// "model.pt!/archive/data.pkl", "outer.zip!/inner.npz!/a.npy".
inline constexpr std::string_view kMemberSeparator = "!/";

// One global a pickle stream imports.
struct PickleImport {
  // As written in the stream, escaped when not printable UTF-8; "" when the
  // walk cannot know it (an unresolved import).
  std::string module;
  std::string name;  // dotted names (protocol 4) are kept whole
  // The opcode that imports it: GLOBAL, INST, STACK_GLOBAL, EXT1, EXT2, EXT4.
  std::string opcode;
  // "dangerous": on picklescan's or modelscan's unsafe lists (os, posix,
  // subprocess, builtins.eval, …), any builtins global outside a few
  // constructors, a dotted name through a dunder or an unsafe module, a name
  // that runs or loads code anywhere (system, exec, load, …), or unresolved.
  // "safe": on mgov's allow-list of torch, numpy and collections globals.
  // "unknown": anything else; policy decides.
  std::string safety;
  std::string reason;  // why it is dangerous or unknown; "" when safe
};

// One pickle stream.
struct PickleStream {
  // The file ("model.pkl") or member ("model.pt!/archive/data.pkl") holding it.
  std::string location;
  uint64_t offset = 0;  // where it starts in that location
  uint64_t length = 0;  // bytes walked
  // The highest protocol it uses: its PROTO, or the newest opcode in it.
  int protocol = 0;
  // False when the walk stopped before STOP: `error` says where and why.
  // An unpickler acts on a malformed stream up to that point, so policy
  // treats it as dangerous.
  bool complete = false;
  std::string error;
  std::vector<PickleImport> imports;  // distinct, in order of appearance
  // How often each opcode that imports or calls appears: GLOBAL,
  // STACK_GLOBAL, INST, EXT1, EXT2, EXT4, REDUCE, BUILD, OBJ, NEWOBJ,
  // NEWOBJ_EX, PERSID, BINPERSID (every key present).
  std::map<std::string, uint64_t> opcodes;
};

// One member of a container file, at any depth.
struct ArchiveMember {
  std::string location;  // "model.pt!/archive/data.pkl"
  uint64_t size = 0;     // uncompressed bytes
  uint64_t compressed_size = 0;
  std::string method;    // "stored", "deflate" (zip); "gzip", "zlib" (a stream's content)
  std::string format;    // detected, as for a file
};

// The detected formats, as `format` spells them.
inline constexpr std::string_view kArtifactFormats[] = {
    "safetensors", "onnx", "gguf",  "hdf5",  "keras", "pytorch", "npz", "zip",
    "npy",         "pickle", "joblib", "gzip", "zlib", "tar",     "bzip2", "xz",
    "zstd",        "7z",   "rar",   "empty", "unknown"};

struct FileFacts {
  std::string path;  // relative to the artifact root, as in ArtifactDigest::files
  uint64_t size = 0;
  std::string sha256;  // lowercase hex of the bytes inspected
  std::string format;  // one of kArtifactFormats
  std::string detail;  // what the format's structure said ("3 tensors", "protocol 4")
  bool pickle = false;  // a pickle stream anywhere in it
  std::vector<ArchiveMember> members;
  std::vector<PickleStream> pickles;
  // Why the file was not inspected completely ("zip member x is encrypted").
  std::vector<std::string> incomplete;
};

struct ArtifactFacts {
  std::string scanner = std::string(kArtifactFactsScanner);
  // True when neither the artifact nor any file has an `incomplete` reason.
  bool complete = true;
  std::vector<std::string> incomplete;  // artifact-wide reasons (file count, total sizes)
  std::vector<FileFacts> files;         // sorted by path, as the digest lists them
};

nlohmann::json ToJson(const ArtifactFacts& facts);
// Parses and validates facts as ToJson writes them: every field present
// with its type, no unknown field, formats and safety values from their
// lists, files sorted and unique, `complete` and `pickle` consistent with
// what they summarise. InvalidArgument names `origin` and the JSON path,
// prefixed by `where` ("/artifact_facts" inside a training output).
StatusOr<ArtifactFacts> ArtifactFactsFromJson(const nlohmann::json& j, std::string_view origin,
                                              std::string_view where = "");

}  // namespace governance

#endif  // GOVERNANCE_ARTIFACT_FACTS_H_
