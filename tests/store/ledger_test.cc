#include "governance/ledger.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "core/sha256.h"
#include "store_backends.h"

namespace governance {
namespace {

// A direct transcription of RFC 6962's MTH definition, as the reference.
std::string NaiveRoot(const std::vector<std::string>& leaves, size_t b, size_t e) {
  if (e - b == 1) return leaves[b];
  size_t k = 1;
  while (k * 2 < e - b) k *= 2;
  return Sha256Digest("\x01" + NaiveRoot(leaves, b, b + k) + NaiveRoot(leaves, b + k, e));
}

std::vector<std::string> Leaves(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(MerkleLeafHash("leaf " + std::to_string(i)));
  return out;
}

TEST_CASE("Merkle root, inclusion and consistency agree with the RFC 6962 definition") {
  CHECK(HexEncode(MerkleRoot({})) == Sha256Hex(""));
  // RFC 6962 leaf hash of the empty string.
  CHECK(HexEncode(MerkleLeafHash("")) ==
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  for (size_t n = 1; n <= 17; ++n) {
    auto leaves = Leaves(n);
    std::string root = MerkleRoot(leaves);
    CHECK(root == NaiveRoot(leaves, 0, n));
    for (size_t i = 0; i < n; ++i) {
      auto proof = MerkleInclusionProof(leaves, i);
      REQUIRE(proof.ok());
      CHECK(VerifyMerkleInclusion(leaves[i], i, n, *proof, root));
      CHECK_FALSE(VerifyMerkleInclusion(MerkleLeafHash("forged"), i, n, *proof, root));
    }
    for (size_t m = 1; m <= n; ++m) {
      std::vector<std::string> prefix(leaves.begin(), leaves.begin() + m);
      auto proof = MerkleConsistencyProof(leaves, m);
      REQUIRE(proof.ok());
      CHECK(VerifyMerkleConsistency(m, n, MerkleRoot(prefix), root, *proof));
      if (m < n) {
        auto other = Leaves(n);
        other[m - 1] = MerkleLeafHash("rewritten");
        std::vector<std::string> other_prefix(other.begin(), other.begin() + m);
        CHECK_FALSE(VerifyMerkleConsistency(m, n, MerkleRoot(other_prefix), root, *proof));
      }
    }
  }
  CHECK(MerkleInclusionProof(Leaves(3), 3).status().code() == StatusCode::kOutOfRange);
}

std::vector<LedgerEntry> Chain(size_t n, const PrivateKey& key) {
  std::vector<LedgerEntry> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(SealLedgerEntry({"t", "actor", "s" + std::to_string(i), {{"i", i}}},
                                  out.empty() ? nullptr : &out.back(), 1000 + i, key));
  }
  return out;
}

TEST_CASE("ledger verification names the first bad entry") {
  const PrivateKey key = testing::TestLedgerKey();
  const PublicKey pub = key.public_key();
  auto good = Chain(6, key);
  auto v = VerifyLedger(good, {pub});
  REQUIRE(v.ok);
  CHECK(v.entries == 6);

  SUBCASE("edited entry") {
    auto bad = good;
    bad[2].details = R"({"i":99})";
    auto r = VerifyLedger(bad, {pub});
    CHECK_FALSE(r.ok);
    CHECK(r.first_bad_sequence == 3);
    CHECK(r.reason == "content does not match its hash (the entry was edited)");
  }
  SUBCASE("edited entry with its hash recomputed") {
    auto bad = good;
    bad[2].actor = "mallory";
    bad[2].hash = Sha256Hex(bad[2].EntryBody());
    auto r = VerifyLedger(bad, {pub});
    CHECK(r.first_bad_sequence == 3);
    CHECK(r.reason.find("signature is not by an online key of the governance root") == 0);
  }
  SUBCASE("deleted entry") {
    auto bad = good;
    bad.erase(bad.begin() + 3);
    auto r = VerifyLedger(bad, {pub});
    CHECK(r.first_bad_sequence == 4);
    CHECK(r.reason == "entry 4 is missing (found sequence 5 in its place)");
  }
  SUBCASE("truncated and re-extended by someone without the ledger key") {
    auto bad = good;
    bad.resize(4);
    auto forger = GeneratePrivateKey();
    bad.push_back(SealLedgerEntry({"deploy.allowed", "mallory", "m", {}}, &bad.back(), 2000,
                                  *forger));
    auto r = VerifyLedger(bad, {pub});
    CHECK(r.first_bad_sequence == 5);
    CHECK(r.reason.find("signature is not by an online key of the governance root") == 0);
  }
  SUBCASE("truncation is caught by a saved checkpoint") {
    std::vector<std::string> leaves;
    for (const auto& e : good) leaves.push_back(MerkleLeafHash(e.EntryBody()));
    LedgerCheckpoint cp = SignCheckpoint(6, HexEncode(MerkleRoot(leaves)), key);
    CHECK(VerifyLedger(good, {pub}, cp).ok);
    auto shorter = good;
    shorter.resize(5);
    auto r = VerifyLedger(shorter, {pub}, cp);
    CHECK(r.first_bad_sequence == 6);
    CHECK(r.reason == "ledger truncated: the checkpoint covers 6 entries, the ledger holds 5");
    // A checkpoint round-trips through JSON and a forged one is refused.
    auto back = LedgerCheckpointFromJson(ToJson(cp), "cp.json");
    REQUIRE(back.ok());
    CHECK(VerifyLedger(good, {pub}, *back).ok);
    back->root_hash[0] = back->root_hash[0] == 'a' ? 'b' : 'a';
    CHECK(VerifyLedger(good, {pub}, *back).reason.find("checkpoint is not signed") == 4);
  }
  SUBCASE("re-ordered entries") {
    auto bad = good;
    std::swap(bad[1], bad[2]);
    CHECK(VerifyLedger(bad, {pub}).first_bad_sequence == 2);
  }
}

}  // namespace
}  // namespace governance
