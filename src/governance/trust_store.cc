// Where a host keeps what it trusts (trust.h): in memory, or in a directory
// outside the store.
#include <sys/stat.h>

#include <filesystem>
#include <mutex>

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
    if (!seen_ || mark.size >= seen_->size) seen_ = mark;
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
    return *env;
  }

  Status AdvanceRoot(const Envelope& newer) override {
    if (!pinned_file_.empty()) return Status();  // a file the user pinned is never rewritten
    GOV_RETURN_IF_ERROR(EnsureDir());
    return WriteFileAtomic(RootPath(), EnvelopeToJson(newer) + "\n", 0644);
  }

  StatusOr<std::optional<LedgerMark>> LastSeen() override {
    const std::string path = SeenPath();
    if (!std::filesystem::exists(path)) return std::optional<LedgerMark>();
    GOV_ASSIGN_OR_RETURN(nlohmann::json j, LoadDocument(path));
    JsonReader r(j, path);
    LedgerMark m;
    GOV_ASSIGN_OR_RETURN(m.size, r.Int("size"));
    GOV_ASSIGN_OR_RETURN(m.head, r.String("head"));
    GOV_ASSIGN_OR_RETURN(m.seen_at, r.Int("seen_at"));
    return std::optional<LedgerMark>(m);
  }

  Status RecordSeen(const LedgerMark& mark) override {
    GOV_ASSIGN_OR_RETURN(std::optional<LedgerMark> kept, LastSeen());
    if (kept && kept->size > mark.size) return Status();
    if (kept && kept->size == mark.size && kept->head == mark.head) return Status();
    GOV_RETURN_IF_ERROR(EnsureDir());
    return WriteFileAtomic(
        SeenPath(),
        nlohmann::json({{"size", mark.size}, {"head", mark.head}, {"seen_at", mark.seen_at}})
                .dump() + "\n",
        0644);
  }

 private:
  std::string RootPath() const { return (std::filesystem::path(dir_) / "root.json").string(); }
  std::string SeenPath() const { return (std::filesystem::path(dir_) / "seen.json").string(); }
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

std::shared_ptr<TrustStore> PinnedTrust(Envelope root) {
  return std::make_shared<MemoryTrust>(std::move(root));
}

StatusOr<std::shared_ptr<TrustStore>> OpenTrustDirectory(const std::string& dir,
                                                         const std::string& pinned_file) {
  if (dir.empty()) return InvalidArgumentError("no trust directory given");
  return std::shared_ptr<TrustStore>(std::make_shared<DirectoryTrust>(dir, pinned_file));
}

}  // namespace governance
