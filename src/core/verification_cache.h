// Cryptographic checks this process has already passed, remembered by a
// SHA-256 of what was checked: Ed25519 signatures (public key, signature,
// SHA-256 of the message) and public keys of prime order. A service that
// checks the same governance chain on every request then pays each costly
// check once. Only successes are kept, in a bounded set (cleared when full);
// a match needs a SHA-256 collision, so finding a fact there is as good as
// checking it again. Thread-safe.
#ifndef GOVERNANCE_SRC_CORE_VERIFICATION_CACHE_H_
#define GOVERNANCE_SRC_CORE_VERIFICATION_CACHE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace governance {

std::string SignatureFact(std::string_view public_key, std::string_view message,
                          std::string_view signature);
std::string ValidPointFact(std::string_view public_key);

bool CheckedBefore(const std::string& fact);
void RememberChecked(const std::string& fact);

// Forgets every fact and, through the generation ParseCache watches, every
// parse: for benchmarks that measure a process's first verification.
void ForgetEverythingChecked();
uint64_t CacheGeneration();

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_VERIFICATION_CACHE_H_
