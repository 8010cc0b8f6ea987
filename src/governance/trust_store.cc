// Where a host keeps what it trusts (trust.h): in memory, or in a directory
// outside the store.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "core/digest.h"
#include "core/document.h"
#include "core/file.h"
#include "core/json_reader.h"
#include "governance/trust.h"

namespace governance {
namespace {

class MemoryTrust final : public TrustStore {
 public:
  explicit MemoryTrust(Envelope root) : root_(std::move(root)) {}

  StatusOr<Envelope> Root() override {
    std::lock_guard<std::mutex> lock(mu_);
    return root_;
  }
  Status AdvanceRoot(const Envelope& newer) override {
    std::lock_guard<std::mutex> lock(mu_);
    root_ = newer;
    return Status();
  }
  StatusOr<std::optional<LedgerMark>> LastSeen() override {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  Status RecordSeen(const LedgerMark& mark) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!seen_) seen_ = LedgerMark();
    seen_->Merge(mark);
    return Status();
  }

 private:
  std::mutex mu_;
  Envelope root_;
  std::optional<LedgerMark> seen_;
};

class DirectoryTrust final : public TrustStore {
 public:
  DirectoryTrust(std::string dir, std::string pinned_file)
      : dir_(std::move(dir)), pinned_file_(std::move(pinned_file)) {}

  // With a pinned file (--trust root.json) the file is never rewritten; the
  // newest root verified from it is kept beside the mark, under a name
  // derived from the file's content, so that this host never goes back to an
  // older root than one it already followed, whatever the file still says.
  StatusOr<Envelope> Root() override {
    const std::string path = pinned_file_.empty() ? RootPath() : pinned_file_;
    if (!std::filesystem::exists(path)) {
      return FailedPreconditionError(
          "no governance root is pinned for this store on this host (" + path +
          "): pass --trust root.json (from `mgov root export` on a trusted machine), set "
          "$MGOV_TRUST, or run `mgov root pin FILE`");
    }
    GOV_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    auto env = ParseEnvelope(text, path);
    if (!env.ok()) return env.status().WithContext("pinned root");
    if (pinned_file_.empty()) return *env;
    const std::string advanced = AdvancedPath(text);
    if (!std::filesystem::exists(advanced)) return *env;
    GOV_ASSIGN_OR_RETURN(std::string newer_text, ReadFile(advanced));
    auto newer = ParseEnvelope(newer_text, advanced);
    if (!newer.ok()) return newer.status().WithContext("root advanced from " + pinned_file_);
    return *newer;
  }

  Status AdvanceRoot(const Envelope& newer) override {
    GOV_RETURN_IF_ERROR(EnsureDir());
    std::string path = RootPath();
    if (!pinned_file_.empty()) {
      GOV_ASSIGN_OR_RETURN(std::string pinned, ReadFile(pinned_file_));
      path = AdvancedPath(pinned);
    }
    return WriteFileAtomic(path, EnvelopeToJson(newer) + "\n", 0644);
  }

  StatusOr<std::optional<LedgerMark>> LastSeen() override {
    const std::string path = SeenPath();
    if (!std::filesystem::exists(path)) return std::optional<LedgerMark>();
    GOV_ASSIGN_OR_RETURN(nlohmann::json j, LoadDocument(path));
    JsonReader r(j, path);
    LedgerMark m;
    GOV_ASSIGN_OR_RETURN(m.size, r.Int("size"));
    GOV_ASSIGN_OR_RETURN(m.head, r.OptionalString("head"));
    GOV_ASSIGN_OR_RETURN(m.seen_at, r.Int("seen_at"));
    GOV_ASSIGN_OR_RETURN(const nlohmann::json* changes, r.Member("change_count", false));
    if (!changes->is_null()) {
      GOV_ASSIGN_OR_RETURN(m.change_count, r.Int("change_count"));
      GOV_ASSIGN_OR_RETURN(m.change_head, r.OptionalString("change_head"));
      GOV_ASSIGN_OR_RETURN(m.revocations, r.StringList("revocations", true));
    }
    return std::optional<LedgerMark>(m);
  }

  Status RecordSeen(const LedgerMark& mark) override {
    GOV_ASSIGN_OR_RETURN(std::optional<LedgerMark> kept, LastSeen());
    LedgerMark merged = kept.value_or(LedgerMark());
    merged.Merge(mark);
    if (kept && kept->size == merged.size && kept->head == merged.head &&
        kept->change_count == merged.change_count && kept->revocations == merged.revocations) {
      return Status();  // nothing new: no write
    }
    GOV_RETURN_IF_ERROR(EnsureDir());
    return WriteFileAtomic(SeenPath(),
                           nlohmann::json({{"size", merged.size},
                                           {"head", merged.head},
                                           {"seen_at", merged.seen_at},
                                           {"change_count", merged.change_count},
                                           {"change_head", merged.change_head},
                                           {"revocations", merged.revocations}})
                                   .dump() + "\n",
                           0644);
  }

 private:
  std::string RootPath() const { return (std::filesystem::path(dir_) / "root.json").string(); }
  std::string SeenPath() const { return (std::filesystem::path(dir_) / "seen.json").string(); }
  std::string AdvancedPath(std::string_view pinned_text) const {
    return (std::filesystem::path(dir_) /
            ("root-from-" + Sha256DigestOf(pinned_text).substr(7, 16) + ".json"))
        .string();
  }
  Status EnsureDir() const {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return ErrnoToStatus(ec.value(), "create trust directory", dir_);
    ::chmod(dir_.c_str(), 0700);
    return Status();
  }

  const std::string dir_;
  const std::string pinned_file_;
};

}  // namespace

void LedgerMark::Merge(const LedgerMark& other) {
  if (other.size > size || (other.size == size && head.empty())) {
    size = other.size;
    head = other.head;
  }
  seen_at = std::max(seen_at, other.seen_at);
  if (other.change_count > change_count) {
    change_count = other.change_count;
    change_head = other.change_head;
  }
  std::vector<std::string> all = revocations;
  all.insert(all.end(), other.revocations.begin(), other.revocations.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  revocations = std::move(all);
}

std::shared_ptr<TrustStore> PinnedTrust(Envelope root) {
  return std::make_shared<MemoryTrust>(std::move(root));
}

StatusOr<std::shared_ptr<TrustStore>> OpenTrustDirectory(const std::string& dir,
                                                         const std::string& pinned_file) {
  if (dir.empty()) return InvalidArgumentError("no trust directory given");
  return std::shared_ptr<TrustStore>(std::make_shared<DirectoryTrust>(dir, pinned_file));
}

}  // namespace governance
