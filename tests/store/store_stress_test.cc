// Concurrency, crash and restart tests: several store_worker processes run
// the workload of store_workload.h against one SQLite file or PostgreSQL
// schema, and afterwards the store must hold exactly what the workers were
// told was stored, as whole actions, under a ledger that verifies.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "governance/store.h"
#include "store_backends.h"
#include "store_workload.h"

namespace governance {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

pid_t SpawnWorker(const std::string& url, const std::string& log, int id, int duration_ms,
                  uint64_t seed, int min_acks = 0, const std::string& resume_file = "") {
  std::vector<std::string> args = {GOV_STORE_WORKER,
                                   url,
                                   log,
                                   std::to_string(id),
                                   std::to_string(duration_ms),
                                   std::to_string(seed),
                                   std::to_string(min_acks)};
  if (!resume_file.empty()) args.push_back(resume_file);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  return pid;
}

// Waits for a worker; true when it exited 0.
bool WaitWorker(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct Ack {
  std::string kind, subject, extra;
  int64_t ms = 0;
};

// Everything the workers' logs say.
struct WorkerLogs {
  std::map<std::string, Ack> acked;  // action → what was acknowledged
  int duplicates_refused = 0;
  std::vector<std::string> broken;   // "bad" lines
  std::vector<std::string> errors;   // "error" lines
  std::set<std::string> unknown_outcome;  // actions whose commit outcome is unknown
};

WorkerLogs ReadLogs(const std::vector<std::string>& files) {
  WorkerLogs logs;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string tag;
      Ack a;
      std::string action;
      words >> tag >> a.ms;
      if (tag == "ok") {
        words >> a.kind >> action >> a.subject >> a.extra;
        CHECK_MESSAGE(logs.acked.emplace(action, a).second, "acknowledged twice: " << line);
      } else if (tag == "dup") {
        ++logs.duplicates_refused;
      } else if (tag == "bad") {
        logs.broken.push_back(line);
      } else if (tag == "error") {
        std::string kind, code;
        words >> kind >> action >> code;
        if (code == "DEADLINE_EXCEEDED") logs.unknown_outcome.insert(action);
        logs.errors.push_back(line);
      } else {
        FAIL("unreadable worker log line: " << line);
      }
    }
  }
  return logs;
}

const std::map<std::string, std::string>& LedgerTypeOfKind() {
  static const std::map<std::string, std::string> kTypes = {
      {"enrol", "key.enrolled"},       {"issue", "approval.issued"},
      {"cosign", "approval.cosigned"}, {"deploy", "deploy.allowed"},
      {"revoke", "approval.revoked"},  {"append", "test.event"}};
  return kTypes;
}

struct Audit {
  int64_t ledger_entries = 0;
  int64_t signatures = 0;
  int64_t deployments = 0;
  std::set<std::string> unacknowledged;  // actions in the ledger the logs do not report
};

// Opens the store afresh and checks it against the logs: the ledger verifies;
// each row has its action's ledger entry and each entry its rows (actions are
// whole); no action is stored twice; every acknowledged action is stored;
// signatures verify and are distinct per approval. With `exact`, nothing
// unacknowledged is stored and each approval has exactly the acknowledged
// co-signatures.
Audit AuditStore(const std::string& url, const WorkerLogs& logs, bool exact) {
  StoreOptions options;
  options.ledger_key = testing::WorkloadLedgerKey();
  auto store = OpenStore(url, std::move(options));
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  Audit audit;
  Status read = (*store)->Read([&](StoreTransaction& t) -> Status {
    GOV_ASSIGN_OR_RETURN(auto entries, t.ReadLedger());
    GOV_ASSIGN_OR_RETURN(auto approvals, t.ListApprovals());
    GOV_ASSIGN_OR_RETURN(auto keys, t.ListKeys());
    GOV_ASSIGN_OR_RETURN(auto revocations, t.ListRevocations());
    GOV_ASSIGN_OR_RETURN(auto staging, t.DeploymentHistory(testing::kSharedModel, "staging"));
    GOV_ASSIGN_OR_RETURN(auto production,
                         t.DeploymentHistory(testing::kSharedModel, "production"));
    audit.ledger_entries = static_cast<int64_t>(entries.size());

    LedgerVerification v = VerifyLedger(entries, {testing::WorkloadLedgerKey().public_key()});
    CHECK_MESSAGE(v.ok, "entry " << v.first_bad_sequence << ": " << v.reason);

    // The ledger, by action; (type, subject, keyid/deployment) for the rows.
    std::map<std::string, const LedgerEntry*> by_action;
    std::set<std::pair<std::string, std::string>> issued, revoked;
    std::set<std::tuple<std::string, std::string>> cosigned;  // (approval, keyid)
    std::set<int64_t> deployed;
    for (const auto& e : entries) {
      auto details = nlohmann::json::parse(e.details);
      const std::string action = details.value("action", "");
      CHECK_MESSAGE(by_action.emplace(action, &e).second, "action stored twice: " << action);
      if (e.type == "approval.issued") issued.insert({e.subject, details.value("keyid", "")});
      if (e.type == "approval.revoked") revoked.insert({e.subject, ""});
      if (e.type == "approval.cosigned") cosigned.insert({e.subject, details.value("keyid", "")});
      if (e.type == "deploy.allowed") deployed.insert(details.value("deployment_id", int64_t{0}));
    }

    // Approvals and their signatures.
    std::map<std::string, PublicKey> key_by_id;
    for (const auto& k : keys) {
      auto pub = PublicKey::FromPem(k.public_key_pem, "stored key");
      REQUIRE(pub.ok());
      key_by_id.emplace(k.keyid, *pub);
    }
    std::set<std::pair<std::string, std::string>> issued_rows;
    std::set<std::tuple<std::string, std::string>> cosign_rows;
    for (const auto& a : approvals) {
      REQUIRE_FALSE(a.envelope.signatures.empty());
      issued_rows.insert({a.approval_id, a.envelope.signatures[0].keyid});
      std::set<std::string> distinct;
      for (size_t i = 0; i < a.envelope.signatures.size(); ++i) {
        const auto& sig = a.envelope.signatures[i];
        CHECK_MESSAGE(distinct.insert(sig.keyid).second,
                      a.approval_id << " holds two signatures by " << sig.keyid);
        auto key = key_by_id.find(sig.keyid);
        CHECK_MESSAGE(key != key_by_id.end(), a.approval_id << ": key not enrolled " << sig.keyid);
        if (key != key_by_id.end()) {
          CHECK_MESSAGE(VerifySignature(a.envelope, sig, key->second),
                        a.approval_id << ": signature by " << sig.keyid << " does not verify");
        }
        if (i > 0) cosign_rows.insert({a.approval_id, sig.keyid});
      }
      audit.signatures += static_cast<int64_t>(a.envelope.signatures.size());
    }
    CHECK(issued_rows == issued);
    CHECK(cosign_rows == cosigned);

    std::set<std::pair<std::string, std::string>> revoked_rows;
    for (const auto& r : revocations) revoked_rows.insert({r.target, ""});
    CHECK(revoked_rows == revoked);

    std::set<int64_t> deployment_rows;
    for (const auto* list : {&staging, &production}) {
      for (const auto& d : *list) deployment_rows.insert(d.id);
    }
    audit.deployments = static_cast<int64_t>(deployment_rows.size());
    CHECK(deployment_rows == deployed);
    if (!deployment_rows.empty()) {
      CHECK(*deployment_rows.rbegin() == static_cast<int64_t>(deployment_rows.size()));
    }

    // Every acknowledged action is stored, as what was acknowledged.
    std::map<std::string, int> acked_cosigns;
    for (const auto& [action, ack] : logs.acked) {
      auto it = by_action.find(action);
      if (it == by_action.end()) {
        FAIL_CHECK("acknowledged action lost: " << action << " (" << ack.kind << ")");
        continue;
      }
      CHECK(it->second->type == LedgerTypeOfKind().at(ack.kind));
      CHECK(it->second->subject == (ack.kind == "enrol" || ack.kind == "append"
                                        ? it->second->subject
                                        : ack.subject));
      if (ack.kind == "deploy") {
        CHECK(nlohmann::json::parse(it->second->details).value("deployment_id", int64_t{0}) ==
              std::stoll(ack.extra));
      }
      if (ack.kind == "cosign") ++acked_cosigns[ack.subject];
    }
    for (const auto& [action, entry] : by_action) {
      if (action.rfind("setup-", 0) != 0 && logs.acked.count(action) == 0) {
        audit.unacknowledged.insert(action);
      }
    }
    if (exact) {
      CHECK(audit.unacknowledged.empty());
      for (const auto& a : approvals) {
        CHECK_MESSAGE(static_cast<int>(a.envelope.signatures.size()) ==
                          1 + acked_cosigns[a.approval_id],
                      a.approval_id);
      }
    }
    return Status();
  });
  CHECK_MESSAGE(read.ok(), read.ToString());
  return audit;
}

// A fresh, migrated and seeded database per backend the workload runs on.
std::vector<std::pair<std::string, std::function<std::string()>>> WorkloadDatabases(
    testing::TempDir& dir) {
  std::vector<std::pair<std::string, std::function<std::string()>>> out;
  out.push_back({"sqlite", [&dir] { return "sqlite:" + dir / "workload.db"; }});
  if (auto base = testing::PostgresTestUrl()) {
    out.push_back({"postgresql", [base] { return testing::NewPostgresSchema(*base); }});
  }
  return out;
}

std::string SeededStore(const std::function<std::string()>& fresh) {
  const std::string url = fresh();
  StoreOptions options;
  options.ledger_key = testing::WorkloadLedgerKey();
  auto store = OpenStore(url, std::move(options));
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  REQUIRE((*store)->Migrate().ok());
  Status seeded = testing::SeedWorkloadStore(**store);
  REQUIRE_MESSAGE(seeded.ok(), seeded.ToString());
  return url;
}

TEST_CASE("8 worker processes at once: every acknowledged action is stored exactly once") {
  // Each worker runs at least 3 s and until it has 130 acknowledged actions
  // (over 1,000 in all), so a slow disk lengthens the test instead of failing it.
  constexpr int kWorkers = 8;
  constexpr int kDurationMs = 3000;
  constexpr int kMinAcksPerWorker = 130;
  testing::TempDir dir;
  for (const auto& [name, fresh] : WorkloadDatabases(dir)) {
    SUBCASE(name.c_str()) {
      const std::string url = SeededStore(fresh);
      std::vector<std::string> logs;
      std::vector<pid_t> pids;
      auto start = Clock::now();
      for (int i = 0; i < kWorkers; ++i) {
        logs.push_back(dir / (name + "-w" + std::to_string(i) + ".log"));
        pids.push_back(
            SpawnWorker(url, logs.back(), i, kDurationMs, 1000 + i, kMinAcksPerWorker));
      }
      for (pid_t pid : pids) CHECK(WaitWorker(pid));
      double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      WorkerLogs got = ReadLogs(logs);
      CHECK(got.broken.empty());
      CHECK_MESSAGE(got.errors.empty(), (got.errors.empty() ? "" : got.errors.front()));
      CHECK(got.acked.size() >= kWorkers * kMinAcksPerWorker);
      CHECK(got.duplicates_refused > 0);
      Audit audit = AuditStore(url, got, /*exact=*/true);
      CHECK(audit.ledger_entries ==
            static_cast<int64_t>(got.acked.size()) + testing::kSharedApprovals);
      MESSAGE(name << ": " << kWorkers << " processes, " << got.acked.size()
                   << " acknowledged actions (+" << got.duplicates_refused
                   << " duplicate co-signatures refused) in " << seconds << " s; "
                   << audit.signatures << " signatures, " << audit.deployments
                   << " deployments, " << audit.ledger_entries << " ledger entries");
    }
  }
}

TEST_CASE("workers killed with SIGKILL mid-write leave whole actions and a verifiable ledger") {
  constexpr int kRounds = 18;
  constexpr int kWorkersPerRound = 2;
  testing::TempDir dir;
  for (const auto& [name, fresh] : WorkloadDatabases(dir)) {
    SUBCASE(name.c_str()) {
      const std::string url = SeededStore(fresh);
      std::mt19937_64 rng(42);
      std::vector<std::string> logs;
      int kills = 0;
      auto start = Clock::now();
      for (int round = 0; round < kRounds; ++round) {
        std::vector<pid_t> pids;
        for (int j = 0; j < kWorkersPerRound; ++j) {
          int id = round * kWorkersPerRound + j;
          logs.push_back(dir / (name + "-k" + std::to_string(id) + ".log"));
          pids.push_back(SpawnWorker(url, logs.back(), id, 60'000, 7000 + id));
        }
        for (pid_t pid : pids) {
          std::this_thread::sleep_for(std::chrono::milliseconds(
              std::uniform_int_distribution<int>(40, 300)(rng)));
          REQUIRE(::kill(pid, SIGKILL) == 0);
          int status = 0;
          REQUIRE(::waitpid(pid, &status, 0) == pid);
          CHECK(WIFSIGNALED(status));
          ++kills;
        }
        // After every round the store must open, verify and be whole.
        WorkerLogs got = ReadLogs(logs);
        CHECK(got.broken.empty());
        Audit audit = AuditStore(url, got, /*exact=*/false);
        // Only an action in flight at a kill may be stored but unacknowledged.
        CHECK(static_cast<int>(audit.unacknowledged.size()) <= kills);
      }
      double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      WorkerLogs got = ReadLogs(logs);
      Audit audit = AuditStore(url, got, /*exact=*/false);
      CHECK(got.acked.size() >= static_cast<size_t>(kills));
      MESSAGE(name << ": " << kills << " SIGKILLs in " << seconds << " s; "
                   << got.acked.size() << " acknowledged actions all stored, "
                   << audit.unacknowledged.size()
                   << " committed but killed before acknowledging; ledger of "
                   << audit.ledger_entries << " entries verifies");
    }
  }
}

TEST_CASE("PostgreSQL restarted mid-run: clients retry or say so, nothing acknowledged is lost") {
  std::optional<std::string> base = testing::PostgresTestUrl();
  if (!base) return;  // PostgresTestUrl failed the test if PostgreSQL is required
  const char* restart = std::getenv("MGOV_TEST_PG_RESTART_CMD");
  REQUIRE_MESSAGE(restart != nullptr,
                  "MGOV_TEST_PG_RESTART_CMD is not set: run through scripts/with-postgres.sh");
  constexpr int kWorkers = 4;
  constexpr int kRestarts = 2;
  testing::TempDir dir;
  const std::string url = SeededStore([&] { return testing::NewPostgresSchema(*base); });
  std::vector<std::string> logs;
  std::vector<pid_t> pids;
  for (int i = 0; i < kWorkers; ++i) {
    logs.push_back(dir / ("r" + std::to_string(i) + ".log"));
    pids.push_back(SpawnWorker(url, logs.back(), i, 12000, 500 + i, 0, dir / "resume"));
  }
  int64_t back_at_ms = 0;
  for (int r = 0; r < kRestarts; ++r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(std::system(restart) == 0);
    back_at_ms = NowMs();
  }
  REQUIRE(std::ofstream(dir / "resume").good());
  for (pid_t pid : pids) CHECK(WaitWorker(pid));
  WorkerLogs got = ReadLogs(logs);
  CHECK(got.broken.empty());
  // Every error names the failure; none is a silent wrong answer.
  for (const auto& e : got.errors) {
    CHECK_MESSAGE((e.find(" UNAVAILABLE ") != std::string::npos ||
                   e.find(" DEADLINE_EXCEEDED ") != std::string::npos),
                  e);
  }
  // Each worker got going again after the last restart.
  std::map<std::string, int> after;
  for (const auto& [action, ack] : got.acked) {
    if (ack.ms > back_at_ms) ++after[action.substr(0, action.find('-'))];
  }
  CHECK(after.size() == static_cast<size_t>(kWorkers));
  Audit audit = AuditStore(url, got, /*exact=*/false);
  // Stored but unacknowledged only where the client was told it cannot know.
  for (const auto& action : audit.unacknowledged) {
    CHECK_MESSAGE(got.unknown_outcome.count(action) == 1, action);
  }
  MESSAGE("postgresql: " << kRestarts << " restarts under " << kWorkers << " workers; "
                         << got.acked.size() << " acknowledged actions all stored, "
                         << got.errors.size() << " reported errors, "
                         << audit.unacknowledged.size() << " stored with unknown outcome");
}

}  // namespace
}  // namespace governance
