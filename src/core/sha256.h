// SHA-256 through OpenSSL's SHA256_* functions (SHA-NI where the CPU has it).
//
// Not EVP: in OpenSSL 3 the first EVP digest of a process loads the
// configuration and fetches the implementation from the provider store,
// about 5 million instructions (~1.5 ms), and linking EVP statically brings
// ~300 KB of tables that the loader relocates, ~75 more page faults at every
// start of `mgov`. SHA256_* run the same code without either. They are
// deprecated in OpenSSL 3.0 but still part of its API.
#ifndef GOVERNANCE_SRC_CORE_SHA256_H_
#define GOVERNANCE_SRC_CORE_SHA256_H_

#include <memory>
#include <string>
#include <string_view>

namespace governance {

// Incremental SHA-256. Not thread-safe; one per thread.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  void Update(const void* data, size_t size);
  // Returns the 32-byte digest; the object is reset for reuse.
  std::string Finish();

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// The 32-byte digest of `bytes`.
std::string Sha256Digest(std::string_view bytes);
// Lowercase hex of the digest of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_SHA256_H_
