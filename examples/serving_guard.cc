// A serving service's start-up check: before loading a model, ask the
// governance store whether this exact artifact may serve in this
// environment. Exit 0 serve, 1 refuse, 2 error — so it can gate a container's
// entrypoint:  serving_guard --store S --approval ID --env production --artifact /models/fraud
#include <iostream>
#include <string>

#include "governance/coordinator.h"
#include "governance/store.h"

int main(int argc, char** argv) {
  std::string store_url, ledger_key, approval, env, scope, artifact;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--store") store_url = value;
    else if (flag == "--ledger-key") ledger_key = value;
    else if (flag == "--approval") approval = value;
    else if (flag == "--env") env = value;
    else if (flag == "--scope") scope = value;
    else if (flag == "--artifact") artifact = value;
    else {
      std::cerr << "serving_guard: unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (store_url.empty() || ledger_key.empty() || approval.empty() || env.empty() ||
      artifact.empty()) {
    std::cerr << "usage: serving_guard --store URL --ledger-key FILE --approval ID --env ENV "
                 "[--scope S] --artifact PATH\n";
    return 2;
  }
  auto key = governance::LoadPrivateKey(ledger_key);
  if (!key.ok()) {
    std::cerr << "serving_guard: " << key.status() << "\n";
    return 2;
  }
  governance::StoreOptions options;
  options.ledger_key = *key;
  auto store = governance::OpenStore(store_url, options);
  if (!store.ok()) {
    std::cerr << "serving_guard: " << store.status() << "\n";
    return 2;
  }
  governance::ServingPlane serving(**store);
  governance::GateRequest request{approval, env, scope, artifact, std::nullopt};
  auto result = serving.Verify(request, "serving_guard");
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
