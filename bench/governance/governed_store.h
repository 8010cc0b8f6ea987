// A fresh SQLite store with a governance root (one admin) and keys enrolled
// on demand: what every governance benchmark starts from.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <functional>
#include <memory>
#include <string>

#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/store.h"
#include "safetensors.h"

namespace governance::bench {

struct GovernedStore {
  // `configure` may adjust the initial configuration (quorums, TTLs) before
  // the root is signed.
  explicit GovernedStore(const std::string& name,
                         const std::function<void(GovernanceConfig&)>& configure = {}) {
    dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    StoreOptions options;
    options.ledger_key = *GeneratePrivateKey();
    store = std::move(*OpenStore("sqlite:" + (dir / "g.db").string(), options));
    (void)store->Migrate();
    InitRequest init;
    init.admins = {{"admin", admin.public_key()}};
    init.signing_admins = {&admin};
    init.online_key = options.ledger_key->public_key();
    // Policy is opted into per benchmark (BM_ApproveWithDefaultPolicy).
    init.require_no_policy = true;
    if (configure) configure(init.config);
    root = InitializeGovernance(*store, init)->root.envelope;
    planes.trust = PinnedTrust(root);
  }
  ~GovernedStore() { std::filesystem::remove_all(dir); }
  GovernedStore(const GovernedStore&) = delete;
  GovernedStore& operator=(const GovernedStore&) = delete;

  PrivateKey Enrol(const std::string& identity, Role role) {
    PrivateKey key = *GeneratePrivateKey();
    (void)Administration(*store, planes).EnrollKey(key.public_key(), identity, {role}, admin);
    return key;
  }

  // Records version 1 of model "fraud": an artifact of `artifact_bytes`
  // bytes in `dir`, signed by `trainer`.
  SignedTrainingOutput Train(const PrivateKey& trainer, std::size_t artifact_bytes,
                             std::optional<nlohmann::json> manifest = std::nullopt) {
    // Real safetensors bytes, which the default bundle's artifact rules accept.
    std::ofstream(dir / "model.bin") << testing::Safetensors(std::string(artifact_bytes, 'w'));
    TrainingRequest req;
    req.model_id = "fraud";
    req.model_version = "1";
    req.artifact_path = (dir / "model.bin").string();
    if (manifest) req.manifest = std::move(*manifest);
    return *TrainingPlane(*store, planes).Record(req, trainer);
  }

  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  PrivateKey admin = *GeneratePrivateKey();
  PlaneOptions planes;
  Envelope root;
};

}  // namespace governance::bench
