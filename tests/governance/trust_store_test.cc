// What a host trusts, kept in a directory outside the store: the pinned root,
// the newest root verified from it, and the mark of what the host has seen.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/file.h"
#include "governance/trust.h"
#include "test_util.h"

namespace governance {
namespace {

// A root envelope standing for version `version`: the trust store keeps
// envelopes as given (the chain is verified by the gate, not here).
Envelope RootVersion(int version) {
  return Envelope{"application/vnd.mgov.root+json", "{\"version\":" + std::to_string(version) + "}", {}};
}

TEST_CASE("a pinned root file is never rewritten, and the host never goes back behind it") {
  testing::TempDir dir;
  const std::string pinned = dir / "root.json";
  const std::string pinned_text = EnvelopeToJson(RootVersion(1)) + "\n";
  REQUIRE(WriteFileAtomic(pinned, pinned_text).ok());
  const std::string home = dir / "trust";
  {
    auto trust = OpenTrustDirectory(home, pinned);
    REQUIRE(trust.ok());
    CHECK((*trust)->Root()->payload == RootVersion(1).payload);
    REQUIRE((*trust)->AdvanceRoot(RootVersion(2)).ok());
    CHECK((*trust)->Root()->payload == RootVersion(2).payload);
  }
  // The file still says version 1; a later run with the same file follows v2.
  CHECK(*ReadFile(pinned) == pinned_text);
  auto again = OpenTrustDirectory(home, pinned);
  REQUIRE(again.ok());
  CHECK((*again)->Root()->payload == RootVersion(2).payload);
  // Another pinned file is another anchor: what v1's file led to is not its.
  const std::string other = dir / "other.json";
  REQUIRE(WriteFileAtomic(other, EnvelopeToJson(RootVersion(7)) + "\n").ok());
  auto fresh = OpenTrustDirectory(home, other);
  REQUIRE(fresh.ok());
  CHECK((*fresh)->Root()->payload == RootVersion(7).payload);
}

TEST_CASE("without a pinned file the directory's root.json advances in place") {
  testing::TempDir dir;
  const std::string home = dir / "trust";
  auto trust = OpenTrustDirectory(home);
  REQUIRE(trust.ok());
  CHECK((*trust)->Root().status().code() == StatusCode::kFailedPrecondition);
  REQUIRE((*trust)->AdvanceRoot(RootVersion(3)).ok());
  CHECK((*trust)->Root()->payload == RootVersion(3).payload);
  CHECK(std::filesystem::exists(home + "/root.json"));
}

}  // namespace
}  // namespace governance
