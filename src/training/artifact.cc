#include "governance/artifact.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/encoding.h"
#include "core/file.h"
#include "core/sha256.h"
#include "core/utf8.h"
#include "training/artifact_walk.h"

namespace governance {

StatusOr<std::string> HashFile(const std::string& path, size_t block_size, uint64_t* size) {
  Sha256 h;
  uint64_t total = 0;
  GOV_RETURN_IF_ERROR(ReadFileInBlocks(path, block_size, [&](std::string_view block) {
    h.Update(block);
    total += block.size();
  }));
  if (size) *size = total;
  return HexEncode(h.Finish());
}

std::string DirectoryManifest(const std::vector<FileDigest>& files) {
  std::string out(kDirectoryManifestHeader);
  for (const auto& f : files) {
    out += f.sha256;
    out += ' ';
    out += std::to_string(f.size);
    out += ' ';
    out += std::to_string(f.path.size());
    out += ' ';
    out += f.path;
    out += '\n';
  }
  return out;
}

std::string DirectoryDigest(const std::vector<FileDigest>& files) {
  return std::string(kDirectoryDigestPrefix) + Sha256Hex(DirectoryManifest(files));
}

Status CheckArtifactPath(std::string_view path, std::string_view where) {
  auto refuse = [&](const std::string& why) {
    return InvalidArgumentError(std::string(where) + " holds a file name that " + why + ": " +
                                QuotedForError(path) + "; rename it before hashing");
  };
  const auto cps = DecodeUtf8(path);
  if (!cps) return refuse("is not UTF-8");
  for (char32_t c : *cps) {
    if (IsControlCharacter(c)) return refuse("contains a control character");
  }
  for (size_t b = 0;;) {
    const size_t e = std::min(path.find('/', b), path.size());
    const std::string_view part = path.substr(b, e - b);
    if (part.empty() || part == "." || part == "..") return refuse("is not a plain relative path");
    if (e == path.size()) break;
    b = e + 1;
  }
  return Status();
}

namespace {

Status ListFiles(const std::filesystem::path& root, std::vector<FileDigest>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) return InvalidArgumentError("cannot list " + root.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return InvalidArgumentError("cannot list " + root.string() + ": " + ec.message());
    const fs::directory_entry& e = *it;
    fs::file_status st = e.symlink_status(ec);
    if (fs::is_directory(st)) continue;
    std::string rel = e.path().lexically_relative(root).generic_string();
    GOV_RETURN_IF_ERROR(CheckArtifactPath(rel, "artifact " + root.string()));
    if (fs::is_symlink(st)) {
      return InvalidArgumentError("artifact " + root.string() + " contains a symbolic link (" +
                                  rel + "); copy the target in instead");
    }
    if (!fs::is_regular_file(st)) {
      return InvalidArgumentError("artifact " + root.string() + " contains " + rel +
                                  ", which is not a regular file");
    }
    files.push_back({rel, 0, ""});
  }
  std::sort(files.begin(), files.end(),
            [](const FileDigest& a, const FileDigest& b) { return a.path < b.path; });
  return Status();
}

}  // namespace

StatusOr<ArtifactDigest> WalkArtifact(const std::string& path, const HashOptions& options,
                                      const ArtifactFileListener& listed,
                                      const ArtifactFileVisitor& visit) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoToStatus(errno, "read artifact", path);
  ArtifactDigest out;
  if (S_ISREG(st.st_mode)) {
    std::string name = std::filesystem::path(path).filename().string();
    GOV_RETURN_IF_ERROR(CheckArtifactPath(name, "artifact " + path));
    out.files.push_back({name, 0, ""});
    if (listed) listed(out.files);
    GOV_RETURN_IF_ERROR(visit(0, path, out.files[0]));
    if (out.files[0].size == 0 && !options.allow_empty) {
      return InvalidArgumentError("artifact " + path +
                                  " is an empty file; a model has bytes (allow_empty to hash it anyway)");
    }
    out.digest = std::string(kFileDigestPrefix) + out.files[0].sha256;
    out.total_bytes = out.files[0].size;
    return out;
  }
  if (!S_ISDIR(st.st_mode)) {
    return InvalidArgumentError("artifact " + path + " is neither a regular file nor a directory");
  }
  out.is_directory = true;
  GOV_RETURN_IF_ERROR(ListFiles(path, out.files));
  if (out.files.empty() && !options.allow_empty) {
    return InvalidArgumentError("artifact " + path +
                                " is a directory with no files; a model has bytes (allow_empty to "
                                "hash it anyway)");
  }
  if (listed) listed(out.files);
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<size_t>(1, out.files.size()));
  std::atomic<size_t> next{0};
  std::vector<Status> errors(threads);
  auto worker = [&](unsigned w) {
    for (size_t i = next++; i < out.files.size(); i = next++) {
      Status s = visit(i, path + "/" + out.files[i].path, out.files[i]);
      if (!s.ok()) {
        errors[w] = s;
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(worker, w);
  worker(0);
  for (auto& t : pool) t.join();
  for (const auto& e : errors) GOV_RETURN_IF_ERROR(e);
  for (const auto& f : out.files) out.total_bytes += f.size;
  out.digest = DirectoryDigest(out.files);
  return out;
}

StatusOr<ArtifactDigest> HashArtifact(const std::string& path, const HashOptions& options) {
  return WalkArtifact(path, options, nullptr,
                      [&](size_t, const std::string& file, FileDigest& digest) -> Status {
                        GOV_ASSIGN_OR_RETURN(digest.sha256,
                                             HashFile(file, options.block_size, &digest.size));
                        return Status();
                      });
}

}  // namespace governance
