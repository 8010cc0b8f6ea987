#include "training/inflate.h"

#include <zlib.h>

#include <algorithm>

namespace governance {

StatusOr<Inflated> Inflate(const ByteSource& source, Deflate kind, uint64_t max_out) {
  Inflated out;
  z_stream z{};
  const int bits = kind == Deflate::kRaw ? -15 : kind == Deflate::kGzip ? 15 + 16 : 15;
  if (inflateInit2(&z, bits) != Z_OK) return InternalError("zlib: inflateInit2 failed");
  struct Ender {
    z_stream* z;
    ~Ender() { inflateEnd(z); }
  } ender{&z};

  constexpr size_t kIn = 1 << 20, kOut = 1 << 20;
  std::string in;
  std::string chunk(kOut, '\0');
  uint64_t offset = 0;
  bool stream_end = false;
  while (true) {
    if (z.avail_in == 0) {
      if (offset >= source.size()) break;
      GOV_RETURN_IF_ERROR(source.ReadAt(offset, kIn, &in));
      if (in.empty()) break;
      offset += in.size();
      z.next_in = reinterpret_cast<Bytef*>(in.data());
      z.avail_in = static_cast<uInt>(in.size());
    }
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    const size_t produced = chunk.size() - z.avail_out;
    if (out.bytes.size() + produced > max_out) {
      out.bytes.append(chunk, 0, static_cast<size_t>(max_out - out.bytes.size()));
      out.over_limit = true;
      break;
    }
    out.bytes.append(chunk, 0, produced);
    if (rc == Z_STREAM_END) {
      stream_end = true;
      // gzip: another member may follow; zlib and raw: the rest is not ours.
      const uint64_t used = offset - z.avail_in;
      if (kind != Deflate::kGzip) {
        out.consumed = used;
        out.complete = true;
        return out;
      }
      std::string magic;
      GOV_RETURN_IF_ERROR(source.ReadAt(used, 2, &magic));
      if (magic != "\x1f\x8b") {
        out.consumed = used;
        out.complete = true;
        return out;
      }
      if (inflateReset(&z) != Z_OK) return InternalError("zlib: inflateReset failed");
      stream_end = false;
      continue;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) continue;  // wants more input
    if (rc != Z_OK) {
      out.error = z.msg ? z.msg : "invalid compressed data";
      break;
    }
  }
  if (!stream_end && out.error.empty() && !out.over_limit) {
    out.error = "the compressed data ends before its end of stream";
  }
  out.consumed = offset - z.avail_in;
  return out;
}

}  // namespace governance
