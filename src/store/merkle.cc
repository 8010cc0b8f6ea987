// RFC 6962 section 2.1 Merkle trees: leaf hash SHA-256(0x00 || d), node hash
// SHA-256(0x01 || left || right), split at the largest power of two below n.
#include <bit>

#include "core/sha256.h"
#include "governance/ledger.h"

namespace governance {
namespace {

std::string NodeHash(const std::string& left, const std::string& right) {
  Sha256 h;
  h.Update("\x01", 1);
  h.Update(left);
  h.Update(right);
  return h.Finish();
}

// Largest power of two strictly less than n (n >= 2).
size_t SplitPoint(size_t n) { return std::bit_floor(n - 1); }

std::string SubtreeRoot(const std::vector<std::string>& leaves, size_t begin, size_t end) {
  size_t n = end - begin;
  if (n == 1) return leaves[begin];
  size_t k = SplitPoint(n);
  return NodeHash(SubtreeRoot(leaves, begin, begin + k), SubtreeRoot(leaves, begin + k, end));
}

void InclusionPath(const std::vector<std::string>& leaves, size_t index, size_t begin, size_t end,
                   std::vector<std::string>& path) {
  size_t n = end - begin;
  if (n == 1) return;
  size_t k = SplitPoint(n);
  if (index < k) {
    InclusionPath(leaves, index, begin, begin + k, path);
    path.push_back(SubtreeRoot(leaves, begin + k, end));
  } else {
    InclusionPath(leaves, index - k, begin + k, end, path);
    path.push_back(SubtreeRoot(leaves, begin, begin + k));
  }
}

// RFC 6962 SUBPROOF(m, D[begin:end], b).
void SubProof(const std::vector<std::string>& leaves, size_t m, size_t begin, size_t end,
              bool complete, std::vector<std::string>& proof) {
  size_t n = end - begin;
  if (m == n) {
    if (!complete) proof.push_back(SubtreeRoot(leaves, begin, end));
    return;
  }
  size_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(leaves, m, begin, begin + k, complete, proof);
    proof.push_back(SubtreeRoot(leaves, begin + k, end));
  } else {
    SubProof(leaves, m - k, begin + k, end, false, proof);
    proof.push_back(SubtreeRoot(leaves, begin, begin + k));
  }
}

}  // namespace

std::string MerkleLeafHash(std::string_view leaf_data) {
  Sha256 h;
  h.Update("\x00", 1);
  h.Update(leaf_data);
  return h.Finish();
}

std::string MerkleRoot(const std::vector<std::string>& leaf_hashes) {
  if (leaf_hashes.empty()) return Sha256Digest("");
  return SubtreeRoot(leaf_hashes, 0, leaf_hashes.size());
}

StatusOr<std::vector<std::string>> MerkleInclusionProof(const std::vector<std::string>& leaves,
                                                        size_t index) {
  if (index >= leaves.size()) {
    return OutOfRangeError("leaf " + std::to_string(index) + " is outside a tree of " +
                           std::to_string(leaves.size()));
  }
  std::vector<std::string> path;
  InclusionPath(leaves, index, 0, leaves.size(), path);
  return path;
}

bool VerifyMerkleInclusion(const std::string& leaf_hash, size_t index, size_t tree_size,
                           const std::vector<std::string>& proof, const std::string& root) {
  // RFC 9162 section 2.1.3.2.
  if (index >= tree_size) return false;
  size_t fn = index, sn = tree_size - 1;
  std::string r = leaf_hash;
  for (const auto& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

StatusOr<std::vector<std::string>> MerkleConsistencyProof(const std::vector<std::string>& leaves,
                                                          size_t old_size) {
  if (old_size == 0 || old_size > leaves.size()) {
    return OutOfRangeError("no consistency proof from size " + std::to_string(old_size) +
                           " to " + std::to_string(leaves.size()));
  }
  std::vector<std::string> proof;
  SubProof(leaves, old_size, 0, leaves.size(), true, proof);
  return proof;
}

bool VerifyMerkleConsistency(size_t old_size, size_t new_size, const std::string& old_root,
                             const std::string& new_root, const std::vector<std::string>& proof) {
  // RFC 9162 section 2.1.4.2.
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  std::vector<std::string> path = proof;
  if (std::has_single_bit(old_size)) path.insert(path.begin(), old_root);
  if (path.empty()) return false;
  size_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(path[i], fr);
      sr = NodeHash(path[i], sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, path[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

}  // namespace governance

#include "core/encoding.h"
#include "store/merkle_frontier.h"

namespace governance {

void MerkleFrontier::Append(const std::string& leaf_hash) {
  nodes_.push_back(leaf_hash);
  ++size_;
  // Each trailing 1 bit of the old size is a subtree of the new leaf's size
  // waiting for a sibling: merge them.
  for (int64_t s = size_; (s & 1) == 0; s >>= 1) {
    std::string right = std::move(nodes_.back());
    nodes_.pop_back();
    std::string left = std::move(nodes_.back());
    nodes_.pop_back();
    nodes_.push_back(NodeHash(left, right));
  }
}

std::string MerkleFrontier::Root() const {
  if (nodes_.empty()) return MerkleRoot({});
  std::string root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) root = NodeHash(nodes_[i], root);
  return root;
}

std::string MerkleFrontier::Encode() const {
  std::string out = std::to_string(size_);
  for (const auto& n : nodes_) out += " " + HexEncode(n);
  return out;
}

StatusOr<MerkleFrontier> MerkleFrontier::Decode(std::string_view text) {
  MerkleFrontier f;
  size_t space = text.find(' ');
  std::string_view size_text = text.substr(0, space);
  int64_t size = 0;
  for (char c : size_text) {
    if (c < '0' || c > '9' || size > (INT64_MAX - 9) / 10) {
      return DataLossError("the stored Merkle frontier is corrupt");
    }
    size = size * 10 + (c - '0');
  }
  if (size_text.empty()) return DataLossError("the stored Merkle frontier is corrupt");
  f.size_ = size;
  while (space != std::string_view::npos) {
    size_t next = text.find(' ', space + 1);
    auto raw = HexDecode(text.substr(space + 1, next == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : next - space - 1));
    if (!raw.ok() || raw->size() != 32) return DataLossError("the stored Merkle frontier is corrupt");
    f.nodes_.push_back(std::move(*raw));
    space = next;
  }
  if (static_cast<int>(f.nodes_.size()) != std::popcount(static_cast<uint64_t>(size))) {
    return DataLossError("the stored Merkle frontier does not fit the ledger's size");
  }
  return f;
}

}  // namespace governance
