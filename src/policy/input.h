// Reading an input document for evaluation: its Value and its digest in one
// pass over the JSON, and the SHA-256 both digests of a decision use.
//
//   std::string digest;
//   Value in = ConvertInput(manifest, &digest);  // digest: "sha256:<hex>"
//
// The digest is SHA-256 over CanonicalJson(json) (core/document.h), written
// straight into the hash instead of into a string first: serialising and
// hashing were a third of an in-process evaluation.
//
// Thread-safety: the functions are thread-safe; a DigestWriter is not.
#ifndef GOVERNANCE_SRC_POLICY_INPUT_H_
#define GOVERNANCE_SRC_POLICY_INPUT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include "policy/string_table.h"
#include "policy/value.h"

namespace governance::rego {

// Incremental SHA-256 that buffers small writes.
//
// It calls OpenSSL's SHA256_* functions, not EVP: in OpenSSL 3 the first EVP
// digest of a process loads the configuration and fetches the implementation
// from the provider store, about 5 million instructions (~1.5 ms), more than
// loading and evaluating the default bundle; every later EVP init repeats a
// locked lookup. SHA256_* run the same SHA-NI code without either. They are
// deprecated in OpenSSL 3.0 but still part of its API.
class DigestWriter {
 public:
  DigestWriter();
  DigestWriter(const DigestWriter&) = delete;
  DigestWriter& operator=(const DigestWriter&) = delete;

  void Append(std::string_view bytes);
  void Append(char c) {
    if (used_ == sizeof buf_) Flush();
    buf_[used_++] = c;
  }
  // Space for `n` more bytes in the buffer, written by the caller and then
  // kept by Commit(n) (or dropped by not committing). REQUIRES: n <= kBuffer.
  char* Reserve(size_t n) {
    if (n > sizeof buf_ - used_) Flush();
    return buf_ + used_;
  }
  void Commit(size_t n) { used_ += n; }
  // "sha256:" + lowercase hex of the digest of everything appended.
  std::string FinishHex();

  static constexpr size_t kBuffer = 1024;

 private:
  void Flush();

  SHA256_CTX ctx_;
  size_t used_ = 0;
  char buf_[kBuffer];
};

// Value::FromJson(json), and sets *digest to "sha256:" + hex SHA-256 of
// CanonicalJson(json).
Value ConvertInput(const nlohmann::json& json, std::string* digest);

// The same, but an object key found in `strings` (may be null) is taken from
// there instead of allocated: a compiled program's literals (Program::strings).
Value ConvertInput(const nlohmann::json& json,
                   const StringTable* strings,
                   std::string* digest);

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_INPUT_H_
