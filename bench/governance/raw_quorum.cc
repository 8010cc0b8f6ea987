// The least a serving host could do instead of mgov: read an approval's
// envelope out of a bundle and check that its first 3 signatures verify
// with the given public keys (raw 32-byte hex), with libsodium alone.
//   raw_quorum BUNDLE.json HEXKEY HEXKEY HEXKEY   → exit 0 when all verify
#include <sodium.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

std::string Base64(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "";
  }
  out.resize(len);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 || sodium_init() < 0) return 2;
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  auto bundle = nlohmann::json::parse(text.str(), nullptr, false);
  if (!bundle.is_object()) return 2;
  const auto& env = bundle["approval"]["envelope"];
  const std::string type = env["payloadType"];
  const std::string payload = Base64(env["payload"]);
  const std::string pae = "DSSEv1 " + std::to_string(type.size()) + " " + type + " " +
                          std::to_string(payload.size()) + " " + payload;
  int ok = 0;
  for (int i = 0; i < 3; ++i) {
    std::string key(32, '\0');
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), argv[2 + i],
                       64, nullptr, nullptr, nullptr) != 0) {
      return 2;
    }
    const std::string sig = Base64(env["signatures"][i]["sig"]);
    ok += sig.size() == 64 &&
          crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                      reinterpret_cast<const unsigned char*>(pae.data()),
                                      pae.size(),
                                      reinterpret_cast<const unsigned char*>(key.data())) == 0;
  }
  std::cout << (ok == 3 ? "serve" : "refuse") << "\n";
  return ok == 3 ? 0 : 1;
}
