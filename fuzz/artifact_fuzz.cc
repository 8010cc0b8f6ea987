// libFuzzer target for the artifact inspection `mgov train` runs on a
// model's bytes (training/artifact_inspection.cc and what it reads through:
// the format sniffers of file_format.cc, the zip reader, inflate and the
// pickle walk). The input is one file of an artifact, inspected with small
// limits so that zip bombs and long pickle streams reach them quickly.
//
// Whatever the bytes, inspection must finish, never fail on them (only I/O
// fails), describe exactly the file it read, and write facts that the
// reader of signed training outputs accepts and reads back unchanged.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/sha256.h"
#include "fuzz_check.h"
#include "governance/artifact_facts.h"
#include "governance/artifact_inspection.h"

namespace {

// One file per process, rewritten for each input (tmpfs when there is one).
const std::string& ArtifactPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (dir ? dir : "/tmp");
    return base + "/mgov-artifact-fuzz-" + std::to_string(getpid()) + ".bin";
  }();
  return path;
}

void WriteFile(const std::string& path, std::string_view bytes) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  GOV_FUZZ_CHECK(fd >= 0);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    GOV_FUZZ_CHECK(n > 0);
    done += static_cast<size_t>(n);
  }
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace governance;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string& path = ArtifactPath();
  WriteFile(path, bytes);

  InspectOptions limits;
  limits.max_members = 64;
  limits.max_depth = 3;
  limits.max_inflated_bytes = 1 << 20;
  limits.max_total_inflated_bytes = 2 << 20;
  limits.max_member_bytes = 512 << 10;
  limits.max_pickle_bytes = 1 << 20;
  limits.max_pickle_streams = 8;
  limits.max_imports = 64;
  limits.max_pickle_stack = 4096;
  HashOptions hash;
  hash.threads = 1;
  hash.allow_empty = true;

  auto inspected = InspectArtifact(path, limits, hash);
  GOV_FUZZ_CHECK(inspected.ok());  // bytes are facts, never errors
  const std::string sha = Sha256Hex(bytes);
  GOV_FUZZ_CHECK(inspected->digest.digest == "sha256:" + sha);
  GOV_FUZZ_CHECK(inspected->facts.files.size() == 1);
  const FileFacts& file = inspected->facts.files[0];
  GOV_FUZZ_CHECK(file.sha256 == sha && file.size == size);
  GOV_FUZZ_CHECK(file.pickle == !file.pickles.empty());
  for (const PickleStream& p : file.pickles) {
    GOV_FUZZ_CHECK(p.complete || !p.error.empty());
    for (const PickleImport& i : p.imports) {
      GOV_FUZZ_CHECK(i.safety == "safe" || i.safety == "unknown" || i.safety == "dangerous");
      GOV_FUZZ_CHECK((i.safety == "safe") == i.reason.empty());
    }
  }

  const nlohmann::json written = ToJson(inspected->facts);
  auto again = ArtifactFactsFromJson(written, "facts.json");
  if (!again.ok()) std::fprintf(stderr, "%s\n", again.status().ToString().c_str());
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(ToJson(*again) == written);
  return 0;
}
