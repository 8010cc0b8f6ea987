// libFuzzer target for the documents that define a governance domain: the
// configuration (governance/governance_config.cc, `mgov init --config` and
// `admin config`, JSON or YAML), the root (governance/trust.cc, `mgov root
// pin`, `--trust root.json`) and the governance change
// (governance/governance_change.cc), as bare payloads or in their DSSE
// envelopes.
//
// Each accepted document must serialise to a payload that reads back as the
// same document (a change's or root's payload digest chains the next one, so
// it may not move), and a root envelope is also verified as a one-version
// chain pinned to itself, the check `mgov root pin` makes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/document.h"
#include "fuzz_check.h"
#include "governance/administration.h"
#include "governance/config.h"
#include "governance/dsse.h"
#include "governance/trust.h"

namespace governance {
namespace {

using fuzz::NamesOrigin;

bool SameRule(const EnvironmentRule& a, const EnvironmentRule& b) {
  return a.name == b.name && a.min_approvers == b.min_approvers &&
         a.max_ttl_seconds == b.max_ttl_seconds && a.requires_prior == b.requires_prior &&
         a.separation_of_duties == b.separation_of_duties && a.policy_bundle == b.policy_bundle;
}

bool SameConfig(const GovernanceConfig& a, const GovernanceConfig& b) {
  if (a.environments.size() != b.environments.size()) return false;
  for (size_t i = 0; i < a.environments.size(); ++i) {
    if (!SameRule(a.environments[i], b.environments[i])) return false;
  }
  return a.default_ttl_seconds == b.default_ttl_seconds &&
         a.clock_skew_seconds == b.clock_skew_seconds &&
         a.snapshot_ttl_seconds == b.snapshot_ttl_seconds;
}

void Config(const nlohmann::json& doc) {
  auto c = GovernanceConfigFromJson(doc, "config.yaml");
  if (!c.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(c.status().message(), "config.yaml"));
    return;
  }
  GOV_FUZZ_CHECK(c->Validate("config.yaml").ok());
  for (const auto& e : c->environments) GOV_FUZZ_CHECK(c->Find(e.name) != nullptr);
  const nlohmann::json written = ToJson(*c);
  auto again = GovernanceConfigFromJson(written, "again.yaml");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(SameConfig(*c, *again));
  GOV_FUZZ_CHECK(ToJson(*again) == written);
}

bool SameRoot(const GovernanceRoot& a, const GovernanceRoot& b) {
  if (a.admins.size() != b.admins.size()) return false;
  for (size_t i = 0; i < a.admins.size(); ++i) {
    if (a.admins[i].identity != b.admins[i].identity || !(a.admins[i].key == b.admins[i].key)) {
      return false;
    }
  }
  return a.version == b.version && a.domain == b.domain && a.previous == b.previous &&
         a.issued_at == b.issued_at && a.expires_at == b.expires_at &&
         a.changes_before == b.changes_before && a.admin_threshold == b.admin_threshold &&
         a.online_keys == b.online_keys;
}

void RootPayloadOf(std::string_view payload) {
  auto root = ParseRootPayload(payload, "root.json");
  if (!root.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(root.status().message(), "root.json"));
    return;
  }
  GOV_FUZZ_CHECK(root->admin_threshold >= 1 &&
                 root->admin_threshold <= static_cast<int>(root->admins.size()));
  GOV_FUZZ_CHECK(!root->online_keys.empty());
  const std::string written = RootPayload(*root);
  auto again = ParseRootPayload(written, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(SameRoot(*root, *again));
  GOV_FUZZ_CHECK(RootPayload(*again) == written);
}

void RootEnvelope(const Envelope& env) {
  auto signed_root = ParseSignedRoot(env, "root.json");
  if (!signed_root.ok()) return;
  RootPayloadOf(env.payload);
  const GovernanceRoot& root = signed_root->root;
  const ThresholdCount count = CountAdminSignatures(env, root);
  // Each admin counts once, however many signatures name its key.
  GOV_FUZZ_CHECK(count.signers.size() <= root.admins.size());
  GOV_FUZZ_CHECK(count.signers.size() <= env.signatures.size());
  (void)count.Describe();
  // At a moment the root is valid, pinned to itself: a version 1 passes
  // exactly when a threshold of its admins signed it; any later version
  // lacks the versions below it.
  auto chain = VerifyRootChain(env, {env}, root.issued_at);
  if (chain.ok()) {
    GOV_FUZZ_CHECK(root.version == 1 && count.met());
    GOV_FUZZ_CHECK(chain->chain.size() == 1);
    GOV_FUZZ_CHECK(chain->domain() == signed_root->digest);
    GOV_FUZZ_CHECK(chain->RootForChange(1) != nullptr);
  } else {
    GOV_FUZZ_CHECK(chain.status().code() == StatusCode::kPermissionDenied);
    GOV_FUZZ_CHECK(root.version != 1 || !count.met());
  }
}

void ChangePayloadOf(std::string_view payload) {
  auto change = ParseChangePayload(payload, "change.json");
  if (!change.ok()) {
    GOV_FUZZ_CHECK(NamesOrigin(change.status().message(), "change.json"));
    return;
  }
  (void)change->Summary();
  const std::string written = ChangePayload(*change);
  auto again = ParseChangePayload(written, "again.json");
  GOV_FUZZ_CHECK(again.ok());
  GOV_FUZZ_CHECK(ChangePayload(*again) == written);
  GOV_FUZZ_CHECK(again->Summary() == change->Summary());
}

}  // namespace
}  // namespace governance

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace governance;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ParseJson(text, "fuzz.json");
  if (!doc.ok()) {
    // A configuration file is YAML unless it ends in .json (LoadDocument).
    auto yaml = ParseYaml(text, "config.yaml");
    if (yaml.ok()) Config(*yaml);
    return 0;
  }
  if (doc->is_object() && doc->contains("payloadType")) {
    auto env = ParseEnvelope(text, "envelope.json");
    if (!env.ok()) return 0;
    if (env->payload_type == kRootPayloadType) {
      RootEnvelope(*env);
    } else {
      ChangePayloadOf(env->payload);
    }
    return 0;
  }
  const std::string type = fuzz::TypeOf(*doc);
  if (type == kRootType) {
    RootPayloadOf(text);
  } else if (type == kChangeType) {
    ChangePayloadOf(text);
  } else {
    Config(*doc);
  }
  return 0;
}
