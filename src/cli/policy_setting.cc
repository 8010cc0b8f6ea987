#include "cli/policy_setting.h"

namespace governance::cli {

StatusOr<std::optional<PolicyBundle>> LoadConfiguredBundle(Store& store,
                                                           const std::string& override_dir) {
  std::string dir = override_dir;
  if (dir.empty()) {
    std::optional<std::string> setting;
    GOV_RETURN_IF_ERROR(store.Read([&](StoreTransaction& txn) -> Status {
      GOV_ASSIGN_OR_RETURN(setting, txn.GetSetting(kPolicyBundleSetting));
      return Status();
    }));
    if (!setting) return std::optional<PolicyBundle>();
    dir = *setting;
  }
  auto bundle = LoadPolicyBundle(dir);
  if (!bundle.ok()) return bundle.status().WithContext("policy bundle " + dir);
  return std::optional<PolicyBundle>(std::move(*bundle));
}

}  // namespace governance::cli
