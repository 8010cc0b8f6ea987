// The governance root: the signed document every other fact is checked
// against, and the trust a host keeps outside the store.
//
//   // On the admins' machine, once:
//   GovernanceRoot root = NewRoot({{"admin", admin_key.public_key()}}, 1,
//                                 {ledger_key.public_key()}, now, 365 * kDaySeconds);
//   Envelope signed = SignRoot(root, {&admin_key});
//
//   // On a serving host, the pinned copy is the anchor:
//   auto trust = PinnedTrust(signed);            // or OpenTrustDirectory(dir)
//
// The root names the admin keys and how many of them (the threshold) must
// sign a governance change, and the store's online keys, which sign ledger
// entries and snapshots but can create nothing. Version N+1 is valid only
// when signed by a threshold of version N's admins and a threshold of its
// own; versions never go down (TUF's root rotation). The digest of version 1's
// payload names the governance domain, and every later root, change and
// snapshot carries it, so facts of one domain never verify in another.
//
// Thread-safety: the documents are values. A TrustStore may be shared by the
// threads of one process; OpenTrustDirectory's files are replaced atomically.
#ifndef GOVERNANCE_TRUST_H_
#define GOVERNANCE_TRUST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "governance/dsse.h"
#include "governance/keys.h"
#include "governance/status.h"

namespace governance {

inline constexpr std::string_view kRootPayloadType = "application/vnd.mgov.root+json";
inline constexpr std::string_view kRootType = "https://mgov.dev/root/v1";
inline constexpr int64_t kDaySeconds = 86400;
// Default lifetime of a root version: admins renew it by signing the next one.
inline constexpr int64_t kDefaultRootTtlSeconds = 365 * kDaySeconds;
// Longest lifetime a root version may have.
inline constexpr int64_t kMaxRootTtlSeconds = 5 * 365 * kDaySeconds;

// An admin: an identity (canonical) and its public key.
struct AdminKey {
  std::string identity;
  PublicKey key;
};

struct GovernanceRoot {
  int64_t version = 1;
  // "sha256:<hex>" of version 1's payload; empty in version 1 itself.
  std::string domain;
  // "sha256:<hex>" of the previous version's payload; empty in version 1.
  std::string previous;
  int64_t issued_at = 0;   // Unix seconds
  int64_t expires_at = 0;  // Unix seconds; an expired current root passes no gate
  // How many governance changes were in effect when this version was signed:
  // changes after that many must be authorised by this version's admins.
  int64_t changes_before = 0;
  std::vector<AdminKey> admins;
  int admin_threshold = 1;
  std::vector<PublicKey> online_keys;

  // The admin holding `keyid`, or nullptr.
  const AdminKey* FindAdmin(std::string_view keyid) const;
  // True when `keyid` is one of the online keys.
  bool IsOnlineKey(std::string_view keyid) const;
};

// A root with the envelope that carries it.
struct SignedRoot {
  GovernanceRoot root;
  Envelope envelope;   // payloadType kRootPayloadType
  std::string digest;  // "sha256:<hex>" of envelope.payload
};

// Validates and returns version 1 of a root: admins' identities canonical and
// distinct, keys distinct, 1 <= threshold <= admins, at least one online key
// that is not an admin key, 0 < ttl <= kMaxRootTtlSeconds.
StatusOr<GovernanceRoot> NewRoot(const std::vector<AdminKey>& admins, int threshold,
                                 const std::vector<PublicKey>& online_keys, int64_t now,
                                 int64_t ttl_seconds = kDefaultRootTtlSeconds);

// The canonical JSON payload of `root`.
std::string RootPayload(const GovernanceRoot& root);
// Parses and validates a payload (every field, as NewRoot checks them).
// InvalidArgument naming the JSON path.
StatusOr<GovernanceRoot> ParseRootPayload(std::string_view payload, std::string_view origin);
// Parses an envelope holding a root (payload type checked); signatures are
// not checked here.
StatusOr<SignedRoot> ParseSignedRoot(const Envelope& envelope, std::string_view origin);
// An envelope of `root` signed by each of `admins`.
Envelope SignRoot(const GovernanceRoot& root, const std::vector<const PrivateKey*>& admins);

// How many distinct admins of `by` validly signed `envelope`, and what else
// was found. A signature whose keyid names no admin, a second signature of one
// admin, or one that does not verify adds nothing.
struct ThresholdCount {
  std::vector<std::string> signers;   // admin identities that count
  std::vector<std::string> problems;  // signatures that do not verify
  int threshold = 1;
  bool met() const { return static_cast<int>(signers.size()) >= threshold; }
  // "1 of 2 admin signatures (alice)".
  std::string Describe() const;
};
ThresholdCount CountAdminSignatures(const Envelope& envelope, const GovernanceRoot& by);

// The chain of roots a store holds, verified from a pinned version.
struct VerifiedRoots {
  std::vector<SignedRoot> chain;  // version 1 .. current, each authenticated
  const SignedRoot& current() const { return chain.back(); }
  const std::string& domain() const { return chain.front().digest; }
  // The root in effect for governance change number `sequence` (1-based).
  const GovernanceRoot* RootForChange(int64_t sequence) const;
  // The root of `version`, or nullptr.
  const GovernanceRoot* Version(int64_t version) const;
};

// Verifies `stored` (every root version the store holds, any order) against
// `pinned`: the stored version equal to the pinned one must be byte-identical;
// each later version must extend its predecessor (version + 1, previous
// digest, domain) and be signed by a threshold of the predecessor's admins and
// a threshold of its own; earlier versions are authenticated by the previous
// digests above them. The current (newest) version must not be expired at
// `now` (unless `allow_expired`, for renewing it). PermissionDenied naming the
// version and the reason: missing pinned version (rolled back), a fork, a
// rotation lacking the old admins, an expired root.
StatusOr<VerifiedRoots> VerifyRootChain(const Envelope& pinned, const std::vector<Envelope>& stored,
                                        int64_t now, bool allow_expired = false);

// What a host has verified of a store, so that no later view may take it
// back, even one its online key signed: the ledger's size and the hash of
// its last entry (a later view must have at least `size` entries and the same
// hash at `size`: the hash chain then proves nothing before it was
// rewritten), the governance changes in effect (a later chain must extend
// them), and every revocation seen (revocations are never withdrawn).
struct LedgerMark {
  int64_t size = 0;
  std::string head;  // hex hash of entry `size`
  int64_t seen_at = 0;
  int64_t change_count = 0;
  std::string change_head;  // payload digest of change `change_count`
  // The revocations' digests (as RevocationsDigest lists them), sorted.
  std::vector<std::string> revocations;

  // The union of this and `other`: the longer ledger and chain, all revocations.
  void Merge(const LedgerMark& other);
};

// What a host trusts, kept outside the store: the newest root it has
// verified, and the newest ledger state it has seen.
class TrustStore {
 public:
  virtual ~TrustStore() = default;
  // The pinned root envelope. FailedPrecondition when nothing is pinned.
  virtual StatusOr<Envelope> Root() = 0;
  // Replaces the pin with a newer root that was verified from it.
  virtual Status AdvanceRoot(const Envelope& newer) = 0;
  virtual StatusOr<std::optional<LedgerMark>> LastSeen() = 0;
  // Merges `mark` into the one kept (LedgerMark::Merge).
  virtual Status RecordSeen(const LedgerMark& mark) = 0;
};

// A trust store held in memory, pinned to `root`.
std::shared_ptr<TrustStore> PinnedTrust(Envelope root);

// A trust store in directory `dir`: root.json (the pinned root envelope, as
// EnvelopeToJson writes it) and seen.json (the mark, as JSON). The directory is
// created on first write (0700). With `pinned_file`, the root comes from that
// file instead, which is never rewritten (--trust root.json); newer roots
// verified from it are kept in the directory (root-from-<digest of the
// file>.json), so that the host never accepts an older one again.
StatusOr<std::shared_ptr<TrustStore>> OpenTrustDirectory(const std::string& dir,
                                                         const std::string& pinned_file = "");

}  // namespace governance

#endif  // GOVERNANCE_TRUST_H_
