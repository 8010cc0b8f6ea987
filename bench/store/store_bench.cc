// store_bench: store throughput with several client processes.
//
//   store_bench STORE_URL CLIENTS SECONDS
//
// Migrates the store, enrols two approver keys, then measures two phases,
// each with CLIENTS forked processes running for SECONDS:
//   issue+cosign  one transaction puts an approval signed by the first key
//                 and its ledger entry; a second adds the co-signature of the
//                 second key and its ledger entry (what `mgov approve` and
//                 `mgov cosign` write)
//   gate          one read-only transaction reads an approval, its
//                 signatures, its approval and model revocations and the
//                 signers' keys, then verifies every signature (the store
//                 side of the serving gate)
// and prints one line: "<backend> <clients> <issue+cosign per s> <gates per s>".
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include "governance/store.h"

namespace governance {
namespace {

using Clock = std::chrono::steady_clock;

KeyRecord Approver(const PrivateKey& key, const std::string& identity) {
  KeyRecord k;
  k.keyid = key.keyid();
  k.identity = identity;
  k.roles = {Role::kApprover};
  k.public_key_pem = key.public_key().ToPem();
  k.enrolled_at = 1;
  return k;
}

StoreOptions Options() {
  StoreOptions o;
  o.ledger_key = *PrivateKey::FromSeed(std::string(32, '\x05'));
  return o;
}

void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "store_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(2);
}

// Issues and co-signs approvals until the deadline; returns how many.
int64_t IssueAndCosign(Store& store, int client, Clock::time_point deadline,
                       const PrivateKey& first, const PrivateKey& second) {
  int64_t done = 0;
  while (Clock::now() < deadline) {
    const std::string id = "bench-" + std::to_string(::getpid()) + "-" + std::to_string(done);
    ApprovalRecord a;
    a.approval_id = id;
    a.model_id = "model-" + std::to_string(client);
    a.model_version = "1";
    a.artifact_digest = "sha256:" + std::string(64, 'e');
    a.envelope = {std::string(kInTotoPayloadType), "{\"approval\":\"" + id + "\"}", {}};
    a.created_at = 1;
    AddSignature(a.envelope, first);
    Status s = store.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.PutApproval(a));
      return t.AppendLedger({"approval.issued", "alice", id, {}}).status();
    });
    if (!s.ok()) Die("issue", s);
    Envelope cosigned = a.envelope;
    AddSignature(cosigned, second);
    s = store.Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.AddApprovalSignature(id, cosigned.signatures.back()));
      return t.AppendLedger({"approval.cosigned", "bob", id, {}}).status();
    });
    if (!s.ok()) Die("cosign", s);
    ++done;
  }
  return done;
}

// Runs gate-like verifications of random approvals until the deadline.
int64_t Gate(Store& store, int client, Clock::time_point deadline,
             const std::vector<std::string>& ids) {
  std::mt19937_64 rng(static_cast<uint64_t>(client) + 1);
  int64_t done = 0;
  while (Clock::now() < deadline) {
    const std::string& id = ids[rng() % ids.size()];
    Status s = store.Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(ApprovalRecord a, t.GetApproval(id));
      GOV_ASSIGN_OR_RETURN(auto approval_revoked,
                           t.FindRevocation(Revocation::Kind::kApproval, id));
      GOV_ASSIGN_OR_RETURN(auto model_revoked,
                           t.FindRevocation(Revocation::Kind::kModel, a.model_id));
      if (approval_revoked || model_revoked) return FailedPreconditionError(id + " revoked");
      int verified = 0;
      for (const auto& sig : a.envelope.signatures) {
        GOV_ASSIGN_OR_RETURN(KeyRecord k, t.GetKey(sig.keyid));
        GOV_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::FromPem(k.public_key_pem, k.keyid));
        if (!k.revoked && VerifySignature(a.envelope, sig, pub)) ++verified;
      }
      if (verified < 2) return InternalError(id + ": quorum not met");
      return Status();
    });
    if (!s.ok()) Die("gate", s);
    ++done;
  }
  return done;
}

// Runs `work` in `clients` processes at once; returns operations per second.
template <typename Work>
double InProcesses(const std::string& url, int clients, int seconds, Work work) {
  std::vector<std::pair<pid_t, int>> children;
  const auto start = Clock::now() + std::chrono::milliseconds(300);  // all start together
  const auto deadline = start + std::chrono::seconds(seconds);
  for (int c = 0; c < clients; ++c) {
    int fds[2];
    if (::pipe(fds) != 0) std::exit(2);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      auto store = OpenStore(url, Options());
      if (!store.ok()) Die("open", store.status());
      std::this_thread::sleep_until(start);
      int64_t n = work(**store, c, deadline);
      if (::write(fds[1], &n, sizeof n) != sizeof n) std::_Exit(2);
      std::_Exit(0);
    }
    ::close(fds[1]);
    children.push_back({pid, fds[0]});
  }
  int64_t total = 0;
  for (auto [pid, fd] : children) {
    int64_t n = 0;
    if (::read(fd, &n, sizeof n) != sizeof n) std::exit(2);
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    total += n;
  }
  return static_cast<double>(total) / seconds;
}

int Main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: store_bench STORE_URL CLIENTS SECONDS\n");
    return 2;
  }
  const std::string url = argv[1];
  const int clients = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  auto first = GeneratePrivateKey();
  auto second = GeneratePrivateKey();
  std::vector<std::string> ids;
  {
    auto store = OpenStore(url, Options());
    if (!store.ok()) Die("open", store.status());
    if (Status s = (*store)->Migrate(); !s.ok()) Die("migrate", s);
    Status s = (*store)->Transact([&](StoreTransaction& t) -> Status {
      GOV_RETURN_IF_ERROR(t.PutKey(Approver(*first, "alice")));
      return t.PutKey(Approver(*second, "bob"));
    });
    if (!s.ok()) Die("enrol", s);
  }
  double issued = InProcesses(url, clients, seconds,
                              [&](Store& store, int c, Clock::time_point deadline) {
                                return IssueAndCosign(store, c, deadline, *first, *second);
                              });
  {
    auto store = OpenStore(url, Options());
    if (!store.ok()) Die("open", store.status());
    Status s = (*store)->Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(auto all, t.ListApprovals());
      for (const auto& a : all) {
        if (a.envelope.signatures.size() == 2) ids.push_back(a.approval_id);
      }
      return Status();
    });
    if (!s.ok() || ids.empty()) Die("list", s);
  }
  double gates = InProcesses(url, clients, seconds,
                             [&](Store& store, int c, Clock::time_point deadline) {
                               return Gate(store, c, deadline, ids);
                             });
  std::printf("%s %d %.0f %.0f\n", url.rfind("sqlite:", 0) == 0 ? "sqlite" : "postgresql",
              clients, issued, gates);
  return 0;
}

}  // namespace
}  // namespace governance

int main(int argc, char** argv) { return governance::Main(argc, argv); }
