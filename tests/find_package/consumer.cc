#include <iostream>

#include "governance/coordinator.h"
#include "governance/store.h"

int main() {
  auto key = governance::GeneratePrivateKey();
  if (!key.ok()) return 1;
  governance::StoreOptions options;
  options.ledger_key = *key;
  auto store = governance::NewMemoryStore(options);
  governance::Keyring keyring(*store);
  auto rec = keyring.Enroll(key->public_key(), "consumer", {governance::Role::kApprover}, "test");
  if (!rec.ok()) return 1;
  std::cout << "consumer linked governance::governance, enrolled " << rec->keyid.substr(0, 16)
            << "\n";
  return 0;
}
