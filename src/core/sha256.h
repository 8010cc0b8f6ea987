// SHA-256 through OpenSSL's EVP interface (SHA-NI where the CPU has it).
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
