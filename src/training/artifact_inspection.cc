#include "governance/artifact_inspection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <fmt/format.h>

#include "core/encoding.h"
#include "core/file.h"
#include "core/sha256.h"
#include "training/artifact_walk.h"
#include "training/byte_source.h"
#include "training/file_format.h"
#include "training/inflate.h"
#include "training/pickle_imports.h"
#include "training/pickle_scan.h"
#include "training/zip_reader.h"

namespace governance {
namespace {

// Files up to this size are read once into memory, hashed and inspected
// from there: the bytes inspected are the bytes hashed.
constexpr uint64_t kInMemoryFileBytes = uint64_t{64} << 20;

// What all files of one inspection draw on.
struct SharedBudget {
  std::atomic<uint64_t> inflated{0};
};

std::string Join(const std::string& container, std::string_view member) {
  return container + std::string(kMemberSeparator) + std::string(member);
}

// Whether a zip's member names make it a PyTorch checkpoint (data.pkl at the
// top or one directory down), a Keras v3 archive, or an npz.
std::string ZipKind(const ZipDirectory& dir) {
  bool torch = false, config = false, weights = false, all_npy = !dir.entries.empty();
  for (const ZipEntry& e : dir.entries) {
    const std::string& n = e.name;
    if (n == "data.pkl" || (n.ends_with("/data.pkl") && n.find('/') == n.size() - 9)) torch = true;
    config = config || n == "config.json";
    weights = weights || n == "model.weights.h5";
    all_npy = all_npy && n.ends_with(".npy");
  }
  if (torch) return "pytorch";
  if (config && weights) return "keras";
  if (all_npy) return "npz";
  return "zip";
}

// Inspects one file of the artifact, member by member.
class FileInspector {
 public:
  FileInspector(const InspectOptions& options, SharedBudget& shared, FileFacts& facts)
      : options_(options), shared_(shared), facts_(facts) {}

  Status Inspect(const ByteSource& source) {
    std::string detail;
    GOV_ASSIGN_OR_RETURN(facts_.format, Blob(source, facts_.path, 0, &detail));
    facts_.detail = std::move(detail);
    facts_.pickle = !facts_.pickles.empty();
    return Status();
  }

 private:
  void Incomplete(std::string why) {
    if (facts_.incomplete.size() < 50) {
      facts_.incomplete.push_back(std::move(why));
    } else if (facts_.incomplete.size() == 50) {
      facts_.incomplete.push_back("more reasons not listed");
    }
  }

  // Detects the format of `source` (the file at depth 0 or a member deeper)
  // and records its pickle streams and members. The name goes to the first
  // format that matches, in this order: npy, gguf, safetensors, hdf5, zip
  // (pytorch, keras, npz), gzip, bzip2/xz/zstd/7z/rar/tar, zlib, onnx,
  // pickle (joblib), unknown. Whatever the name, a zip directory, a gzip or
  // zlib stream at byte 0 and a pickle at byte 0 are inspected as well: a
  // file that is two formats at once is judged as both.
  StatusOr<std::string> Blob(const ByteSource& source, const std::string& location, int depth,
                             std::string* detail) {
    if (source.size() == 0) return std::string("empty");
    std::string format;
    auto name = [&](std::string_view f, const std::string& d) {
      if (format.empty()) {
        format = f;
        *detail = d;
      } else {
        *detail += "; also " + std::string(f) + (d.empty() ? "" : " (" + d + ")");
      }
    };
    auto near_miss = [&](const Sniff& s) {
      if (s.match == Sniff::kBroken && format.empty()) *detail = s.detail;
    };
    Sniff s;
    NpyHeader npy;
    GOV_ASSIGN_OR_RETURN(s, SniffNpy(source, &npy));
    near_miss(s);
    if (s.match == Sniff::kYes) {
      name("npy", s.detail + (npy.object ? " (objects: a pickle follows the header)" : ""));
      if (npy.object) {
        GOV_ASSIGN_OR_RETURN(PickleWalk data, Walk(source, npy.data_offset));
        GOV_RETURN_IF_ERROR(Streams(source, location, std::move(data), /*forced=*/true));
      }
    }
    GOV_ASSIGN_OR_RETURN(s, SniffGguf(source));
    near_miss(s);
    if (s.match == Sniff::kYes) name("gguf", s.detail);
    GOV_ASSIGN_OR_RETURN(s, SniffSafetensors(source));
    near_miss(s);
    if (s.match == Sniff::kYes) name("safetensors", s.detail);
    uint64_t hdf5_at = 0;
    GOV_ASSIGN_OR_RETURN(s, SniffHdf5(source, &hdf5_at));
    if (s.match == Sniff::kYes) name("hdf5", s.detail);

    GOV_ASSIGN_OR_RETURN(std::optional<ZipDirectory> dir, ReadZipDirectory(source, options_.max_members));
    if (dir) {
      name(ZipKind(*dir), fmt::format("{} member{}", dir->entries.size(),
                                      dir->entries.size() == 1 ? "" : "s"));
      GOV_RETURN_IF_ERROR(Zip(source, location, depth, *dir));
    }
    GOV_ASSIGN_OR_RETURN(std::string magic, ContainerMagic(source));
    std::string head;
    GOV_RETURN_IF_ERROR(source.ReadAt(0, 2, &head));
    if (magic == "gzip" || (magic.empty() && LooksLikeZlib(head))) {
      const Deflate kind = magic == "gzip" ? Deflate::kGzip : Deflate::kZlib;
      std::string d;
      GOV_ASSIGN_OR_RETURN(bool inflated, Stream(source, location, depth, kind, &d));
      if (inflated) name(kind == Deflate::kGzip ? "gzip" : "zlib", d);
    } else if (!magic.empty() && (format.empty() || hdf5_at > 0)) {
      // An HDF5 user block can hold anything, a compressed stream included.
      name(magic, "");
      Incomplete(fmt::format("{} is {} data, which mgov does not open", location, magic));
    }
    if (format.empty()) {
      GOV_ASSIGN_OR_RETURN(s, SniffOnnx(source));
      if (s.match == Sniff::kYes) name("onnx", s.detail);
    }

    // Probe as a pickle from the first byte, whatever else the bytes are.
    GOV_ASSIGN_OR_RETURN(PickleWalk probe, Walk(source, 0));
    if (probe.IsPickle()) {
      const size_t first = facts_.pickles.size();
      GOV_RETURN_IF_ERROR(Streams(source, location, std::move(probe), /*forced=*/false));
      bool joblib = false;
      for (size_t i = first; i < facts_.pickles.size(); ++i) {
        for (const PickleImport& imp : facts_.pickles[i].imports) {
          joblib = joblib || imp.module == "joblib" || imp.module.starts_with("joblib.");
        }
      }
      const PickleStream& p = facts_.pickles[first];
      const size_t streams = facts_.pickles.size() - first;
      name(joblib ? "joblib" : "pickle",
           fmt::format("protocol {}, {} stream{} from byte 0{}", p.protocol, streams,
                       streams == 1 ? "" : "s", p.complete ? "" : ", malformed"));
    }
    if (format.empty()) format = "unknown";
    return format;
  }

  StatusOr<PickleWalk> Walk(const ByteSource& source, uint64_t offset) {
    PickleWalkLimits limits;
    limits.max_read_bytes = options_.max_pickle_bytes - std::min(pickle_bytes_, options_.max_pickle_bytes);
    limits.max_stack = options_.max_pickle_stack;
    limits.max_imports = options_.max_imports;
    GOV_ASSIGN_OR_RETURN(PickleWalk walk, WalkPickle(source, offset, limits));
    pickle_bytes_ += walk.bytes_read;
    return walk;
  }

  // Records the stream `walk` found and the streams that follow its STOP.
  // `forced`: the bytes must be a pickle (an npy object array), so the first
  // walk is recorded even when it never looked like one.
  Status Streams(const ByteSource& source, const std::string& location, PickleWalk walk,
                 bool forced) {
    for (uint64_t n = 0;; ++n) {
      if (!walk.IsPickle() && !(forced && n == 0)) return Status();  // trailing bytes
      if (n == options_.max_pickle_streams) {
        Incomplete(fmt::format("{} holds more than {} pickle streams; the rest are not walked",
                               location, options_.max_pickle_streams));
        return Status();
      }
      Record(location, walk);
      if (!walk.limit.empty()) {
        Incomplete(fmt::format("the pickle stream at byte {} of {}: {}", walk.start, location,
                               walk.limit));
        return Status();
      }
      if (!walk.stopped || walk.end >= source.size()) return Status();
      GOV_ASSIGN_OR_RETURN(walk, Walk(source, walk.end));
    }
  }

  void Record(const std::string& location, const PickleWalk& walk) {
    PickleStream p;
    p.location = location;
    p.offset = walk.start;
    p.length = walk.end - walk.start;
    p.protocol = walk.protocol;
    p.complete = walk.stopped;
    p.error = walk.error;
    p.opcodes = walk.opcodes;
    for (const WalkedImport& w : walk.imports) {
      ImportVerdict v = ClassifyImport(w);
      p.imports.push_back(
          {w.module, w.name, w.opcode, std::string(SafetyName(v.safety)), std::move(v.reason)});
    }
    facts_.pickles.push_back(std::move(p));
  }

  // Counts one more member of the file; false (said once) past the limit.
  bool TakeMember() {
    if (members_ >= options_.max_members) {
      if (members_ == options_.max_members) {
        Incomplete(fmt::format("{} has more than {} archive members; the rest are not inspected",
                               facts_.path, options_.max_members));
      }
      ++members_;
      return false;
    }
    ++members_;
    return true;
  }

  // How many bytes the next decompression may produce.
  uint64_t InflateAllowance() const {
    const uint64_t total = shared_.inflated.load();
    uint64_t allow = options_.max_member_bytes;
    allow = std::min(allow, options_.max_inflated_bytes - std::min(inflated_, options_.max_inflated_bytes));
    allow = std::min(allow, options_.max_total_inflated_bytes -
                                std::min(total, options_.max_total_inflated_bytes));
    return allow;
  }

  void Charge(uint64_t bytes) {
    inflated_ += bytes;
    shared_.inflated += bytes;
  }

  std::string OverLimit(const std::string& what) const {
    return fmt::format(
        "{} decompresses to more than mgov inspects (a member at most {} bytes, a file {}, the "
        "artifact {}); the rest is not inspected",
        what, options_.max_member_bytes, options_.max_inflated_bytes,
        options_.max_total_inflated_bytes);
  }

  Status Zip(const ByteSource& source, const std::string& location, int depth,
             const ZipDirectory& dir) {
    for (const std::string& p : dir.problems) Incomplete(location + ": " + p);
    if (depth >= options_.max_depth) {
      Incomplete(fmt::format("{} is an archive nested {} deep; its members are not inspected",
                             location, depth));
      return Status();
    }
    for (const ZipEntry& e : dir.entries) {
      const std::string where = Join(location, PrintableName(e.name));
      if (!TakeMember()) break;
      const size_t index = facts_.members.size();
      facts_.members.push_back({where, e.size, e.compressed_size, ZipMethodName(e.method), "unknown"});
      std::string format, detail;
      if (e.data_offset == 0) continue;  // the directory's problem says why
      if (e.encrypted()) {
        Incomplete(where + " is encrypted; it is not inspected");
        continue;
      }
      SliceSource data(source, e.data_offset, e.compressed_size);
      if (e.method == 0) {
        if (e.compressed_size != e.size) {
          Incomplete(fmt::format("{} is stored but its sizes differ ({} and {})", where,
                                 e.compressed_size, e.size));
        }
        GOV_ASSIGN_OR_RETURN(format, Blob(data, where, depth + 1, &detail));
      } else if (e.method == 8) {
        const uint64_t allow = InflateAllowance();
        GOV_ASSIGN_OR_RETURN(Inflated out, Inflate(data, Deflate::kRaw, allow));
        Charge(out.bytes.size());
        if (out.over_limit) Incomplete(OverLimit(where));
        MemorySource content(out.bytes);
        GOV_ASSIGN_OR_RETURN(format, Blob(content, where, depth + 1, &detail));
      } else {
        Incomplete(fmt::format("{} is compressed with {}, which mgov does not inspect", where,
                               ZipMethodName(e.method)));
        continue;
      }
      facts_.members[index].format = format;
    }
    return Status();
  }

  // A gzip or zlib stream: its content is a member. False when the bytes
  // do not inflate at all (they are not such a stream).
  StatusOr<bool> Stream(const ByteSource& source, const std::string& location, int depth,
                        Deflate kind, std::string* detail) {
    const char* method = kind == Deflate::kGzip ? "gzip" : "zlib";
    const uint64_t allow = InflateAllowance();
    GOV_ASSIGN_OR_RETURN(Inflated out, Inflate(source, kind, allow));
    if (out.bytes.empty() && !out.complete && !out.over_limit) return false;
    const std::string where = Join(location, kind == Deflate::kGzip ? "(gzip content)" : "(zlib content)");
    if (depth >= options_.max_depth) {
      Incomplete(fmt::format("{} is a {} stream nested {} deep; its content is not inspected",
                             location, method, depth));
      return true;
    }
    if (!TakeMember()) return true;
    Charge(out.bytes.size());
    if (out.over_limit) Incomplete(OverLimit(where));
    *detail = out.error.empty() ? fmt::format("{} bytes of content", out.bytes.size())
                                : fmt::format("{} bytes of content, then corrupt data: {}",
                                              out.bytes.size(), out.error);
    const size_t index = facts_.members.size();
    facts_.members.push_back({where, out.bytes.size(), out.consumed, method, "unknown"});
    MemorySource content(out.bytes);
    std::string inner_detail;
    GOV_ASSIGN_OR_RETURN(facts_.members[index].format, Blob(content, where, depth + 1, &inner_detail));
    return true;
  }

  const InspectOptions& options_;
  SharedBudget& shared_;
  FileFacts& facts_;
  uint64_t members_ = 0;
  uint64_t inflated_ = 0;
  uint64_t pickle_bytes_ = 0;
};

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// Hashes and inspects one file from a single open descriptor.
Status InspectFile(const std::string& path, const HashOptions& hash, const InspectOptions& options,
                   bool inspect, SharedBudget& shared, FileDigest& digest, FileFacts& facts) {
  // O_NONBLOCK and O_NOFOLLOW: what was listed as a regular file may have
  // been replaced by a FIFO or a link since.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0) return ErrnoToStatus(errno, "read artifact", path);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat before;
  if (::fstat(fd, &before) != 0) return ErrnoToStatus(errno, "read artifact", path);
  if (!S_ISREG(before.st_mode)) {
    return InvalidArgumentError("artifact file " + path + " is not a regular file");
  }
  const uint64_t size = static_cast<uint64_t>(before.st_size);
  facts.path = digest.path;
  FileSource file(fd, size, path);
  std::string bytes;
  Sha256 sha;
  if (size <= kInMemoryFileBytes) {
    GOV_RETURN_IF_ERROR(file.ReadAt(0, static_cast<size_t>(size), &bytes));
    sha.Update(bytes);
  } else {
    std::string block;
    for (uint64_t at = 0; at < size; at += block.size()) {
      GOV_RETURN_IF_ERROR(file.ReadAt(at, hash.block_size, &block));
      if (block.empty()) break;
      sha.Update(block);
    }
  }
  digest.sha256 = HexEncode(sha.Finish());
  digest.size = size;
  facts.size = size;
  facts.sha256 = digest.sha256;
  if (inspect) {
    MemorySource memory(bytes);
    const ByteSource& source = size <= kInMemoryFileBytes ? static_cast<const ByteSource&>(memory)
                                                          : static_cast<const ByteSource&>(file);
    GOV_RETURN_IF_ERROR(FileInspector(options, shared, facts).Inspect(source));
  }
  struct stat after;
  if (::fstat(fd, &after) != 0) return ErrnoToStatus(errno, "read artifact", path);
  if (!SameFile(before, after) || (size <= kInMemoryFileBytes && bytes.size() != size)) {
    return FailedPreconditionError("artifact file " + path +
                                   " changed while it was hashed and inspected; record it again "
                                   "once nothing writes to it");
  }
  return Status();
}

}  // namespace

StatusOr<InspectedArtifact> InspectArtifact(const std::string& path, const InspectOptions& options,
                                            const HashOptions& hash) {
  InspectedArtifact out;
  SharedBudget shared;
  GOV_ASSIGN_OR_RETURN(
      out.digest,
      WalkArtifact(
          path, hash,
          [&](const std::vector<FileDigest>& files) { out.facts.files.resize(files.size()); },
          [&](size_t index, const std::string& file, FileDigest& digest) {
            return InspectFile(file, hash, options, index < options.max_files, shared, digest,
                               out.facts.files[index]);
          }));
  if (out.facts.files.size() > options.max_files) {
    out.facts.incomplete.push_back(fmt::format(
        "the artifact has {} files; only the first {} (by path) were inspected",
        out.facts.files.size(), options.max_files));
    out.facts.files.resize(options.max_files);
  }
  if (shared.inflated.load() > options.max_total_inflated_bytes) {
    out.facts.incomplete.push_back(fmt::format(
        "the artifact decompresses to more than {} bytes", options.max_total_inflated_bytes));
  }
  out.facts.complete = out.facts.incomplete.empty();
  for (const FileFacts& f : out.facts.files) out.facts.complete = out.facts.complete && f.incomplete.empty();
  return out;
}

}  // namespace governance
