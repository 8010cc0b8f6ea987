#include <iostream>

#include "governance/administration.h"
#include "governance/coordinator.h"
#include "governance/store.h"

int main() {
  auto ledger = governance::GeneratePrivateKey();
  auto admin = governance::GeneratePrivateKey();
  auto approver = governance::GeneratePrivateKey();
  if (!ledger.ok() || !admin.ok() || !approver.ok()) return 1;
  governance::StoreOptions options;
  options.ledger_key = *ledger;
  auto store = governance::NewMemoryStore(options);
  governance::InitRequest init;
  init.admins = {{"admin", admin->public_key()}};
  init.signing_admins = {&*admin};
  init.online_key = ledger->public_key();
  auto root = governance::InitializeGovernance(*store, init);
  if (!root.ok()) return 1;
  governance::PlaneOptions planes;
  planes.trust = governance::PinnedTrust(root->root.envelope);
  governance::Administration administration(*store, planes);
  auto change = administration.EnrollKey(approver->public_key(), "consumer",
                                         {governance::Role::kApprover}, *admin);
  if (!change.ok() || !change->applied) return 1;
  std::cout << "consumer linked governance::governance, enrolled "
            << approver->keyid().substr(0, 16) << "\n";
  return 0;
}
