// A SQLite VFS for tests that fails, tears or loses I/O on purpose.
//
//   testing::FaultVfs vfs;  // the process's default SQLite VFS until it dies
//   vfs.Arm({.op = testing::FaultOp::kSync, .nth = 3, .error = SQLITE_IOERR_FSYNC});
//   auto store = OpenStore("sqlite:" + path, options);  // no hook: it opens through the VFS
//   ...                                                 // the third xSync fails
//   vfs.Disarm();
//
// FaultVfs wraps the default VFS ("unix") and forwards every call. Armed
// with a Fault, it fails the nth call of one method (xRead, xWrite, xSync,
// xTruncate, xFileSize) with the error asked for, once or from then on, and
// can let half of a failing write reach the file first (a short write on a
// full disk). Armed with a Crash, it stops the machine just before the nth
// change to a database, WAL or journal file: every file handle open at that
// moment is dead from then on (its I/O fails, nothing more reaches a file),
// as after the process died; for a power loss, every write since the file's
// last xSync is also undone and a file whose directory was not synced since
// it was created or deleted is deleted or brought back. The machine comes back
// with PowerOn, once the dead handles are closed. Syncs are not passed on to
// the file system: durability is the model's, and tests do not wait for the
// disk.
//
// Registering as the default is what lets the store under test run
// unchanged: sqlite3_open_v2 without a VFS name uses the default. The
// previous default is restored when the FaultVfs is destroyed. One FaultVfs
// at a time; SQLite's calls may come from any thread.
#ifndef GOVERNANCE_TESTS_STORE_FAULT_VFS_H_
#define GOVERNANCE_TESTS_STORE_FAULT_VFS_H_

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace governance::testing {

// The file methods a Fault can fail.
enum class FaultOp { kRead, kWrite, kSync, kTruncate, kFileSize };
inline constexpr int kFaultOpCount = 5;
inline constexpr std::array<FaultOp, kFaultOpCount> kFaultOps = {
    FaultOp::kRead, FaultOp::kWrite, FaultOp::kSync, FaultOp::kTruncate, FaultOp::kFileSize};

// "xRead", "xWrite", ...
const char* FaultOpName(FaultOp op);

struct Fault {
  FaultOp op = FaultOp::kWrite;
  int64_t nth = 1;           // the nth call of `op` since Arm fails (1-based)
  int error = SQLITE_IOERR;  // what that call returns
  bool persistent = false;   // every later call of `op` fails too, until Disarm
  bool short_write = false;  // kWrite: the first failing call writes half its bytes
};

enum class CrashKind {
  kProcessDeath,  // what was written stays; nothing more is
  kPowerLoss,     // what was not synced is lost as well
};

struct Crash {
  // The nth change (xWrite, xSync, xTruncate or xDelete of a main database,
  // WAL or rollback journal) since ArmCrash never happens (1-based).
  int64_t nth = 1;
  CrashKind kind = CrashKind::kPowerLoss;
};

class FaultVfs {
 public:
  struct Options {
    // Offer SQLite shared memory (xShm*). Without it SQLite cannot use WAL,
    // and `PRAGMA journal_mode=WAL` quietly leaves a rollback journal: a
    // file system where WAL is unavailable. Default: true.
    bool shared_memory = true;
  };

  FaultVfs();
  explicit FaultVfs(Options options);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // Arms one fault and starts counting calls from zero; replaces any
  // fault armed before.
  void Arm(const Fault& fault);
  // Stops injecting; counting goes on.
  void Disarm();
  // Zeroes the counts, with nothing armed.
  void ResetCounts();

  // Arms a crash and starts counting changes from zero. A power loss is
  // modelled from this moment on: whatever the files hold now counts as
  // durable, so arm it on a quiet store (just opened, between transactions).
  void ArmCrash(const Crash& crash);
  // The armed crash happens now, between two changes.
  void CrashNow();
  // True once an armed crash happened (until PowerOn).
  bool crashed() const;
  // Brings the machine back after a crash: false, and still off, while a
  // file handle opened before the crash is open (destroy the store first).
  [[nodiscard]] bool PowerOn();

  // Calls of `op` since the last Arm or ResetCounts.
  int64_t calls(FaultOp op) const;
  // Changes since the last ArmCrash or ResetCounts.
  int64_t changes() const;
  // Failures injected since the last Arm.
  int64_t injected() const;
  // File handles open now.
  int open_files() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_STORE_FAULT_VFS_H_
