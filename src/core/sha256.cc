#include "core/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "core/encoding.h"

namespace governance {

struct Sha256::Rep {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : rep_(std::make_unique<Rep>()) {
  rep_->ctx = EVP_MD_CTX_new();
  if (rep_->ctx == nullptr || EVP_DigestInit_ex(rep_->ctx, EVP_sha256(), nullptr) != 1) {
    // Only allocation failure gets here; there is no meaningful recovery.
    std::abort();
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(rep_->ctx); }

void Sha256::Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }

void Sha256::Update(const void* data, size_t size) {
  EVP_DigestUpdate(rep_->ctx, data, size);
}

std::string Sha256::Finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(rep_->ctx, out, &len);
  EVP_DigestInit_ex(rep_->ctx, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha256Digest(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.Finish();
}

std::string Sha256Hex(std::string_view bytes) { return HexEncode(Sha256Digest(bytes)); }

}  // namespace governance
