// Building a real safetensors file, for tests and benchmarks whose artifact
// must pass the default policy bundle's checks of the artifact's bytes.
#ifndef GOVERNANCE_TESTS_SAFETENSORS_H_
#define GOVERNANCE_TESTS_SAFETENSORS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace governance::testing {

// A valid safetensors file whose one U8 tensor holds `bytes`: an artifact
// the default policy bundle accepts as `spec.artifact.format: safetensors`
// (policies/artifact.rego judges the bytes, not the claim).
inline std::string Safetensors(std::string_view bytes) {
  const std::string n = std::to_string(bytes.size());
  const std::string header =
      "{\"weights\":{\"dtype\":\"U8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}";
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(uint64_t{header.size()} >> (8 * i));
  return out + header + std::string(bytes);
}

}  // namespace governance::testing

#endif  // GOVERNANCE_TESTS_SAFETENSORS_H_
