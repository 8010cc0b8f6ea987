#include "core/sodium.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace governance {

void EnsureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) {
      std::fputs("mgov: libsodium failed to initialise\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialised;
}

}  // namespace governance
