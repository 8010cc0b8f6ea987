#include "training/zip_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "training/pickle_scan.h"

namespace governance {
namespace {

constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kDescriptorSignature = 0x08074b50;
constexpr size_t kEndSize = 22;
constexpr size_t kMaxComment = 0xffff;
// A central directory larger than this is not read (about 2.5 million
// entries with short names).
constexpr uint64_t kMaxDirectoryBytes = uint64_t{256} << 20;
constexpr size_t kMaxProblems = 20;

uint64_t Le(std::string_view b, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

struct Region {
  uint64_t begin, end;
  std::string what;
};

class Reader {
 public:
  Reader(const ByteSource& source, uint64_t max_entries)
      : source_(source), max_entries_(max_entries) {}

  StatusOr<std::optional<ZipDirectory>> Read() {
    const uint64_t size = source_.size();
    std::string head;
    GOV_RETURN_IF_ERROR(source_.ReadAt(0, 4, &head));
    const bool local_first = head.size() == 4 && Le(head, 0, 4) == kLocalSignature;
    // End records: signatures in the final 64 KiB + 22 bytes. Python's
    // zipfile takes the last one; a record counts here when the directory it
    // points to is there (so that bytes that merely contain the signature do
    // not make a zip).
    const uint64_t tail_start = size > kEndSize + kMaxComment ? size - kEndSize - kMaxComment : 0;
    std::string tail;
    GOV_RETURN_IF_ERROR(source_.ReadAt(tail_start, static_cast<size_t>(size - tail_start), &tail));
    std::vector<uint64_t> signatures;
    std::vector<End> valid;
    for (size_t i = 0; i + kEndSize <= tail.size(); ++i) {
      if (Le(tail, i, 4) != kEndSignature) continue;
      signatures.push_back(tail_start + i);
      GOV_ASSIGN_OR_RETURN(std::optional<End> end, ParseEnd(tail_start + i, tail.substr(i, kEndSize)));
      if (end) valid.push_back(*end);
    }
    if (valid.empty()) {
      if (!local_first) return std::optional<ZipDirectory>();
      Problem("it starts with a zip local header but has no usable end-of-central-directory record");
      return std::optional<ZipDirectory>(std::move(dir_));
    }
    const End end = valid.back();
    if (end.at != signatures.back()) {
      Problem(fmt::format("its last end-of-central-directory signature (byte {}) does not describe "
                          "a directory, so readers may disagree on which record is the real one",
                          signatures.back()));
    }
    if (end.at + kEndSize + end.comment != size) {
      Problem(fmt::format("its end-of-central-directory record at byte {} is not the end of the "
                          "file",
                          end.at));
    }
    if (end.multi_disk) Problem("it spans several disks");
    if (end.concat > 0) {
      Problem(fmt::format("{} bytes come before the archive (its offsets are shifted by them)",
                          end.concat));
    }
    regions_ = end.regions;
    regions_.push_back({end.at, size, "end-of-central-directory record"});
    concat_ = end.concat;
    const uint64_t directory_at = end.directory_offset + end.concat;
    regions_.push_back({directory_at, directory_at + end.directory_size, "central directory"});
    if (end.directory_size > kMaxDirectoryBytes) {
      Problem(fmt::format("its central directory is larger than {} bytes", kMaxDirectoryBytes));
      return std::optional<ZipDirectory>(std::move(dir_));
    }
    GOV_RETURN_IF_ERROR(ReadDirectory(directory_at, end.directory_size, end.entries));
    for (ZipEntry& e : dir_.entries) GOV_RETURN_IF_ERROR(ReadLocal(e));
    if (!partial_) CheckCoverage(size);
    // Another record that describes a directory is another way to read the
    // file, unless it lies in a stored member: then it is a zip stored in
    // this one, read as that member.
    for (size_t i = 0; i + 1 < valid.size(); ++i) {
      const uint64_t at = valid[i].at;
      const bool nested = std::any_of(dir_.entries.begin(), dir_.entries.end(), [&](const ZipEntry& e) {
        return e.method == 0 && e.data_offset != 0 && at >= e.data_offset &&
               at + kEndSize <= e.data_offset + e.compressed_size;
      });
      if (!nested) {
        Problem(fmt::format("it has another end-of-central-directory record at byte {} that "
                            "describes a directory, so readers may disagree on what it holds",
                            at));
        break;
      }
    }
    return std::optional<ZipDirectory>(std::move(dir_));
  }

 private:
  struct End {
    uint64_t at = 0;  // of the record
    uint64_t comment = 0;
    uint64_t entries = 0, directory_size = 0, directory_offset = 0;
    uint64_t concat = 0;  // bytes before the archive, as Python's zipfile computes them
    bool multi_disk = false;
    std::vector<Region> regions;  // zip64 record and locator
  };

  // The end record at `at`, when the central directory it describes is
  // where it says (or, as Python's zipfile allows, shifted by data before
  // the archive); nullopt otherwise.
  StatusOr<std::optional<End>> ParseEnd(uint64_t at, std::string_view eocd) {
    End end;
    end.at = at;
    end.comment = Le(eocd, 20, 2);
    end.entries = Le(eocd, 10, 2);
    end.directory_size = Le(eocd, 12, 4);
    end.directory_offset = Le(eocd, 16, 4);
    end.multi_disk = Le(eocd, 4, 2) != 0 || Le(eocd, 6, 2) != 0 || Le(eocd, 8, 2) != end.entries;
    uint64_t limit = at;  // the directory ends before this
    if (at >= 20) {
      std::string locator;
      GOV_RETURN_IF_ERROR(source_.ReadExactly(at - 20, 20, &locator));
      if (Le(locator, 0, 4) == kZip64LocatorSignature) {
        const uint64_t record_at = Le(locator, 8, 8);
        std::string record;
        if (record_at > at - 20 || at - 20 - record_at < 56) return std::optional<End>();
        GOV_RETURN_IF_ERROR(source_.ReadExactly(record_at, 56, &record));
        if (Le(record, 0, 4) != kZip64EndSignature) return std::optional<End>();
        end.regions.push_back({at - 20, at, "zip64 end locator"});
        end.regions.push_back({record_at, record_at + 12 + Le(record, 4, 8), "zip64 end record"});
        end.entries = Le(record, 32, 8);
        end.directory_size = Le(record, 40, 8);
        end.directory_offset = Le(record, 48, 8);
        limit = record_at;
      }
    }
    if (end.directory_size > limit) return std::optional<End>();
    auto directory_at = [&](uint64_t offset) -> StatusOr<bool> {
      if (offset > limit || limit - offset < end.directory_size) return false;
      if (end.directory_size == 0) return end.entries == 0 && offset + end.directory_size == limit;
      std::string sig;
      GOV_RETURN_IF_ERROR(source_.ReadExactly(offset, 4, &sig));
      return Le(sig, 0, 4) == kCentralSignature;
    };
    GOV_ASSIGN_OR_RETURN(bool in_place, directory_at(end.directory_offset));
    if (in_place) return std::optional<End>(std::move(end));
    if (limit - end.directory_size > end.directory_offset) {
      const uint64_t shifted = limit - end.directory_size;
      GOV_ASSIGN_OR_RETURN(bool found, directory_at(shifted));
      if (found) {
        end.concat = shifted - end.directory_offset;
        return std::optional<End>(std::move(end));
      }
    }
    return std::optional<End>();
  }

  void Problem(std::string what) {
    if (dir_.problems.size() < kMaxProblems) {
      dir_.problems.push_back("zip: " + what);
    } else if (dir_.problems.size() == kMaxProblems) {
      dir_.problems.push_back("zip: more problems not listed");
    }
  }

  std::string Name(const ZipEntry& e) const { return PrintableName(e.name); }

  Status ReadDirectory(uint64_t offset, uint64_t size, uint64_t expected) {
    std::string cd;
    GOV_RETURN_IF_ERROR(source_.ReadExactly(offset, static_cast<size_t>(size), &cd));
    size_t pos = 0;
    while (pos < cd.size()) {
      if (dir_.entries.size() >= max_entries_) {
        Problem(fmt::format("it has more than {} members", max_entries_));
        partial_ = true;  // the members not read would show up as gaps
        return Status();
      }
      if (cd.size() - pos < 46 || Le(cd, pos, 4) != kCentralSignature) {
        Problem(fmt::format("its central directory is malformed at byte {}", offset + pos));
        partial_ = true;
        return Status();
      }
      ZipEntry e;
      e.flags = static_cast<uint16_t>(Le(cd, pos + 8, 2));
      e.method = static_cast<uint16_t>(Le(cd, pos + 10, 2));
      e.compressed_size = Le(cd, pos + 20, 4);
      e.size = Le(cd, pos + 24, 4);
      const size_t name_len = Le(cd, pos + 28, 2), extra_len = Le(cd, pos + 30, 2),
                   comment_len = Le(cd, pos + 32, 2);
      uint64_t disk = Le(cd, pos + 34, 2);
      e.header_offset = Le(cd, pos + 42, 4);
      if (cd.size() - pos - 46 < name_len + extra_len + comment_len) {
        Problem(fmt::format("its central directory is malformed at byte {}", offset + pos));
        partial_ = true;
        return Status();
      }
      e.name = cd.substr(pos + 46, name_len);
      const std::string_view extra = std::string_view(cd).substr(pos + 46 + name_len, extra_len);
      if (!Zip64Extra(extra, &e.size, &e.compressed_size, &e.header_offset, &disk)) {
        Problem("the zip64 sizes of " + Name(e) + " are malformed");
      }
      if (disk != 0) Problem("member " + Name(e) + " is on another disk");
      e.header_offset += concat_;
      dir_.entries.push_back(std::move(e));
      pos += 46 + name_len + extra_len + comment_len;
    }
    if (dir_.entries.size() != expected) {
      Problem(fmt::format("its end record counts {} members but the directory lists {}", expected,
                          dir_.entries.size()));
    }
    return Status();
  }

  // Replaces each 0xffff… field by its zip64 value, in the order the
  // format fixes. False when the extra field is malformed.
  static bool Zip64Extra(std::string_view extra, uint64_t* size, uint64_t* compressed,
                         uint64_t* offset, uint64_t* disk) {
    for (size_t p = 0; p + 4 <= extra.size();) {
      const uint64_t id = Le(extra, p, 2), len = Le(extra, p + 2, 2);
      if (p + 4 + len > extra.size()) return false;
      if (id == 1) {
        size_t q = p + 4;
        auto take = [&](uint64_t* v, uint64_t full, size_t width) {
          if (v == nullptr || *v != full) return true;
          if (q + width > p + 4 + len) return false;
          *v = Le(extra, q, width);
          q += width;
          return true;
        };
        return take(size, 0xffffffff, 8) && take(compressed, 0xffffffff, 8) &&
               take(offset, 0xffffffff, 8) && take(disk, 0xffff, 4);
      }
      p += 4 + len;
    }
    return true;
  }

  Status ReadLocal(ZipEntry& e) {
    std::string h;
    if (e.header_offset + 30 > source_.size()) {
      Problem("the local header of " + Name(e) + " lies outside the file");
      return Status();
    }
    GOV_RETURN_IF_ERROR(source_.ReadExactly(e.header_offset, 30, &h));
    if (Le(h, 0, 4) != kLocalSignature) {
      Problem("member " + Name(e) + " has no local header where the directory says");
      return Status();
    }
    const uint16_t flags = static_cast<uint16_t>(Le(h, 6, 2));
    const uint16_t method = static_cast<uint16_t>(Le(h, 8, 2));
    uint64_t compressed = Le(h, 18, 4), size = Le(h, 22, 4);
    const size_t name_len = Le(h, 26, 2), extra_len = Le(h, 28, 2);
    std::string name_extra;
    if (e.header_offset + 30 + name_len + extra_len > source_.size()) {
      Problem("the local header of " + Name(e) + " runs past the end of the file");
      return Status();
    }
    GOV_RETURN_IF_ERROR(source_.ReadExactly(e.header_offset + 30, name_len + extra_len, &name_extra));
    if (name_extra.substr(0, name_len) != e.name) {
      Problem("the local header of " + Name(e) + " names " +
              PrintableName(name_extra.substr(0, name_len)));
    }
    if (method != e.method) Problem("the local header of " + Name(e) + " has another method");
    if ((flags & 1) != (e.flags & 1)) Problem("the local header of " + Name(e) + " disagrees on encryption");
    const bool zip64 = compressed == 0xffffffff || size == 0xffffffff;
    if (!Zip64Extra(std::string_view(name_extra).substr(name_len), &size, &compressed, nullptr,
                    nullptr)) {
      Problem("the local zip64 sizes of " + Name(e) + " are malformed");
    }
    const bool descriptor = (flags & 8) != 0;
    if (!descriptor && (compressed != e.compressed_size || size != e.size)) {
      Problem("the local header of " + Name(e) + " gives other sizes than the directory");
    }
    e.data_offset = e.header_offset + 30 + name_len + extra_len;
    if (e.data_offset > source_.size() || source_.size() - e.data_offset < e.compressed_size) {
      Problem("the data of " + Name(e) + " runs past the end of the file");
      e.data_offset = 0;
      return Status();
    }
    uint64_t end = e.data_offset + e.compressed_size;
    if (descriptor) {
      std::string sig;
      GOV_RETURN_IF_ERROR(source_.ReadAt(end, 4, &sig));
      const bool signed_descriptor = sig.size() == 4 && Le(sig, 0, 4) == kDescriptorSignature;
      end += (signed_descriptor ? 4 : 0) + 4 + (zip64 || e.size > 0xffffffff ? 16 : 8);
    }
    regions_.push_back({e.header_offset, end, "member " + Name(e)});
    return Status();
  }

  void CheckCoverage(uint64_t size) {
    std::sort(regions_.begin(), regions_.end(),
              [](const Region& a, const Region& b) { return a.begin < b.begin; });
    uint64_t at = 0;
    for (const Region& r : regions_) {
      if (r.begin > at) {
        Problem(fmt::format("{} bytes at byte {} belong to no member", r.begin - at, at));
      } else if (r.begin < at) {
        Problem(fmt::format("{} overlaps what comes before it at byte {}", r.what, r.begin));
      }
      at = std::max(at, r.end);
    }
    if (at < size) Problem(fmt::format("{} bytes at byte {} belong to no member", size - at, at));
  }

  const ByteSource& source_;
  uint64_t max_entries_;
  ZipDirectory dir_;
  std::vector<Region> regions_;
  uint64_t concat_ = 0;
  bool partial_ = false;  // not every entry was read: coverage says nothing
};

}  // namespace

StatusOr<std::optional<ZipDirectory>> ReadZipDirectory(const ByteSource& source,
                                                       uint64_t max_entries) {
  return Reader(source, max_entries).Read();
}

std::string ZipMethodName(uint16_t method) {
  switch (method) {
    case 0: return "stored";
    case 8: return "deflate";
    default: return fmt::format("method {}", method);
  }
}

}  // namespace governance
