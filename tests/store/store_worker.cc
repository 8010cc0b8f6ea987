// store_worker: one process of the store workload (see store_workload.h).
//
//   store_worker STORE_URL LOG_FILE WORKER_ID DURATION_MS SEED [MIN_ACKS]
//
// Runs random actions against the store until DURATION_MS have passed and
// the store has acknowledged at least MIN_ACKS of them (default 0), but never
// for more than a minute past DURATION_MS, and logs each outcome to LOG_FILE.
// Exits 0, or 2 when it cannot start.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "governance/store.h"
#include "store_workload.h"

namespace governance::testing {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Worker {
 public:
  Worker(Store& store, int log_fd, int id, uint64_t seed, PrivateKey key)
      : store_(store), log_fd_(log_fd), id_(id), rng_(seed), key_(std::move(key)) {}

  // Enrols the worker's own key (action "w<id>-enrol").
  Status Enrol() {
    const std::string action = Me() + "-enrol";
    Status s = store_.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.PutKey(WorkloadKeyRecord(key_, Me())));
      return t.AppendLedger({"key.enrolled", Me(), key_.keyid(), {{"action", action}}}).status();
    });
    if (s.ok()) Ok("enrol", action, key_.keyid(), "-");
    return s;
  }

  int acked() const { return acked_; }

  void Step() {
    const std::string action = Me() + "-" + std::to_string(++n_);
    const int r = Pick(100);
    if (r < 15) return Issue(action);
    if (r < 55) return Cosign(action);
    if (r < 62 && !cosigned_.empty()) return Duplicate(action);
    if (r < 82) return Deploy(action);
    if (r < 90 && !issued_.empty()) return Revoke(action);
    return Append(action);
  }

 private:
  std::string Me() const { return "w" + std::to_string(id_); }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  void Log(const std::string& line) {
    std::string text = line + "\n";
    // One write per line: the kernel keeps it even if the process dies next.
    if (::write(log_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      std::perror("store_worker: write log");
      std::_Exit(3);
    }
  }
  void Ok(const std::string& kind, const std::string& action, const std::string& subject,
          const std::string& extra) {
    ++acked_;
    Log("ok " + std::to_string(NowMs()) + " " + kind + " " + action + " " + subject + " " +
        extra);
  }
  void Failed(const std::string& kind, const std::string& action, const Status& s) {
    std::string msg = s.message();
    for (char& c : msg) {
      if (c == '\n') c = ' ';
    }
    Log("error " + std::to_string(NowMs()) + " " + kind + " " + action + " " +
        std::string(StatusCodeName(s.code())) + " " + msg);
  }

  void Issue(const std::string& action) {
    const std::string id = "a-" + action;
    Status s = store_.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.PutApproval(WorkloadApproval(id, key_)));
      return t.AppendLedger({"approval.issued", Me(), id,
                             {{"action", action}, {"keyid", key_.keyid()}}})
          .status();
    });
    if (!s.ok()) return Failed("issue", action, s);
    issued_.push_back(id);
    Ok("issue", action, id, key_.keyid());
  }

  void Cosign(const std::string& action) {
    const std::string id = SharedApprovalId(Pick(kSharedApprovals));
    auto key = GeneratePrivateKey();
    if (!key.ok()) return Failed("cosign", action, key.status());
    Envelope env{std::string(kInTotoPayloadType), WorkloadPayload(id), {}};
    AddSignature(env, *key);
    Status s = store_.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.PutKey(WorkloadKeyRecord(*key, Me())));
      GOV_RETURN_IF_ERROR(t.AddApprovalSignature(id, env.signatures[0]));
      return t.AppendLedger({"approval.cosigned", Me(), id,
                             {{"action", action}, {"keyid", key->keyid()}}})
          .status();
    });
    if (!s.ok()) return Failed("cosign", action, s);
    cosigned_.push_back({id, env.signatures[0]});
    Ok("cosign", action, id, key->keyid());
  }

  void Duplicate(const std::string& action) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const auto& picked = cosigned_[static_cast<size_t>(Pick(static_cast<int>(cosigned_.size())))];
    const std::string& id = picked.first;
    const auto& sig = picked.second;
    Status s = store_.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.AppendLedger({"approval.cosigned", Me(), id,
                                          {{"action", action}, {"keyid", sig.keyid}}})
                              .status());
      return t.AddApprovalSignature(id, sig);
    });
    if (s.code() == StatusCode::kAlreadyExists) {
      return Log("dup " + std::to_string(NowMs()) + " " + id + " " + sig.keyid);
    }
    if (s.ok()) return Log("bad " + std::to_string(NowMs()) + " duplicate accepted " + action);
    Failed("dup", action, s);
  }

  void Deploy(const std::string& action) {
    const std::string approval = SharedApprovalId(Pick(kSharedApprovals));
    Deployment d;
    d.environment = Pick(2) == 0 ? "staging" : "production";
    d.model_id = kSharedModel;
    d.model_version = "1";
    d.approval_id = approval;
    d.artifact_digest = "sha256:" + std::string(64, 'c');
    d.deployed_by = Me();
    d.deployed_at = 1;
    d.kind = "deploy";
    int64_t deployment_id = 0;
    Status s = store_.Transact([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(deployment_id, t.AddDeployment(d));
      return t.AppendLedger({"deploy.allowed", Me(), approval,
                             {{"action", action}, {"deployment_id", deployment_id}}})
          .status();
    });
    if (!s.ok()) return Failed("deploy", action, s);
    Ok("deploy", action, approval, std::to_string(deployment_id));
  }

  void Revoke(const std::string& action) {
    const std::string id = issued_.back();
    Status s = store_.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(
          t.PutRevocation({Revocation::Kind::kApproval, id, "workload", Me(), 1, {}, {}}));
      return t.AppendLedger({"approval.revoked", Me(), id, {{"action", action}}}).status();
    });
    if (!s.ok()) return Failed("revoke", action, s);
    issued_.pop_back();
    Ok("revoke", action, id, "-");
  }

  void Append(const std::string& action) {
    Status s = store_.Transact([&](StoreTransaction& t) {
      return t.AppendLedger({"test.event", Me(), "-", {{"action", action}}}).status();
    });
    if (!s.ok()) return Failed("append", action, s);
    Ok("append", action, "-", "-");
  }

  Store& store_;
  const int log_fd_;
  const int id_;
  std::mt19937_64 rng_;
  const PrivateKey key_;
  int n_ = 0;
  int acked_ = 0;
  std::vector<std::string> issued_;  // not yet revoked
  std::vector<std::pair<std::string, EnvelopeSignature>> cosigned_;
};

int Main(int argc, char** argv) {
  if (argc < 6 || argc > 8) {
    std::fprintf(stderr,
                 "usage: store_worker STORE_URL LOG_FILE WORKER_ID DURATION_MS SEED [MIN_ACKS "
                 "[RESUME_FILE]]\n");
    return 2;
  }
  const int id = std::atoi(argv[3]);
  const int64_t deadline = NowMs() + std::atoll(argv[4]);
  const int64_t hard_deadline = deadline + 60'000;
  const int min_acks = argc >= 7 ? std::atoi(argv[6]) : 0;
  // Once RESUME_FILE exists (the test made it after its last fault), the
  // worker also keeps going until it has acknowledged one more action, so a
  // slow machine cannot make "it got going again" untestable.
  const char* resume_file = argc == 8 ? argv[7] : nullptr;
  int fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::perror(argv[2]);
    return 2;
  }
  StoreOptions options;
  options.ledger_key = WorkloadLedgerKey();
  auto store = OpenStore(argv[1], std::move(options));
  auto key = GeneratePrivateKey();
  if (!store.ok() || !key.ok()) {
    std::fprintf(stderr, "store_worker: %s\n",
                 (store.ok() ? key.status() : store.status()).ToString().c_str());
    return 2;
  }
  Worker worker(**store, fd, id, std::strtoull(argv[5], nullptr, 10), std::move(*key));
  Status enrolled = worker.Enrol();
  if (!enrolled.ok()) {
    std::fprintf(stderr, "store_worker: %s\n", enrolled.ToString().c_str());
    return 2;
  }
  int acked_at_resume = -1;
  auto waiting_to_resume = [&] {
    if (resume_file == nullptr) return false;
    if (acked_at_resume < 0) {
      if (::access(resume_file, F_OK) != 0) return true;
      acked_at_resume = worker.acked();
    }
    return worker.acked() <= acked_at_resume;
  };
  for (int64_t now = NowMs();
       (now < deadline || worker.acked() < min_acks || waiting_to_resume()) && now < hard_deadline;
       now = NowMs()) {
    worker.Step();
  }
  ::close(fd);
  return 0;
}

}  // namespace
}  // namespace governance::testing

int main(int argc, char** argv) { return governance::testing::Main(argc, argv); }
