// The bytes under inspection: random access to a file (pread), a buffer in
// memory or a range of either, and a buffered cursor that reads them in
// order. Inspection reads everything through these, so a member of a zip
// is inspected exactly like a file.
#ifndef GOVERNANCE_SRC_TRAINING_BYTE_SOURCE_H_
#define GOVERNANCE_SRC_TRAINING_BYTE_SOURCE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "governance/status.h"

namespace governance {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual uint64_t size() const = 0;
  // Up to `n` bytes at `offset` into `out` (replaced); fewer only at the
  // end. An I/O error names the file.
  virtual Status ReadAt(uint64_t offset, size_t n, std::string* out) const = 0;
  // Exactly `n` bytes at `offset`; OutOfRange when the source is shorter.
  Status ReadExactly(uint64_t offset, size_t n, std::string* out) const;
};

// A view of bytes owned elsewhere. REQUIRES: they outlive the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override;
  std::string_view bytes() const { return bytes_; }

 private:
  std::string_view bytes_;
};

// An open file, read with pread(2). Does not own `fd`.
class FileSource final : public ByteSource {
 public:
  FileSource(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  uint64_t size() const override { return size_; }
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override;

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

// `size` bytes of `parent` from `offset`. REQUIRES: the range lies inside
// the parent, which outlives the slice.
class SliceSource final : public ByteSource {
 public:
  SliceSource(const ByteSource& parent, uint64_t offset, uint64_t size)
      : parent_(parent), offset_(offset), size_(size) {}
  uint64_t size() const override { return size_; }
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const override;

 private:
  const ByteSource& parent_;
  uint64_t offset_;
  uint64_t size_;
};

// Reads a source in order through a buffer. Reading past the end is not an
// error but a short result the caller sees (`eof`); I/O errors stick in
// status(). `bytes_read` counts bytes fetched from the source (skips that
// pass over unbuffered bytes fetch nothing).
class ByteCursor {
 public:
  ByteCursor(const ByteSource& source, uint64_t offset, size_t buffer_size = 1 << 20)
      : source_(source), pos_(offset), buffer_size_(buffer_size) {}

  uint64_t position() const { return pos_; }
  bool AtEnd() const { return pos_ >= source_.size(); }
  uint64_t remaining() const { return AtEnd() ? 0 : source_.size() - pos_; }
  // The next byte, or -1 at the end (or after an I/O error).
  int Next();
  // Exactly `n` bytes into `out`; false (and nothing consumed) when fewer remain.
  bool Read(size_t n, std::string* out);
  // Advances `n` bytes without keeping them; false when fewer remain.
  bool Skip(uint64_t n);
  // Up to and including the next '\n': keeps at most `keep` bytes of the
  // line (without the '\n') in `out` and sets `*cut` when more were
  // dropped. False at the end of the source before a '\n'.
  bool ReadLine(size_t keep, std::string* out, bool* cut);
  uint64_t bytes_read() const { return bytes_read_; }
  const Status& status() const { return status_; }

 private:
  bool Fill();

  const ByteSource& source_;
  uint64_t pos_;
  size_t buffer_size_;
  std::string buffer_;
  uint64_t buffer_start_ = 0;  // source offset of buffer_[0]
  uint64_t bytes_read_ = 0;
  Status status_;
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_BYTE_SOURCE_H_
