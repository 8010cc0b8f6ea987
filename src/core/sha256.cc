// OPENSSL_SUPPRESS_DEPRECATED: see sha256.h for why SHA256_* rather than EVP.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "core/sha256.h"

#include <openssl/sha.h>

#include "core/encoding.h"

namespace governance {

struct Sha256::Rep {
  SHA256_CTX ctx;
};

Sha256::Sha256() : rep_(std::make_unique<Rep>()) { SHA256_Init(&rep_->ctx); }

Sha256::~Sha256() = default;

void Sha256::Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }

void Sha256::Update(const void* data, size_t size) { SHA256_Update(&rep_->ctx, data, size); }

std::string Sha256::Finish() {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256_Final(out, &rep_->ctx);
  SHA256_Init(&rep_->ctx);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string Sha256Digest(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.Finish();
}

std::string Sha256Hex(std::string_view bytes) { return HexEncode(Sha256Digest(bytes)); }

}  // namespace governance
