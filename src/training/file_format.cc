#include "training/file_format.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "core/document.h"

namespace governance {
namespace {

uint64_t Le(std::string_view b, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

Sniff Broken(std::string why) { return {Sniff::kBroken, std::move(why)}; }

// Bits per element of each safetensors dtype.
int DtypeBits(std::string_view dtype) {
  static const std::map<std::string_view, int> kBits = {
      {"BOOL", 8},    {"U8", 8},      {"I8", 8},        {"F8_E5M2", 8}, {"F8_E4M3", 8},
      {"F8_E8M0", 8}, {"F4", 4},      {"F6_E2M3", 6},   {"F6_E3M2", 6}, {"I16", 16},
      {"U16", 16},    {"F16", 16},    {"BF16", 16},     {"I32", 32},    {"U32", 32},
      {"F32", 32},    {"F64", 64},    {"I64", 64},      {"U64", 64},    {"C64", 64},
  };
  auto it = kBits.find(dtype);
  return it == kBits.end() ? 0 : it->second;
}

bool NonNegativeInteger(const nlohmann::json& v, uint64_t* out) {
  if (v.is_number_unsigned()) {
    *out = v.get<uint64_t>();
    return true;
  }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    *out = static_cast<uint64_t>(v.get<int64_t>());
    return true;
  }
  return false;
}

}  // namespace

StatusOr<Sniff> SniffSafetensors(const ByteSource& source) {
  constexpr uint64_t kMaxHeader = 100'000'000;
  if (source.size() < 10) return Sniff{};
  std::string head;
  GOV_RETURN_IF_ERROR(source.ReadExactly(0, 9, &head));
  const uint64_t n = Le(head, 0, 8);
  if (head[8] != '{' || n < 2 || n > kMaxHeader || n > source.size() - 8) return Sniff{};
  std::string text;
  GOV_RETURN_IF_ERROR(source.ReadExactly(8, static_cast<size_t>(n), &text));
  auto header = ParseJson(text, "safetensors header");
  if (!header.ok()) return Broken(std::string(header.status().message()));
  if (!header->is_object()) return Broken("the safetensors header is not a JSON object");
  struct Tensor {
    std::string name;
    uint64_t begin, end;
  };
  std::vector<Tensor> tensors;
  for (const auto& item : header->items()) {
    // Named, not a structured binding: clang 14 cannot capture one in `bad`.
    const std::string& name = item.key();
    const nlohmann::json& info = item.value();
    if (name == "__metadata__") {
      if (!info.is_object()) return Broken("__metadata__ is not an object");
      for (const auto& [k, v] : info.items()) {
        if (!v.is_string()) return Broken("__metadata__ value " + k + " is not a string");
      }
      continue;
    }
    auto bad = [&](const std::string& what) { return Broken("tensor " + name + ": " + what); };
    if (!info.is_object()) return bad("not an object");
    for (const auto& [k, v] : info.items()) {
      if (k != "dtype" && k != "shape" && k != "data_offsets") return bad("unknown field " + k);
    }
    if (!info.contains("dtype") || !info["dtype"].is_string()) return bad("no dtype string");
    const int bits = DtypeBits(info["dtype"].get<std::string>());
    if (bits == 0) return bad("unknown dtype " + info["dtype"].get<std::string>());
    if (!info.contains("shape") || !info["shape"].is_array()) return bad("no shape array");
    uint64_t elements = 1;
    for (const auto& d : info["shape"]) {
      uint64_t dim;
      if (!NonNegativeInteger(d, &dim)) return bad("a shape entry is not a non-negative integer");
      if (dim != 0 && elements > UINT64_MAX / dim) return bad("its shape overflows");
      elements *= dim;
    }
    if (elements > UINT64_MAX / 8) return bad("its shape overflows");
    const uint64_t element_bits = elements * static_cast<uint64_t>(bits);
    if (element_bits % 8 != 0) return bad("its elements do not fill whole bytes");
    const auto& offsets = info.contains("data_offsets") ? info["data_offsets"] : nlohmann::json();
    uint64_t begin, end;
    if (!offsets.is_array() || offsets.size() != 2 || !NonNegativeInteger(offsets[0], &begin) ||
        !NonNegativeInteger(offsets[1], &end)) {
      return bad("data_offsets is not [begin, end]");
    }
    if (end < begin || end - begin != element_bits / 8) {
      return bad(fmt::format("data_offsets [{}, {}] do not hold its {} bytes", begin, end,
                             element_bits / 8));
    }
    tensors.push_back({name, begin, end});
  }
  std::sort(tensors.begin(), tensors.end(), [](const Tensor& a, const Tensor& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const uint64_t data = source.size() - 8 - n;
  uint64_t at = 0;
  for (const Tensor& t : tensors) {
    if (t.begin != at) {
      return Broken(fmt::format("tensor {} starts at data byte {}, not {}: the offsets leave a "
                                "gap or overlap",
                                t.name, t.begin, at));
    }
    at = t.end;
  }
  if (at != data) {
    return Broken(fmt::format("the tensors cover {} of the {} data bytes after the header", at,
                              data));
  }
  return Sniff{Sniff::kYes, fmt::format("{} tensor{}, header {} bytes", tensors.size(),
                                        tensors.size() == 1 ? "" : "s", n)};
}

StatusOr<Sniff> SniffGguf(const ByteSource& source) {
  std::string head;
  GOV_RETURN_IF_ERROR(source.ReadAt(0, 8, &head));
  if (head.size() < 4 || head.substr(0, 4) != "GGUF") return Sniff{};
  if (head.size() < 8) return Broken("GGUF magic without a version");
  const uint64_t version = Le(head, 4, 4);
  if (version < 1 || version > 3) return Broken(fmt::format("GGUF version {} is unknown", version));
  return Sniff{Sniff::kYes, fmt::format("version {}", version)};
}

StatusOr<Sniff> SniffHdf5(const ByteSource& source, uint64_t* at) {
  static constexpr std::string_view kSignature("\x89HDF\r\n\x1a\n", 8);
  std::string sig;
  for (*at = 0; *at + kSignature.size() <= source.size(); *at = *at == 0 ? 512 : *at * 2) {
    GOV_RETURN_IF_ERROR(source.ReadExactly(*at, kSignature.size(), &sig));
    if (sig == kSignature) {
      return Sniff{Sniff::kYes, *at == 0 ? "superblock at byte 0"
                                         : fmt::format("superblock at byte {} after a user block", *at)};
    }
  }
  *at = 0;
  return Sniff{};
}

StatusOr<Sniff> SniffOnnx(const ByteSource& source) {
  // ModelProto's fields and wire types (onnx.proto).
  static const std::map<uint64_t, int> kFields = {{1, 0},  {2, 2},  {3, 2},  {4, 2},
                                                  {5, 0},  {6, 2},  {7, 2},  {8, 2},
                                                  {14, 2}, {20, 2}, {25, 2}, {26, 2}};
  constexpr int kMaxFields = 100'000;
  ByteCursor in(source, 0, 64 << 10);
  auto varint = [&](uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const int b = in.Next();
      if (b < 0) return false;
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  };
  bool ir_version = false, graph = false;
  int fields = 0;
  while (!in.AtEnd()) {
    if (++fields > kMaxFields) return Sniff{};
    uint64_t key, value;
    if (!varint(&key)) return Sniff{};
    auto it = kFields.find(key >> 3);
    if (it == kFields.end() || static_cast<int>(key & 7) != it->second) return Sniff{};
    if (!varint(&value)) return Sniff{};
    if (it->second == 2 && !in.Skip(value)) return Sniff{};
    ir_version = ir_version || key >> 3 == 1;
    graph = graph || key >> 3 == 7;
  }
  GOV_RETURN_IF_ERROR(in.status());
  if (!ir_version || !graph) return Sniff{};
  return Sniff{Sniff::kYes, fmt::format("{} top-level fields", fields)};
}

StatusOr<Sniff> SniffNpy(const ByteSource& source, NpyHeader* header) {
  std::string head;
  GOV_RETURN_IF_ERROR(source.ReadAt(0, 12, &head));
  if (head.size() < 6 || head.substr(0, 6) != "\x93NUMPY") return Sniff{};
  if (head.size() < 10) return Broken("npy magic without a header");
  const int major = static_cast<unsigned char>(head[6]);
  if (major < 1 || major > 3) return Broken(fmt::format("npy version {} is unknown", major));
  if (major > 1 && head.size() < 12) return Broken("npy header length is cut off");
  const uint64_t length = major == 1 ? Le(head, 8, 2) : Le(head, 8, 4);
  const uint64_t start = major == 1 ? 10 : 12;
  if (length > (uint64_t{1} << 20) || start + length > source.size()) {
    return Broken("npy header runs past the end of the file");
  }
  std::string text;
  GOV_RETURN_IF_ERROR(source.ReadExactly(start, static_cast<size_t>(length), &text));
  header->data_offset = start + length;
  // The header is a Python dict literal; only 'descr' matters here.
  size_t key = text.find("'descr'");
  if (key == std::string::npos) key = text.find("\"descr\"");
  if (key == std::string::npos) return Broken("npy header has no descr");
  size_t p = text.find(':', key + 7);
  if (p == std::string::npos) return Broken("npy header has no descr value");
  ++p;
  while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
  if (p == text.size()) return Broken("npy header has no descr value");
  // A quoted string, or a bracketed list of fields (quotes inside skipped).
  size_t end = p;
  if (text[p] == '\'' || text[p] == '"') {
    end = text.find(text[p], p + 1);
    if (end == std::string::npos) return Broken("npy descr is not closed");
    ++end;
  } else if (text[p] == '[') {
    int depth = 0;
    char quote = 0;
    for (; end < text.size(); ++end) {
      const char c = text[end];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        ++depth;
      } else if ((c == ']' || c == ')') && --depth == 0) {
        ++end;
        break;
      }
    }
    if (depth != 0) return Broken("npy descr is not closed");
  } else {
    return Broken("npy descr is neither a string nor a list");
  }
  header->descr = text.substr(p, end - p);
  // Object dtype: any type string 'O' (with a byte order or size), in a plain
  // or a structured dtype. A field named "O" counts too: that errs on the
  // side of scanning for a pickle.
  header->object = false;
  for (size_t q = 0; q < header->descr.size();) {
    const char c = header->descr[q];
    if (c != '\'' && c != '"') {
      ++q;
      continue;
    }
    const size_t close = header->descr.find(c, q + 1);
    if (close == std::string::npos) break;
    std::string_view s = std::string_view(header->descr).substr(q + 1, close - q - 1);
    if (!s.empty() && (s[0] == '|' || s[0] == '<' || s[0] == '>' || s[0] == '=')) s.remove_prefix(1);
    if (!s.empty() && s[0] == 'O' &&
        std::all_of(s.begin() + 1, s.end(), [](char d) { return d >= '0' && d <= '9'; })) {
      header->object = true;
    }
    q = close + 1;
  }
  return Sniff{Sniff::kYes, "dtype " + header->descr};
}

StatusOr<std::string> ContainerMagic(const ByteSource& source) {
  std::string head;
  GOV_RETURN_IF_ERROR(source.ReadAt(0, 8, &head));
  auto starts = [&](std::string_view magic) { return std::string_view(head).starts_with(magic); };
  if (starts("\x1f\x8b\x08")) return std::string("gzip");
  if (head.size() >= 4 && starts("BZh") && head[3] >= '1' && head[3] <= '9') return std::string("bzip2");
  if (starts(std::string_view("\xfd" "7zXZ\0", 6))) return std::string("xz");
  if (starts("\x28\xb5\x2f\xfd")) return std::string("zstd");
  if (starts("7z\xbc\xaf\x27\x1c")) return std::string("7z");
  if (starts("Rar!\x1a\x07")) return std::string("rar");
  std::string ustar;
  GOV_RETURN_IF_ERROR(source.ReadAt(257, 5, &ustar));
  if (ustar == "ustar") return std::string("tar");
  return std::string();
}

bool LooksLikeZlib(std::string_view head) {
  if (head.size() < 2) return false;
  const auto cmf = static_cast<unsigned char>(head[0]), flg = static_cast<unsigned char>(head[1]);
  return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (flg & 0x20) == 0 && (cmf * 256 + flg) % 31 == 0;
}

}  // namespace governance
