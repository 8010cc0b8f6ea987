// Disk full, I/O errors and crashes at every point of a governed workload on
// SQLite: a clear error, nothing acknowledged lost, and a store that opens,
// verifies and works afterwards.
//
// FaultVfs (fault_vfs.h) is registered as the process's default SQLite VFS,
// so OpenStore goes through it with no test hook in the store. A governed
// store (PlanesFixture: root, admin, trainer, approvers, deployer) is built
// once and copied for every run. Reference runs of the workload (enrol,
// train, approve, co-sign, deploy, verify, roll back, revoke, ...) count the
// I/O calls it makes and what each action leaves in every table. Then each
// run arms one fault on a fresh copy, runs the workload until an action
// fails, and checks that
//   * the failing action returns INTERNAL naming the store file and SQLite's
//     error, and that the fault was injected (nothing else failed); or, for
//     a COMMIT that failed on I/O, DEADLINE_EXCEEDED, "may or may not have
//     been stored": only then may the action turn out stored after all;
//   * once the fault is gone, the same store takes a new action: the
//     connection is not wedged;
//   * reopened, the store holds every acknowledged action and the failed one
//     whole or not at all: every table and the ledger count exactly what the
//     reference run counted after k or k + 1 actions, and each acknowledged
//     action's ledger entries are where the reference run put them;
//   * the whole-store audit that `mgov ledger verify` runs passes, judged by
//     the run's own trust store, which remembers the ledger every
//     acknowledged action left (a lost acknowledged entry is a rollback);
//   * a new action on the reopened store succeeds.
// Crashes (the process dies, or the power fails and unsynced writes are
// lost) are checked the same way, without the first new action: nothing of
// the dead process runs again.
//
// The store runs in WAL mode; a FaultVfs without shared memory makes SQLite
// keep a rollback journal instead, the mode a store gets where WAL is
// unavailable, and the same checks run there.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fault_vfs.h"
#include "governance/integrity.h"
#include "planes_fixture.h"

namespace governance {
namespace {

using testing::CrashKind;
using testing::Fault;
using testing::FaultOp;
using testing::FaultVfs;

// Past the fixture's setup, well inside the snapshot's freshness window.
constexpr int64_t kNow = testing::kT0 + 60;

// Rows per table, "ledger" included.
using Counts = std::map<std::string, int64_t>;

std::string Describe(const Counts& counts) {
  std::ostringstream out;
  for (const auto& [table, rows] : counts) out << table << "=" << rows << " ";
  return out.str();
}

std::string Describe(const IntegrityReport& r) {
  std::string out = r.ledger.ok ? "" : "ledger: " + r.ledger.reason + "; ";
  if (!r.trust_problem.empty()) out += "trust: " + r.trust_problem + "; ";
  if (!r.snapshot_problem.empty()) out += "snapshot: " + r.snapshot_problem + "; ";
  for (const auto& p : r.problems) out += p.table + ": " + p.what + "; ";
  return out;
}

// The journal mode the database file says it is in: bytes 18 and 19 of its
// header are 2 for WAL, 1 for a rollback journal.
int FileFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[20] = {};
  in.read(header, sizeof header);
  return header[18] == header[19] ? header[18] : -1;
}

// A run's store and what its actions created, for the actions after them.
struct Session {
  std::unique_ptr<Store> store;
  PlaneOptions planes;
  std::optional<SignedTrainingOutput> v1, v2;
  std::string approval1, approval2;
};

struct Action {
  std::string name;
  std::function<Status(Session&)> run;
};

// An action the planes refused rather than failed: never right in this
// workload, and never what a fault may turn into (a fault fails, it does not deny).
Status Refused(const std::string& why) { return FailedPreconditionError("refused: " + why); }

Status Promoted(const StatusOr<PromotionResult>& r) {
  if (!r.ok()) return r.status();
  if (!r->promoted) return Refused(r->FirstFailure() ? r->FirstFailure()->reason : "not promoted");
  return Status();
}

Status Applied(const StatusOr<ChangeOutcome>& r) {
  if (!r.ok()) return r.status();
  return r->applied ? Status() : Refused("change " + r->change_id + " not applied");
}

// What became of the runs of one kind of fault.
struct Tally {
  int runs = 0;
  int failed = 0;     // an action failed
  int whole = 0;      // ... and was found stored whole afterwards
  int absorbed = 0;   // the fault fired but every action succeeded
  int unreached = 0;  // the fault point lay beyond this run's I/O
};

class FaultHarness {
 public:
  explicit FaultHarness(FaultVfs::Options options)
      : vfs_(options), dave_(*PrivateKey::FromSeed(std::string(32, '\x44'))) {
    template_db_ = fixture_.dir_ / "template.db";
    run_db_ = fixture_.dir_ / "run.db";
    // Closing checkpoints a WAL into the database: the template is one file.
    fixture_.store_.reset();
    std::filesystem::copy_file(fixture_.db_path_, template_db_);
    actions_ = Workload();
    Reference();
  }

  FaultVfs& vfs() { return vfs_; }
  const std::string& template_db() const { return template_db_; }
  int64_t workload_calls(FaultOp op) const { return calls_.at(op); }
  int64_t workload_changes() const { return changes_; }
  const Tally& tally(const std::string& kind) { return tallies_[kind]; }

  // What happens once the armed fault has done its work.
  enum class Then {
    kRecover,  // the fault goes away; the same store must work again
    kCrashed,  // the fault was a crash: the machine comes back
    kDie,      // the process dies right after the first failed action
    kClose,    // the store is closed while the fault lasts, then it goes away
  };

  // One fault point: a fresh copy, `arm` right after opening, the workload,
  // then every check, counted under `kind`. `sqlite_error` is SQLite's
  // message for the fault.
  void Run(const std::string& kind, int64_t point, const std::function<void()>& arm, Then then,
           const std::string& sqlite_error) {
    INFO(kind << " #" << point);
    Tally& tally = tallies_[kind];
    ++tally.runs;
    FreshCopy();
    vfs_.ResetCounts();
    Session s = Open();
    arm();
    int acknowledged = 0;
    Status failure;
    for (const Action& a : actions_) {
      failure = RunAction(a, s);
      if (!failure.ok()) {
        INFO("failed action: " << a.name << ": " << failure.ToString());
        // A clear error: the store's file and what SQLite said, with a code
        // that says "not done" (INTERNAL) or, for a COMMIT that may yet be
        // recovered, "not known" (DEADLINE_EXCEEDED); never "not allowed".
        CHECK((failure.code() == StatusCode::kInternal ||
               failure.code() == StatusCode::kDeadlineExceeded));
        CHECK(failure.message().find("SQLite " + run_db_ + ": " + sqlite_error) !=
              std::string::npos);
        if (failure.code() == StatusCode::kDeadlineExceeded) {
          CHECK(failure.message().find("(in: COMMIT): the change may or may not have been "
                                       "stored") != std::string::npos);
        }
        CHECK((vfs_.injected() > 0 || vfs_.crashed()));
        break;
      }
      ++acknowledged;
    }
    if (then == Then::kClose) s.store.reset();
    vfs_.Disarm();
    if (then == Then::kDie) {
      vfs_.ArmCrash({INT64_MAX, CrashKind::kProcessDeath});
      vfs_.CrashNow();
    }
    int probes = 0;
    if (then == Then::kRecover) {
      // The fault is gone: the same store works again, without a reopen.
      Status again = Probe(s);
      CHECK_MESSAGE(again.ok(), "the store stays broken after the fault: " << again.ToString());
      if (again.ok()) ++probes;
    }
    s.store.reset();  // after a crash this only closes dead handles
    const bool crashed = vfs_.crashed();
    if (crashed) REQUIRE(vfs_.PowerOn());
    if (!failure.ok()) {
      ++tally.failed;
    } else if (vfs_.injected() > 0 || (crashed && then == Then::kCrashed)) {
      ++tally.absorbed;
    } else {
      ++tally.unreached;
    }
    auto reopened = OpenRunStore();
    REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
    s.store = std::move(*reopened);

    // Every acknowledged action, and the failed one whole or not at all.
    const Counts got = CountAll(*s.store);
    const bool without = got == Expected(acknowledged, probes);
    const bool with = !failure.ok() && got == Expected(acknowledged + 1, probes);
    CHECK_MESSAGE((without || with), "after " << acknowledged << " acknowledged actions the store "
                                             << "holds " << Describe(got) << "; expected "
                                             << Describe(Expected(acknowledged, probes)));
    if (with) {
      ++tally.whole;
      // Stored after all: only an error that said so may precede that (a
      // crash's error reached no one).
      CHECK_MESSAGE((then == Then::kCrashed || failure.code() == StatusCode::kDeadlineExceeded),
                    "stored although the action failed with " << failure.ToString());
    }
    CheckLedgerPlaces(*s.store, with && !without ? acknowledged + 1 : acknowledged);

    IntegrityReport report;
    Status audited = s.store->Read([&](StoreTransaction& txn) -> Status {
      GOV_ASSIGN_OR_RETURN(report, AuditStoreIntegrity(txn, *s.planes.trust, kNow, std::nullopt));
      return Status();
    });
    REQUIRE_MESSAGE(audited.ok(), audited.ToString());
    CHECK_MESSAGE(report.ok(), Describe(report));

    Status after = Probe(s);
    CHECK_MESSAGE(after.ok(), "the reopened store refuses a new action: " << after.ToString());
  }

 private:
  StatusOr<std::unique_ptr<Store>> OpenRunStore() {
    StoreOptions options;
    options.ledger_key = fixture_.ledger_key_;
    options.clock = [] { return kNow; };
    return OpenStore("sqlite:" + run_db_, options);
  }

  // A new session on the run's copy, with a host that pinned the root and
  // has seen nothing yet.
  Session Open() {
    Session s;
    auto store = OpenRunStore();
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    s.store = std::move(*store);
    s.planes.clock = [] { return kNow; };
    s.planes.trust = PinnedTrust(fixture_.root_);
    return s;
  }

  void FreshCopy() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(run_db_ + suffix);
    }
    std::filesystem::copy_file(template_db_, run_db_);
  }

  static Status RunAction(const Action& a, Session& s) {
    try {
      return a.run(s);
    } catch (const std::exception& e) {
      FAIL_CHECK(a.name << " threw " << e.what());
    } catch (...) {
      FAIL_CHECK(a.name << " threw");
    }
    return InternalError("exception");
  }

  // A new action after the fault: monitoring evidence, one ledger entry.
  Status Probe(Session& s) {
    GovernancePlane governance(*s.store, s.planes);
    return governance.RecordCheck({"probe", "fraud", {{"psi", 0.01}}, 0}).status();
  }

  // Enrol, train, approve and co-sign, deploy, verify, a second version the
  // same way, roll back, revoke, record monitoring, revoke a key and the model:
  // every kind of row, and admin changes next to plane actions.
  std::vector<Action> Workload() {
    const std::string artifact = fixture_.dir_ / "model.bin";
    auto train = [this, artifact](Session& s, const std::string& version,
                                  std::optional<SignedTrainingOutput>& out) -> Status {
      TrainingRequest req;
      req.model_id = "fraud";
      req.model_version = version;
      req.artifact_path = artifact;
      req.metrics = {{"accuracy", 0.93}};
      req.manifest = {{"spec", {{"metrics", req.metrics}}}};
      auto trained = TrainingPlane(*s.store, s.planes).Record(req, fixture_.trainer_);
      if (!trained.ok()) return trained.status();
      out = *trained;
      return Status();
    };
    auto approve = [](Session& s, const SignedTrainingOutput& t, const PrivateKey& approver,
                      std::string& id) -> Status {
      ApprovalRequest req;
      req.environments = {"staging"};
      auto outcome = GovernancePlane(*s.store, s.planes).Approve(t.envelope, req, approver);
      if (!outcome.ok()) return outcome.status();
      if (!outcome->approved) return Refused(outcome->denials.empty() ? "" : outcome->denials[0]);
      id = outcome->approval.approval_id;
      return Status();
    };
    auto deploy = [this, artifact](Session& s, const std::string& id) {
      GateRequest req;
      req.approval_id = id;
      req.environment = "staging";
      req.artifact_path = artifact;
      return Promoted(ServingPlane(*s.store, s.planes).Deploy(req, fixture_.deployer_));
    };
    return {
        {"enrol dave",
         [this](Session& s) {
           return Applied(Administration(*s.store, s.planes)
                              .EnrollKey(dave_.public_key(), "dave", {Role::kApprover},
                                         fixture_.admin_));
         }},
        {"train v1", [train](Session& s) { return train(s, "1", s.v1); }},
        {"approve v1 (alice)",
         [this, approve](Session& s) { return approve(s, *s.v1, fixture_.alice_, s.approval1); }},
        {"co-sign v1 (bob)",
         [this](Session& s) {
           return GovernancePlane(*s.store, s.planes).Cosign(s.approval1, fixture_.bob_).status();
         }},
        {"deploy v1 to staging", [deploy](Session& s) { return deploy(s, s.approval1); }},
        {"verify v1 in staging",
         [this, artifact](Session& s) {
           GateRequest req;
           req.approval_id = s.approval1;
           req.environment = "staging";
           req.artifact_path = artifact;
           return Promoted(ServingPlane(*s.store, s.planes).Verify(req, "fault test"));
         }},
        {"train v2", [train](Session& s) { return train(s, "2", s.v2); }},
        {"approve v2 (carol)",
         [this, approve](Session& s) { return approve(s, *s.v2, fixture_.carol_, s.approval2); }},
        {"co-sign v2 (dave)",
         [this](Session& s) {
           return GovernancePlane(*s.store, s.planes).Cosign(s.approval2, dave_).status();
         }},
        {"deploy v2 to staging", [deploy](Session& s) { return deploy(s, s.approval2); }},
        {"roll staging back to v1",
         [this](Session& s) {
           return Promoted(ServingPlane(*s.store, s.planes)
                               .Rollback("fraud", "staging", "v2 misbehaves", fixture_.deployer_));
         }},
        {"revoke approval v2",
         [this](Session& s) {
           return GovernancePlane(*s.store, s.planes)
               .RevokeApproval(s.approval2, "superseded", fixture_.alice_)
               .status();
         }},
        {"record a drift check",
         [](Session& s) {
           return GovernancePlane(*s.store, s.planes)
               .RecordCheck({"drift", "fraud", {{"psi", 0.3}}, 0.3})
               .status();
         }},
        {"revoke dave's key",
         [this](Session& s) {
           return Applied(Administration(*s.store, s.planes)
                              .RevokeKey(dave_.keyid(), "left the team", fixture_.admin_));
         }},
        {"revoke model fraud",
         [this](Session& s) {
           return GovernancePlane(*s.store, s.planes)
               .RevokeModel("fraud", "training data leak", fixture_.alice_)
               .status();
         }},
    };
  }

  static Counts CountAll(Store& store) {
    Counts out;
    Status read = store.Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(auto rows, t.CountRows());
      out = Counts(rows.begin(), rows.end());
      GOV_ASSIGN_OR_RETURN(out["ledger"], t.LedgerSize());
      return Status();
    });
    REQUIRE_MESSAGE(read.ok(), read.ToString());
    return out;
  }

  static std::vector<std::string> LedgerTypes(Store& store) {
    std::vector<std::string> out;
    Status read = store.Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(auto entries, t.ReadLedger());
      for (const auto& e : entries) out.push_back(e.type);
      return Status();
    });
    REQUIRE_MESSAGE(read.ok(), read.ToString());
    return out;
  }

  // What the store holds after `actions` actions and `probes` probes.
  Counts Expected(int actions, int probes) const {
    Counts c = counts_[static_cast<size_t>(actions)];
    c["ledger"] += probes;
    return c;
  }

  // The entries of the first `actions` actions are where, and of the type,
  // the reference run put them.
  void CheckLedgerPlaces(Store& store, int actions) {
    const std::vector<std::string> types = LedgerTypes(store);
    const size_t n = static_cast<size_t>(counts_[static_cast<size_t>(actions)].at("ledger"));
    CHECK_MESSAGE(types.size() >= n, "the ledger lost acknowledged entries");
    if (types.size() < n) return;
    CHECK(std::vector<std::string>(types.begin(), types.begin() + static_cast<ptrdiff_t>(n)) ==
          std::vector<std::string>(reference_types_.begin(),
                                   reference_types_.begin() + static_cast<ptrdiff_t>(n)));
  }

  // Runs the workload twice without faults: once counting rows after each
  // action, once counting I/O calls (the counting reads would add their own).
  void Reference() {
    FreshCopy();
    Session s = Open();
    counts_.push_back(CountAll(*s.store));
    for (const Action& a : actions_) {
      Status st = RunAction(a, s);
      REQUIRE_MESSAGE(st.ok(), a.name << ": " << st.ToString());
      counts_.push_back(CountAll(*s.store));
    }
    reference_types_ = LedgerTypes(*s.store);
    REQUIRE(Probe(s).ok());
    // The probe adds one ledger entry and no row, which Expected relies on.
    REQUIRE(CountAll(*s.store) == Expected(static_cast<int>(actions_.size()), 1));
    s.store.reset();

    FreshCopy();
    s = Open();
    vfs_.ResetCounts();
    for (const Action& a : actions_) REQUIRE(RunAction(a, s).ok());
    for (FaultOp op : testing::kFaultOps) calls_[op] = vfs_.calls(op);
    s.store.reset();
    changes_ = vfs_.changes();  // with the close, which checkpoints
  }

  FaultVfs vfs_;  // before the fixture, whose store it opens
  testing::PlanesFixture fixture_;
  PrivateKey dave_;
  std::string template_db_;
  std::string run_db_;
  std::vector<Action> actions_;
  std::vector<Counts> counts_;  // after 0, 1, ... actions
  std::vector<std::string> reference_types_;
  std::map<FaultOp, int64_t> calls_;
  int64_t changes_ = 0;
  std::map<std::string, Tally> tallies_;  // by kind of fault
};

// Up to `cap` fault points in [1, n]: all of them when they fit, otherwise
// one drawn from each of `cap` equal slices, so every region of the workload
// is hit and the seed decides where exactly.
std::vector<int64_t> Points(int64_t n, int64_t cap, std::mt19937_64& rng) {
  std::vector<int64_t> out;
  if (n <= cap) {
    for (int64_t i = 1; i <= n; ++i) out.push_back(i);
    return out;
  }
  for (int64_t k = 0; k < cap; ++k) {
    const int64_t lo = 1 + k * n / cap, hi = (k + 1) * n / cap;
    out.push_back(std::uniform_int_distribution<int64_t>(lo, std::max(lo, hi))(rng));
  }
  return out;
}

// The error a failing call of `op` returns, and SQLite's message for it.
struct Injected {
  int code;
  const char* message;
};
Injected ErrorFor(FaultOp op) {
  switch (op) {
    case FaultOp::kRead: return {SQLITE_IOERR_READ, "disk I/O error"};
    case FaultOp::kWrite: return {SQLITE_IOERR_WRITE, "disk I/O error"};
    case FaultOp::kSync: return {SQLITE_IOERR_FSYNC, "disk I/O error"};
    case FaultOp::kTruncate: return {SQLITE_IOERR_TRUNCATE, "disk I/O error"};
    case FaultOp::kFileSize: return {SQLITE_IOERR_FSTAT, "disk I/O error"};
  }
  return {SQLITE_IOERR, "disk I/O error"};
}

constexpr char kDiskFull[] = "database or disk is full";

// Every kind of fault over the workload, at most `cap` points of each.
void RunAllFaults(FaultHarness& h, int64_t cap, uint64_t seed) {
  using Then = FaultHarness::Then;
  struct Kind {
    std::string name;
    int64_t range;  // the workload's calls or changes the points are drawn from
    std::function<Fault(int64_t)> fault;  // unset: a crash
    CrashKind crash = CrashKind::kProcessDeath;
    Then then = Then::kRecover;
    const char* error = "disk I/O error";
  };
  std::vector<Kind> kinds;
  for (FaultOp op : testing::kFaultOps) {
    const Injected e = ErrorFor(op);
    kinds.push_back({std::string(testing::FaultOpName(op)) + " fails once", h.workload_calls(op),
                     [op, e](int64_t n) { return Fault{op, n, e.code}; }});
  }
  // A full disk: half of a write lands, then every write fails until space is freed.
  kinds.push_back({"disk full from xWrite", h.workload_calls(FaultOp::kWrite),
                   [](int64_t n) { return Fault{FaultOp::kWrite, n, SQLITE_FULL, true, true}; },
                   CrashKind::kProcessDeath, Then::kRecover, kDiskFull});
  // A disk gone bad: every sync fails from then on.
  kinds.push_back({"every xSync fails from", h.workload_calls(FaultOp::kSync),
                   [](int64_t n) { return Fault{FaultOp::kSync, n, SQLITE_IOERR_FSYNC, true}; }});
  // A failed COMMIT is the last thing the process does: what it wrote stays
  // in the files, and the next open recovers from them.
  kinds.push_back({"xSync fails, then the process dies", h.workload_calls(FaultOp::kSync),
                   [](int64_t n) { return Fault{FaultOp::kSync, n, SQLITE_IOERR_FSYNC}; },
                   CrashKind::kProcessDeath, Then::kDie});
  // The process exits after the error, but the disk is still bad when the
  // store closes (and checkpoints).
  kinds.push_back({"every xSync fails from, through the close", h.workload_calls(FaultOp::kSync),
                   [](int64_t n) { return Fault{FaultOp::kSync, n, SQLITE_IOERR_FSYNC, true}; },
                   CrashKind::kProcessDeath, Then::kClose});
  kinds.push_back({"xWrite fails, then the process dies", h.workload_calls(FaultOp::kWrite),
                   [](int64_t n) { return Fault{FaultOp::kWrite, n, SQLITE_IOERR_WRITE}; },
                   CrashKind::kProcessDeath, Then::kDie});
  kinds.push_back({"process death before change", h.workload_changes(), nullptr,
                   CrashKind::kProcessDeath, Then::kCrashed});
  kinds.push_back({"power loss before change", h.workload_changes(), nullptr,
                   CrashKind::kPowerLoss, Then::kCrashed});

  std::mt19937_64 rng(seed);
  const auto started = std::chrono::steady_clock::now();
  std::ostringstream summary;
  Tally total;
  for (const Kind& kind : kinds) {
    const auto points = Points(kind.range, cap, rng);
    for (int64_t n : points) {
      h.Run(kind.name, n, [&] {
        if (kind.fault) {
          h.vfs().Arm(kind.fault(n));
        } else {
          h.vfs().ArmCrash({n, kind.crash});
        }
      }, kind.then, kind.error);
    }
    const Tally& t = h.tally(kind.name);
    summary << "\n  " << kind.name << ": " << points.size() << " of " << kind.range << " points, "
            << t.failed << " failed an action (" << t.whole << " stored whole), " << t.absorbed
            << " absorbed, " << t.unreached << " unreached";
    total.runs += t.runs;
    total.failed += t.failed;
    total.unreached += t.unreached;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE(total.runs << " fault points (seed " << seed << ") in " << seconds << " s:"
                     << summary.str());
  // Nearly every point must land in the workload, or the reference is off.
  CHECK(total.unreached * 10 < total.runs);
  CHECK(total.failed * 2 > total.runs);
}

constexpr uint64_t kSeed = 20270115;

// At most `fallback` points per kind of fault, or MGOV_FAULT_POINTS of them
// for a deeper run (a large number runs every point).
int64_t Cap(int64_t fallback) {
  const char* env = std::getenv("MGOV_FAULT_POINTS");
  return env && std::atoll(env) > 0 ? std::atoll(env) : fallback;
}

TEST_CASE("SQLite in WAL mode: I/O errors, a full disk and crashes at every point of a workload") {
  FaultHarness h({});
  REQUIRE(FileFormat(h.template_db()) == 2);  // the store runs in WAL mode
  RunAllFaults(h, Cap(64), kSeed);
}

TEST_CASE("SQLite with a rollback journal: the same faults where WAL is unavailable") {
  FaultHarness h({.shared_memory = false});
  REQUIRE(FileFormat(h.template_db()) == 1);  // PRAGMA journal_mode=WAL could not take effect
  RunAllFaults(h, Cap(32), kSeed + 1);
}

// One commit on a plain store, close up: the exact error, nothing half
// done, and the store going on; with WAL and with a rollback journal.
TEST_CASE("SQLite: a commit that fails or crashes is all or nothing, and says so") {
  for (const bool wal : {true, false}) {
    SUBCASE(wal ? "WAL" : "rollback journal") {
      FaultVfs vfs({.shared_memory = wal});
      testing::TempDir dir;
      const std::string path = dir / "g.db";
      StoreOptions options;
      options.ledger_key = *PrivateKey::FromSeed(std::string(32, '\x07'));
      options.clock = [] { return kNow; };
      auto open = [&] {
        auto store = OpenStore("sqlite:" + path, options);
        REQUIRE_MESSAGE(store.ok(), store.status().ToString());
        return std::move(*store);
      };
      std::unique_ptr<Store> store = open();
      REQUIRE(store->Migrate().ok());
      REQUIRE(FileFormat(path) == (wal ? 2 : 1));
      // A setting and its ledger entry, in one transaction.
      auto put = [](Store& s, const std::string& name) {
        return s.Transact([&](StoreTransaction& t) -> Status {
          GOV_RETURN_IF_ERROR(t.PutSetting(name, "v"));
          return t.AppendLedger({"test.put", "tester", name, {}}).status();
        });
      };
      // Whether `name` is stored; CHECKs that its ledger entry agrees.
      auto stored = [](Store& s, const std::string& name) {
        bool there = false;
        bool entry = false;
        REQUIRE(s.Read([&](StoreTransaction& t) -> Status {
          GOV_ASSIGN_OR_RETURN(auto value, t.GetSetting(name));
          GOV_ASSIGN_OR_RETURN(auto entries, t.ReadLedger());
          there = value.has_value();
          for (const auto& e : entries) entry = entry || e.subject == name;
          return Status();
        }).ok());
        CHECK(entry == there);
        return there;
      };

      const Status unknown(StatusCode::kDeadlineExceeded,
                           "SQLite " + path + ": disk I/O error (in: COMMIT): the change may or "
                           "may not have been stored");

      SUBCASE("the first sync of COMMIT fails: the next commit settles it") {
        vfs.Arm({FaultOp::kSync, 1, SQLITE_IOERR_FSYNC});
        CHECK(put(*store, "a") == unknown);
        CHECK(vfs.injected() == 1);
        vfs.Disarm();
        CHECK_FALSE(stored(*store, "a"));
        CHECK(put(*store, "b").ok());
        store = open();
        CHECK_FALSE(stored(*store, "a"));
        CHECK(stored(*store, "b"));
      }

      SUBCASE("every sync fails until the store is closed: WAL keeps the failed commit") {
        vfs.Arm({FaultOp::kSync, 1, SQLITE_IOERR_FSYNC, /*persistent=*/true});
        CHECK(put(*store, "a") == unknown);
        store.reset();  // its checkpoint fails too, so the WAL stays
        vfs.Disarm();
        store = open();
        // Why the error above could not say "not stored".
        CHECK(stored(*store, "a") == wal);
        CHECK(put(*store, "b").ok());
      }

      SUBCASE("the disk fills up: not applied, and freeing space is enough") {
        vfs.Arm({FaultOp::kWrite, 1, SQLITE_FULL, /*persistent=*/true, /*short_write=*/true});
        // WAL writes at COMMIT; a rollback journal takes each page's old
        // content as the transaction first changes it.
        const Status full = InternalError(
            "SQLite " + path + ": database or disk is full (in: " +
            (wal ? "COMMIT" : "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT") +
            ")");
        CHECK(put(*store, "a") == full);
        CHECK(put(*store, "a") == full);
        vfs.Disarm();
        CHECK(put(*store, "b").ok());
        store = open();
        CHECK_FALSE(stored(*store, "a"));
        CHECK(stored(*store, "b"));
      }

      SUBCASE("the power fails right after COMMIT returned: the commit survives") {
        vfs.ArmCrash({INT64_MAX, CrashKind::kPowerLoss});  // what is unsynced from now is lost
        REQUIRE(put(*store, "a").ok());
        vfs.CrashNow();
        const Status dead = put(*store, "b");
        CHECK(dead.code() == StatusCode::kInternal);
        CHECK(dead.message().rfind("SQLite " + path + ": disk I/O error (in: ", 0) == 0);
        store.reset();
        REQUIRE(vfs.PowerOn());
        store = open();
        CHECK(stored(*store, "a"));
        CHECK_FALSE(stored(*store, "b"));
        CHECK(put(*store, "c").ok());
      }
    }
  }
}

}  // namespace
}  // namespace governance
