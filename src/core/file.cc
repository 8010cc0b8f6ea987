#include "core/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace governance {

Status ErrnoToStatus(int err, const std::string& what, const std::string& path) {
  std::string msg = "cannot " + what + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(msg);
    case EACCES:
    case EPERM:
      return PermissionDeniedError(msg);
    case EEXIST:
      return AlreadyExistsError(msg);
    case EISDIR:
      return InvalidArgumentError(msg);
    default:
      return InternalError(msg);
  }
}

Status ReadFileInBlocks(const std::string& path, size_t block_size,
                        const std::function<void(std::string_view)>& sink) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer. The file type is
  // checked before the first read, and regular files ignore the flag.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return ErrnoToStatus(errno, "open", path);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const char* what = S_ISDIR(st.st_mode)    ? "it is a directory"
                       : S_ISFIFO(st.st_mode) ? "it is a FIFO, not a regular file"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
                           ? "it is a device, not a regular file"
                       : S_ISSOCK(st.st_mode) ? "it is a socket, not a regular file"
                                              : "not a regular file";
    ::close(fd);
    return InvalidArgumentError("cannot read " + path + ": " + what);
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<char[]> buf(new char[block_size]);
  for (;;) {
    ssize_t n = ::read(fd, buf.get(), block_size);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoToStatus(err, "read", path);
    }
    if (n == 0) break;
    sink(std::string_view(buf.get(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return Status();
}

StatusOr<std::string> ReadFile(const std::string& path) {
  std::string out;
  GOV_RETURN_IF_ERROR(
      ReadFileInBlocks(path, 1 << 16, [&out](std::string_view block) { out.append(block); }));
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoToStatus(errno, "create", tmp);
  ::fchmod(fd, mode);  // umask must not widen or narrow what was asked
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return ErrnoToStatus(err, "write", tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoToStatus(err, "flush", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoToStatus(err, "rename onto", path);
  }
  return Status();
}

}  // namespace governance
