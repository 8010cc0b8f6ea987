// Recognising model file formats from their bytes, never from names. Each
// sniffer answers whether the bytes are its format, are not, or start like
// it but break its rules (`kBroken`, with why): a file named
// model.safetensors whose header does not tile the file is not safetensors.
#ifndef GOVERNANCE_SRC_TRAINING_FILE_FORMAT_H_
#define GOVERNANCE_SRC_TRAINING_FILE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "governance/status.h"
#include "training/byte_source.h"

namespace governance {

struct Sniff {
  enum Match { kNo, kYes, kBroken };
  Match match = kNo;
  std::string detail;  // "3 tensors"; for kBroken, what is wrong
};

// The 8-byte little-endian header length N (at most 100,000,000, as the
// safetensors library allows), then N bytes of JSON: an object of tensors
// {dtype, shape, data_offsets} and an optional "__metadata__" of strings.
// Every dtype known, every shape of non-negative integers, and the
// data_offsets, sorted, tile the data after the header exactly: no gap, no
// overlap, no byte left over.
StatusOr<Sniff> SniffSafetensors(const ByteSource& source);

// "GGUF" then a little-endian version 1, 2 or 3.
StatusOr<Sniff> SniffGguf(const ByteSource& source);

// The HDF5 signature \x89HDF\r\n\x1a\n at byte 0, 512, 1024, 2048, …;
// `*at` is where (after a user block when not 0).
StatusOr<Sniff> SniffHdf5(const ByteSource& source, uint64_t* at);

// The whole source parses as a protobuf message whose fields are all
// ModelProto's (ir_version, producer_*, domain, model_version, doc_string,
// graph, opset_import, metadata_props, training_info, functions,
// configuration) with their wire types, including an ir_version and a graph.
StatusOr<Sniff> SniffOnnx(const ByteSource& source);

// A numpy .npy header.
struct NpyHeader {
  bool object = false;       // the dtype holds Python objects: a pickle follows
  uint64_t data_offset = 0;  // where the array data (or the pickle) starts
  std::string descr;         // the dtype as written
};
// "\x93NUMPY", version 1–3, and a header dict with a 'descr'. kBroken when
// the magic is there but the header is not.
StatusOr<Sniff> SniffNpy(const ByteSource& source, NpyHeader* header);

// Containers recognised by their magic bytes: "gzip", "bzip2", "xz",
// "zstd", "7z", "rar", "tar" (ustar at 257); "" for none. zlib streams,
// whose two-byte header is weak evidence, are recognised by inflating.
StatusOr<std::string> ContainerMagic(const ByteSource& source);

// Whether the first two bytes are a zlib header (deflate, 32 KiB window or
// less, no preset dictionary, valid check bits).
bool LooksLikeZlib(std::string_view head);

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_FILE_FORMAT_H_
