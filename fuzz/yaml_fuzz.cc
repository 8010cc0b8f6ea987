// libFuzzer target for the YAML reader every manifest, metrics file and
// policy data file goes through (core/yaml_document.cc on libyaml): nesting,
// aliases and their expansion bound, duplicate keys, scalar typing. A
// document it accepts must serialise to canonical JSON that reads back equal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = governance::ParseYaml(text, "fuzz.yaml");
  if (!doc.ok()) return 0;
  if (!governance::CheckFiniteNumbers(*doc, "fuzz.yaml").ok()) return 0;
  std::string canonical = governance::CanonicalJson(*doc);
  auto again = governance::ParseJson(canonical, "canonical.json");
  if (!again.ok() || *again != *doc) std::abort();
  return 0;
}
