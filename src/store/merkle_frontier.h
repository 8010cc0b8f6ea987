// The right edge of an RFC 6962 Merkle tree (its "compact range"): the roots
// of the perfect subtrees that the binary digits of the size describe, from
// the largest down. Appending a leaf and computing the root both cost
// O(log n), so every commit can sign the tree head without reading the
// ledger; the root equals MerkleRoot over all leaves.
#ifndef GOVERNANCE_SRC_STORE_MERKLE_FRONTIER_H_
#define GOVERNANCE_SRC_STORE_MERKLE_FRONTIER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "governance/status.h"

namespace governance {

class MerkleFrontier {
 public:
  // Appends a leaf hash (raw 32 bytes, MerkleLeafHash of the entry body).
  void Append(const std::string& leaf_hash);
  // The raw root; SHA-256("") for the empty tree.
  std::string Root() const;
  int64_t size() const { return size_; }

  // "<size> <hex> <hex> ...": the stored form.
  std::string Encode() const;
  // DataLoss when `text` is not a frontier of a consistent shape.
  static StatusOr<MerkleFrontier> Decode(std::string_view text);

 private:
  int64_t size_ = 0;
  std::vector<std::string> nodes_;  // raw subtree roots, largest first
};

}  // namespace governance

#endif  // GOVERNANCE_SRC_STORE_MERKLE_FRONTIER_H_
