#include "core/random_id.h"

#include <sodium.h>

#include "core/encoding.h"
#include "core/sodium.h"

namespace governance {

std::string RandomId(std::string_view prefix) {
  EnsureSodium();
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  return std::string(prefix) + HexEncode({reinterpret_cast<char*>(bytes), sizeof bytes});
}

}  // namespace governance
