#include "training/byte_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/file.h"

namespace governance {

Status ByteSource::ReadExactly(uint64_t offset, size_t n, std::string* out) const {
  if (offset > size() || size() - offset < n) {
    return OutOfRangeError("reading " + std::to_string(n) + " bytes at offset " +
                           std::to_string(offset) + " of " + std::to_string(size()));
  }
  GOV_RETURN_IF_ERROR(ReadAt(offset, n, out));
  if (out->size() != n) return DataLossError("short read at offset " + std::to_string(offset));
  return Status();
}

Status MemorySource::ReadAt(uint64_t offset, size_t n, std::string* out) const {
  out->clear();
  if (offset < bytes_.size()) out->assign(bytes_.substr(offset, n));
  return Status();
}

Status FileSource::ReadAt(uint64_t offset, size_t n, std::string* out) const {
  out->clear();
  if (offset >= size_) return Status();
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd_, out->data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return ErrnoToStatus(errno, "read artifact file", path_);
    if (r == 0) break;  // shorter than it was: the caller's checks say so
    got += static_cast<size_t>(r);
  }
  out->resize(got);
  return Status();
}

Status SliceSource::ReadAt(uint64_t offset, size_t n, std::string* out) const {
  out->clear();
  if (offset >= size_) return Status();
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
  return parent_.ReadAt(offset_ + offset, n, out);
}

bool ByteCursor::Fill() {
  if (!status_.ok() || AtEnd()) return false;
  if (pos_ >= buffer_start_ && pos_ < buffer_start_ + buffer_.size()) return true;
  Status s = source_.ReadAt(pos_, buffer_size_, &buffer_);
  if (!s.ok()) {
    status_ = s;
    buffer_.clear();
    return false;
  }
  buffer_start_ = pos_;
  bytes_read_ += buffer_.size();
  return !buffer_.empty();
}

int ByteCursor::Next() {
  if (!Fill()) return -1;
  return static_cast<unsigned char>(buffer_[pos_++ - buffer_start_]);
}

bool ByteCursor::Read(size_t n, std::string* out) {
  out->clear();
  if (remaining() < n) return false;
  out->reserve(n);
  while (out->size() < n) {
    if (!Fill()) return false;
    const size_t at = pos_ - buffer_start_;
    const size_t take = std::min(n - out->size(), buffer_.size() - at);
    out->append(buffer_, at, take);
    pos_ += take;
  }
  return true;
}

bool ByteCursor::Skip(uint64_t n) {
  if (remaining() < n) return false;
  pos_ += n;
  return true;
}

bool ByteCursor::ReadLine(size_t keep, std::string* out, bool* cut) {
  out->clear();
  *cut = false;
  while (Fill()) {
    const size_t at = pos_ - buffer_start_;
    const size_t nl = buffer_.find('\n', at);
    const size_t end = nl == std::string::npos ? buffer_.size() : nl;
    const size_t take = std::min(end - at, keep - std::min(keep, out->size()));
    out->append(buffer_, at, take);
    if (end - at > take) *cut = true;
    pos_ += end - at;
    if (nl != std::string::npos) {
      ++pos_;
      return true;
    }
  }
  return false;
}

}  // namespace governance
