// The one doctest main every test binary shares. It points MGOV_HOME (where
// mgov keeps the governance roots a host trusts) at a directory of this
// process, so that tests never read or write the user's own trust.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

#include "test_util.h"

int main(int argc, char** argv) {
  governance::testing::TempDir home;
  if (std::getenv("MGOV_HOME") == nullptr) ::setenv("MGOV_HOME", home.path().c_str(), 1);
  return doctest::Context(argc, argv).run();
}
