// A serving host's start-up check: before loading a model, verify that this
// exact artifact may serve in this environment, offline, from a bundle that
// `mgov export --bundle` wrote, against a governance root pinned on the host.
// The host needs neither the store nor any private key. Exit 0 serve,
// 1 refuse, 2 error, so it can gate a container's entrypoint:
//
//   serving_guard --bundle /etc/mgov/fraud.json --trust /etc/mgov/root.json
//                 --env production --artifact /models/fraud
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "governance/dsse.h"
#include "governance/verification_bundle.h"

namespace {

bool ReadWhole(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bundle_path, trust_path, env, scope, artifact;
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "serving_guard: " << flag << " needs a value\n";
      return 2;
    }
    std::string value = argv[i + 1];
    if (flag == "--bundle") bundle_path = value;
    else if (flag == "--trust") trust_path = value;
    else if (flag == "--env") env = value;
    else if (flag == "--scope") scope = value;
    else if (flag == "--artifact") artifact = value;
    else {
      std::cerr << "serving_guard: unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (bundle_path.empty() || trust_path.empty() || env.empty() || artifact.empty()) {
    std::cerr << "usage: serving_guard --bundle FILE --trust ROOT.json --env ENV [--scope S] "
                 "--artifact PATH\n";
    return 2;
  }
  std::string bundle, root_text;
  if (!ReadWhole(bundle_path, &bundle) || !ReadWhole(trust_path, &root_text)) {
    std::cerr << "serving_guard: cannot read " << bundle_path << " or " << trust_path << "\n";
    return 2;
  }
  auto root = governance::ParseEnvelope(root_text, trust_path);
  if (!root.ok()) {
    std::cerr << "serving_guard: " << root.status() << "\n";
    return 2;
  }
  governance::BundleGateRequest request;
  request.environment = env;
  request.scope = scope;
  request.artifact_path = artifact;
  auto result = governance::VerifyVerificationBundle(bundle, *root, request);
  if (!result.ok()) {
    std::cerr << "serving_guard: " << result.status() << "\n";
    return 2;
  }
  for (const auto& gate : result->gates) {
    if (!gate.passed) std::cout << "refused at " << gate.name << ": " << gate.reason << "\n";
  }
  std::cout << (result->promoted ? "serve " : "refuse ") << result->model_id << " "
            << result->model_version << "\n";
  return result->promoted ? 0 : 1;
}
