// One place that makes sure libsodium is initialised before use.
#ifndef GOVERNANCE_SRC_CORE_SODIUM_H_
#define GOVERNANCE_SRC_CORE_SODIUM_H_

namespace governance {

// Initialises libsodium once per process; thread-safe. Aborts if the library
// cannot initialise (no usable random source), since no key can then be safe.
void EnsureSodium();

}  // namespace governance

#endif  // GOVERNANCE_SRC_CORE_SODIUM_H_
