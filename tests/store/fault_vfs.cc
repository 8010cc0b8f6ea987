#include "fault_vfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace governance::testing {

namespace {

enum class FileKind { kMainDb, kWal, kJournal, kOther };

// What a change overwrote: the bytes at `offset` and the file's size before it.
struct Undo {
  int64_t offset = 0;
  std::string bytes;
  int64_t size = 0;
};

struct FileState {
  FaultVfs::Impl* vfs = nullptr;
  FileKind kind = FileKind::kOther;
  std::string path;  // empty for a temporary file
  int64_t epoch = 0;  // crashes before this handle was opened
  // The unix VFS also syncs the directory on the first xSync of a WAL or
  // journal it opened with SQLITE_OPEN_CREATE: from then on the file's
  // directory entry, and every unlink in that directory, survives.
  bool syncs_directory = false;
};

// What SQLite allocates for a file: this header, then the wrapped VFS's file.
struct FaultFile {
  sqlite3_file base;
  FileState* state;
};
constexpr size_t kHeaderSize = (sizeof(FaultFile) + 7) & ~size_t{7};

sqlite3_file* Real(sqlite3_file* f) {
  return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kHeaderSize);
}
FileState& State(sqlite3_file* f) { return *reinterpret_cast<FaultFile*>(f)->state; }

std::string Directory(const std::string& path) { return path.substr(0, path.rfind('/')); }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Undoes `undo`, newest first, on `content`.
void RevertInMemory(std::string& content, const std::vector<Undo>& undo) {
  for (auto u = undo.rbegin(); u != undo.rend(); ++u) {
    const size_t end = static_cast<size_t>(u->offset) + u->bytes.size();
    if (content.size() < end) content.resize(end);
    std::memcpy(content.data() + u->offset, u->bytes.data(), u->bytes.size());
    content.resize(static_cast<size_t>(u->size));
  }
}

// Undoes `undo`, newest first, on the file at `path`.
void RevertOnDisk(const std::string& path, const std::vector<Undo>& undo) {
  if (undo.empty()) return;
  int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) return;
  for (auto u = undo.rbegin(); u != undo.rend(); ++u) {
    if (!u->bytes.empty() &&
        ::pwrite(fd, u->bytes.data(), u->bytes.size(), u->offset) !=
            static_cast<ssize_t>(u->bytes.size())) {
      break;
    }
    if (::ftruncate(fd, u->size) != 0) break;
  }
  ::close(fd);
}

}  // namespace

const char* FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kRead: return "xRead";
    case FaultOp::kWrite: return "xWrite";
    case FaultOp::kSync: return "xSync";
    case FaultOp::kTruncate: return "xTruncate";
    case FaultOp::kFileSize: return "xFileSize";
  }
  return "?";
}

struct FaultVfs::Impl {
  sqlite3_vfs vfs{};
  sqlite3_vfs* base = nullptr;  // the default before us
  sqlite3_io_methods methods{};

  std::mutex mu;  // guards everything below
  std::optional<Fault> fault;
  std::array<int64_t, kFaultOpCount> calls{};
  int64_t injected = 0;
  std::optional<Crash> crash;
  int64_t changes = 0;
  bool powered_off = false;
  int64_t epoch = 0;
  std::set<FileState*> handles;

  // The power-loss model, per path of a main database, WAL or journal.
  struct PathModel {
    std::vector<Undo> unsynced;  // changes since the last xSync
    bool durable = true;         // its directory entry survives a power loss
  };
  std::map<std::string, PathModel> paths;
  // Files unlinked without a directory sync since: what a power loss brings back.
  std::map<std::string, std::string> unlinked;

  bool Dead(const FileState& s) const { return s.epoch < epoch; }
  bool Tracked(const FileState& s) const { return s.kind != FileKind::kOther && !s.path.empty(); }
  bool ModelsPowerLoss() const { return crash && crash->kind == CrashKind::kPowerLoss; }

  // Counts a call of `op`; the error to return instead of running it, or 0.
  int Inject(FaultOp op) {
    const int64_t n = ++calls[static_cast<int>(op)];
    if (!fault || fault->op != op) return 0;
    if (n == fault->nth || (fault->persistent && n > fault->nth)) {
      ++injected;
      return fault->error;
    }
    return 0;
  }

  // Counts a change; true when the machine crashed instead of making it.
  bool Change() {
    ++changes;
    if (!crash || changes != crash->nth) return false;
    CrashNow();
    return true;
  }

  void CrashNow() {
    if (crash->kind == CrashKind::kPowerLoss) {
      for (const auto& [path, model] : paths) {
        if (!model.durable) {
          ::unlink(path.c_str());
        } else {
          RevertOnDisk(path, model.unsynced);
        }
      }
      for (const auto& [path, content] : unlinked) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
      }
    }
    paths.clear();
    unlinked.clear();
    crash.reset();
    powered_off = true;
    ++epoch;
  }

  // Remembers what `len` bytes at `offset` of `s` hold now, before a write or
  // truncation changes them.
  void Remember(FileState& s, sqlite3_file* real, int64_t offset, int64_t len) {
    if (!ModelsPowerLoss() || !Tracked(s)) return;
    sqlite3_int64 size = 0;
    if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return;
    Undo u{offset, std::string(), size};
    const int64_t end = std::min<int64_t>(offset + len, size);
    if (end > offset) {
      u.bytes.resize(static_cast<size_t>(end - offset));
      real->pMethods->xRead(real, u.bytes.data(), static_cast<int>(u.bytes.size()), offset);
    }
    paths[s.path].unsynced.push_back(std::move(u));
  }

  void DirectorySynced(const std::string& dir) {
    for (auto& [path, model] : paths) {
      if (Directory(path) == dir) model.durable = true;
    }
    for (auto it = unlinked.begin(); it != unlinked.end();) {
      it = Directory(it->first) == dir ? unlinked.erase(it) : std::next(it);
    }
  }

  // --- io methods -------------------------------------------------------

  static int Close(sqlite3_file* f) {
    FileState* s = &State(f);
    sqlite3_file* real = Real(f);
    int rc = real->pMethods->xClose(real);
    {
      std::lock_guard<std::mutex> lock(s->vfs->mu);
      s->vfs->handles.erase(s);
    }
    delete s;
    return rc;
  }

  static int Read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 offset) {
    FileState& s = State(f);
    Impl& vfs = *s.vfs;
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.Dead(s)) return SQLITE_IOERR_READ;
    if (int rc = vfs.Inject(FaultOp::kRead)) return rc;
    return Real(f)->pMethods->xRead(Real(f), buf, amt, offset);
  }

  static int Write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 offset) {
    FileState& s = State(f);
    Impl& vfs = *s.vfs;
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.Dead(s)) return SQLITE_IOERR_WRITE;
    if (vfs.Tracked(s) && vfs.Change()) return SQLITE_IOERR_WRITE;
    sqlite3_file* real = Real(f);
    if (int rc = vfs.Inject(FaultOp::kWrite)) {
      // A short write: the disk took the first half before it filled up
      // (only the first failing write: a full disk then takes nothing).
      if (vfs.fault->short_write && vfs.injected == 1 && amt > 1) {
        vfs.Remember(s, real, offset, amt / 2);
        real->pMethods->xWrite(real, buf, amt / 2, offset);
      }
      return rc;
    }
    vfs.Remember(s, real, offset, amt);
    return real->pMethods->xWrite(real, buf, amt, offset);
  }

  static int Truncate(sqlite3_file* f, sqlite3_int64 size) {
    FileState& s = State(f);
    Impl& vfs = *s.vfs;
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.Dead(s)) return SQLITE_IOERR_TRUNCATE;
    if (vfs.Tracked(s) && vfs.Change()) return SQLITE_IOERR_TRUNCATE;
    if (int rc = vfs.Inject(FaultOp::kTruncate)) return rc;
    sqlite3_file* real = Real(f);
    vfs.Remember(s, real, size, INT64_MAX / 2);
    return real->pMethods->xTruncate(real, size);
  }

  static int Sync(sqlite3_file* f, int flags) {
    FileState& s = State(f);
    Impl& vfs = *s.vfs;
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.Dead(s)) return SQLITE_IOERR_FSYNC;
    if (vfs.Tracked(s) && vfs.Change()) return SQLITE_IOERR_FSYNC;
    if (int rc = vfs.Inject(FaultOp::kSync)) return rc;
    // The sync is not passed on: what it makes durable is the model's to
    // decide, and a real fsync would make every run wait for the disk.
    static_cast<void>(flags);
    if (vfs.Tracked(s)) {
      auto it = vfs.paths.find(s.path);
      if (it != vfs.paths.end()) it->second.unsynced.clear();
      if (s.syncs_directory) vfs.DirectorySynced(Directory(s.path));
    }
    s.syncs_directory = false;
    return SQLITE_OK;
  }

  static int FileSize(sqlite3_file* f, sqlite3_int64* size) {
    FileState& s = State(f);
    Impl& vfs = *s.vfs;
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.Dead(s)) return SQLITE_IOERR_FSTAT;
    if (int rc = vfs.Inject(FaultOp::kFileSize)) return rc;
    return Real(f)->pMethods->xFileSize(Real(f), size);
  }

  // A dead handle may let go of locks (a dead process holds none) but take
  // no new ones.
  static int Lock(sqlite3_file* f, int level) {
    if (IsDead(f)) return SQLITE_IOERR_LOCK;
    return Real(f)->pMethods->xLock(Real(f), level);
  }
  static int Unlock(sqlite3_file* f, int level) {
    return Real(f)->pMethods->xUnlock(Real(f), level);
  }
  static int CheckReservedLock(sqlite3_file* f, int* out) {
    if (IsDead(f)) {
      *out = 0;
      return SQLITE_IOERR_CHECKRESERVEDLOCK;
    }
    return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
  }
  static int FileControl(sqlite3_file* f, int op, void* arg) {
    if (IsDead(f)) return SQLITE_NOTFOUND;
    return Real(f)->pMethods->xFileControl(Real(f), op, arg);
  }
  static int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
  static int DeviceCharacteristics(sqlite3_file* f) {
    return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
  }
  static int ShmMap(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
    if (IsDead(f)) {
      *out = nullptr;
      return SQLITE_IOERR_SHMMAP;
    }
    return Real(f)->pMethods->xShmMap(Real(f), page, page_size, extend, out);
  }
  static int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
    if (IsDead(f) && !(flags & SQLITE_SHM_UNLOCK)) return SQLITE_IOERR_SHMLOCK;
    return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
  }
  static void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
  static int ShmUnmap(sqlite3_file* f, int delete_flag) {
    // A dead process deletes nothing.
    return Real(f)->pMethods->xShmUnmap(Real(f), IsDead(f) ? 0 : delete_flag);
  }
  // No memory mapping: every read goes through xRead, where faults are.
  static int Fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;
    return SQLITE_OK;
  }
  static int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

  static bool IsDead(sqlite3_file* f) {
    FileState& s = State(f);
    std::lock_guard<std::mutex> lock(s.vfs->mu);
    return s.vfs->Dead(s);
  }

  // --- VFS methods ------------------------------------------------------

  static Impl& Of(sqlite3_vfs* vfs) { return *static_cast<Impl*>(vfs->pAppData); }

  static int Open(sqlite3_vfs* v, sqlite3_filename name, sqlite3_file* f, int flags,
                  int* out_flags) {
    Impl& vfs = Of(v);
    auto* file = reinterpret_cast<FaultFile*>(f);
    file->base.pMethods = nullptr;
    file->state = nullptr;
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.powered_off) return SQLITE_CANTOPEN;
    FileKind kind = (flags & SQLITE_OPEN_MAIN_DB)        ? FileKind::kMainDb
                    : (flags & SQLITE_OPEN_WAL)          ? FileKind::kWal
                    : (flags & SQLITE_OPEN_MAIN_JOURNAL) ? FileKind::kJournal
                                                         : FileKind::kOther;
    std::string path = name ? std::string(name) : std::string();
    const bool existed = !path.empty() && ::access(path.c_str(), F_OK) == 0;
    sqlite3_file* real = Real(f);
    int rc = vfs.base->xOpen(vfs.base, name, real, flags, out_flags);
    if (rc != SQLITE_OK) {
      if (real->pMethods) real->pMethods->xClose(real);
      return rc;
    }
    auto* s = new FileState{&vfs, kind, path, vfs.epoch,
                            (flags & SQLITE_OPEN_CREATE) &&
                                (kind == FileKind::kWal || kind == FileKind::kJournal)};
    file->state = s;
    file->base.pMethods = &vfs.methods;
    vfs.handles.insert(s);
    if (vfs.ModelsPowerLoss() && vfs.Tracked(*s) && !vfs.paths.count(path)) {
      vfs.paths[path].durable = existed;
    }
    return SQLITE_OK;
  }

  static int Delete(sqlite3_vfs* v, const char* name, int sync_dir) {
    Impl& vfs = Of(v);
    std::lock_guard<std::mutex> lock(vfs.mu);
    if (vfs.powered_off || vfs.Change()) return SQLITE_IOERR_DELETE;
    const std::string path(name);
    if (vfs.ModelsPowerLoss()) {
      auto it = vfs.paths.find(path);
      const bool durable = it == vfs.paths.end() || it->second.durable;
      if (durable && !sync_dir && ::access(name, F_OK) == 0) {
        std::string content = ReadWholeFile(path);
        if (it != vfs.paths.end()) RevertInMemory(content, it->second.unsynced);
        vfs.unlinked[path] = std::move(content);
      }
      if (it != vfs.paths.end()) vfs.paths.erase(it);
    }
    int rc = vfs.base->xDelete(vfs.base, name, /*syncDir=*/0);  // as xSync
    if (rc == SQLITE_OK && sync_dir && vfs.ModelsPowerLoss()) vfs.DirectorySynced(Directory(path));
    return rc;
  }

  static int Access(sqlite3_vfs* v, const char* name, int flags, int* out) {
    return Of(v).base->xAccess(Of(v).base, name, flags, out);
  }
  static int FullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
    return Of(v).base->xFullPathname(Of(v).base, name, n, out);
  }
  static void* DlOpen(sqlite3_vfs* v, const char* name) {
    return Of(v).base->xDlOpen(Of(v).base, name);
  }
  static void DlError(sqlite3_vfs* v, int n, char* out) {
    Of(v).base->xDlError(Of(v).base, n, out);
  }
  static void (*DlSym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
    return Of(v).base->xDlSym(Of(v).base, handle, symbol);
  }
  static void DlClose(sqlite3_vfs* v, void* handle) { Of(v).base->xDlClose(Of(v).base, handle); }
  static int Randomness(sqlite3_vfs* v, int n, char* out) {
    return Of(v).base->xRandomness(Of(v).base, n, out);
  }
  static int Sleep(sqlite3_vfs* v, int micros) { return Of(v).base->xSleep(Of(v).base, micros); }
  static int CurrentTime(sqlite3_vfs* v, double* out) {
    return Of(v).base->xCurrentTime(Of(v).base, out);
  }
  static int GetLastError(sqlite3_vfs* v, int n, char* out) {
    return Of(v).base->xGetLastError(Of(v).base, n, out);
  }
  static int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
    return Of(v).base->xCurrentTimeInt64(Of(v).base, out);
  }
  static int SetSystemCall(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr call) {
    return Of(v).base->xSetSystemCall(Of(v).base, name, call);
  }
  static sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs* v, const char* name) {
    return Of(v).base->xGetSystemCall(Of(v).base, name);
  }
  static const char* NextSystemCall(sqlite3_vfs* v, const char* name) {
    return Of(v).base->xNextSystemCall(Of(v).base, name);
  }
};

FaultVfs::FaultVfs() : FaultVfs(Options()) {}

FaultVfs::FaultVfs(Options options) : impl_(std::make_unique<Impl>()) {
  Impl& i = *impl_;
  i.base = sqlite3_vfs_find(nullptr);
  i.methods.iVersion = options.shared_memory ? 3 : 1;
  i.methods.xClose = &Impl::Close;
  i.methods.xRead = &Impl::Read;
  i.methods.xWrite = &Impl::Write;
  i.methods.xTruncate = &Impl::Truncate;
  i.methods.xSync = &Impl::Sync;
  i.methods.xFileSize = &Impl::FileSize;
  i.methods.xLock = &Impl::Lock;
  i.methods.xUnlock = &Impl::Unlock;
  i.methods.xCheckReservedLock = &Impl::CheckReservedLock;
  i.methods.xFileControl = &Impl::FileControl;
  i.methods.xSectorSize = &Impl::SectorSize;
  i.methods.xDeviceCharacteristics = &Impl::DeviceCharacteristics;
  if (options.shared_memory) {
    i.methods.xShmMap = &Impl::ShmMap;
    i.methods.xShmLock = &Impl::ShmLock;
    i.methods.xShmBarrier = &Impl::ShmBarrier;
    i.methods.xShmUnmap = &Impl::ShmUnmap;
    i.methods.xFetch = &Impl::Fetch;
    i.methods.xUnfetch = &Impl::Unfetch;
  }
  i.vfs.iVersion = 3;
  i.vfs.szOsFile = static_cast<int>(kHeaderSize) + i.base->szOsFile;
  i.vfs.mxPathname = i.base->mxPathname;
  i.vfs.zName = "mgov-fault";
  i.vfs.pAppData = &i;
  i.vfs.xOpen = &Impl::Open;
  i.vfs.xDelete = &Impl::Delete;
  i.vfs.xAccess = &Impl::Access;
  i.vfs.xFullPathname = &Impl::FullPathname;
  i.vfs.xDlOpen = &Impl::DlOpen;
  i.vfs.xDlError = &Impl::DlError;
  i.vfs.xDlSym = &Impl::DlSym;
  i.vfs.xDlClose = &Impl::DlClose;
  i.vfs.xRandomness = &Impl::Randomness;
  i.vfs.xSleep = &Impl::Sleep;
  i.vfs.xCurrentTime = &Impl::CurrentTime;
  i.vfs.xGetLastError = &Impl::GetLastError;
  i.vfs.xCurrentTimeInt64 = &Impl::CurrentTimeInt64;
  i.vfs.xSetSystemCall = &Impl::SetSystemCall;
  i.vfs.xGetSystemCall = &Impl::GetSystemCall;
  i.vfs.xNextSystemCall = &Impl::NextSystemCall;
  sqlite3_vfs_register(&i.vfs, /*makeDflt=*/1);
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&impl_->vfs);
  sqlite3_vfs_register(impl_->base, /*makeDflt=*/1);
  // A handle still open would call into freed methods: keep them alive.
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->handles.empty()) static_cast<void>(impl_.release());
}

void FaultVfs::Arm(const Fault& fault) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fault = fault;
  impl_->calls = {};
  impl_->injected = 0;
}

void FaultVfs::Disarm() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fault.reset();
}

void FaultVfs::ResetCounts() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->fault.reset();
  impl_->crash.reset();
  impl_->calls = {};
  impl_->changes = 0;
  impl_->injected = 0;
  impl_->paths.clear();
  impl_->unlinked.clear();
}

void FaultVfs::ArmCrash(const Crash& crash) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->crash = crash;
  impl_->changes = 0;
  impl_->paths.clear();
  impl_->unlinked.clear();
}

void FaultVfs::CrashNow() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->crash) impl_->CrashNow();
}

bool FaultVfs::crashed() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->powered_off;
}

bool FaultVfs::PowerOn() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  for (const FileState* s : impl_->handles) {
    if (impl_->Dead(*s)) return false;
  }
  impl_->powered_off = false;
  return true;
}

int64_t FaultVfs::calls(FaultOp op) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->calls[static_cast<int>(op)];
}

int64_t FaultVfs::changes() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->changes;
}

int64_t FaultVfs::injected() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->injected;
}

int FaultVfs::open_files() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return static_cast<int>(impl_->handles.size());
}

}  // namespace governance::testing
