#include "governance/ledger.h"

#include "core/document.h"
#include "core/encoding.h"
#include "core/sha256.h"

namespace governance {
namespace {

std::string CheckpointMessage(int64_t size, const std::string& root_hex) {
  return "mgov-checkpoint-v1\n" + std::to_string(size) + "\n" + root_hex + "\n";
}

}  // namespace

std::string LedgerEntry::EntryBody() const {
  // Canonical JSON of every field the hash covers; `details` is embedded as
  // the exact stored text so the hash never depends on re-serialisation.
  nlohmann::json head = {{"actor", actor},     {"prev_hash", prev_hash}, {"sequence", sequence},
                         {"subject", subject}, {"timestamp", timestamp}, {"type", type}};
  std::string body = CanonicalJson(head);
  body.pop_back();  // '}'
  body += ",\"details\":";
  body += details;
  body += '}';
  return body;
}

LedgerEntry SealLedgerEntry(const LedgerEvent& event, const LedgerEntry* previous,
                            int64_t timestamp, const PrivateKey& ledger_key) {
  LedgerEntry e;
  e.sequence = previous ? previous->sequence + 1 : 1;
  e.timestamp = timestamp;
  e.type = event.type;
  e.actor = event.actor;
  e.subject = event.subject;
  e.details = CanonicalJson(event.details.is_null() ? nlohmann::json::object() : event.details);
  e.prev_hash = previous ? previous->hash : kGenesisHash;
  std::string digest = Sha256Digest(e.EntryBody());
  e.hash = HexEncode(digest);
  e.signer_keyid = ledger_key.keyid();
  e.signature = ledger_key.Sign(digest);
  return e;
}

nlohmann::json ToJson(const LedgerCheckpoint& c) {
  return {{"size", c.size},
          {"root_hash", c.root_hash},
          {"keyid", c.keyid},
          {"signature", Base64Encode(c.signature)}};
}

StatusOr<LedgerCheckpoint> LedgerCheckpointFromJson(const nlohmann::json& j,
                                                    std::string_view origin) {
  const std::string o(origin);
  if (!j.is_object() || !j.contains("size") || !j["size"].is_number_integer() ||
      !j.contains("root_hash") || !j["root_hash"].is_string() || !j.contains("keyid") ||
      !j["keyid"].is_string() || !j.contains("signature") || !j["signature"].is_string()) {
    return InvalidArgumentError(o + ": a checkpoint needs size (integer), root_hash, keyid and "
                                    "signature (strings)");
  }
  LedgerCheckpoint c;
  c.size = j["size"].get<int64_t>();
  c.root_hash = j["root_hash"].get<std::string>();
  c.keyid = j["keyid"].get<std::string>();
  auto sig = Base64Decode(j["signature"].get<std::string>());
  if (!sig.ok()) return InvalidArgumentError(o + ": /signature is not valid base64");
  c.signature = std::move(*sig);
  return c;
}

LedgerCheckpoint SignCheckpoint(int64_t size, const std::string& root_hash,
                                const PrivateKey& ledger_key) {
  return {size, root_hash, ledger_key.keyid(),
          ledger_key.Sign(CheckpointMessage(size, root_hash))};
}

LedgerVerification VerifyLedger(const std::vector<LedgerEntry>& entries,
                                const std::vector<PublicKey>& ledger_keys,
                                const std::optional<LedgerCheckpoint>& checkpoint) {
  auto key_of = [&](const std::string& keyid) -> const PublicKey* {
    for (const auto& k : ledger_keys) {
      if (k.keyid() == keyid) return &k;
    }
    return nullptr;
  };
  LedgerVerification v;
  auto fail = [&](int64_t seq, std::string reason) {
    v.ok = false;
    v.first_bad_sequence = seq;
    v.reason = std::move(reason);
    return v;
  };
  if (checkpoint) {
    const PublicKey* key = key_of(checkpoint->keyid);
    if (!key || !key->Verify(CheckpointMessage(checkpoint->size, checkpoint->root_hash),
                             checkpoint->signature)) {
      return fail(0, "the checkpoint is not signed by an online key of the governance root");
    }
    if (checkpoint->size > static_cast<int64_t>(entries.size())) {
      return fail(static_cast<int64_t>(entries.size()) + 1,
                  "ledger truncated: the checkpoint covers " + std::to_string(checkpoint->size) +
                      " entries, the ledger holds " + std::to_string(entries.size()));
    }
  }
  std::vector<std::string> leaves;
  leaves.reserve(entries.size());
  std::string prev = kGenesisHash;
  for (size_t i = 0; i < entries.size(); ++i) {
    const LedgerEntry& e = entries[i];
    const int64_t expected = static_cast<int64_t>(i) + 1;
    if (e.sequence != expected) {
      return fail(expected, "entry " + std::to_string(expected) + " is missing (found sequence " +
                                std::to_string(e.sequence) + " in its place)");
    }
    if (e.prev_hash != prev) {
      return fail(e.sequence, "prev_hash does not match the hash of entry " +
                                  std::to_string(e.sequence - 1) +
                                  " (an entry was removed, reordered or edited)");
    }
    std::string body = e.EntryBody();
    std::string digest = Sha256Digest(body);
    if (HexEncode(digest) != e.hash) {
      return fail(e.sequence, "content does not match its hash (the entry was edited)");
    }
    const PublicKey* key = key_of(e.signer_keyid);
    if (!key || !key->Verify(digest, e.signature)) {
      return fail(e.sequence, "signature is not by an online key of the governance root "
                              "(the entry was forged, re-written or signed by a replaced key)");
    }
    prev = e.hash;
    leaves.push_back(MerkleLeafHash(body));
    if (checkpoint && static_cast<int64_t>(leaves.size()) == checkpoint->size &&
        HexEncode(MerkleRoot(leaves)) != checkpoint->root_hash) {
      return fail(e.sequence, "the first " + std::to_string(checkpoint->size) +
                                  " entries do not match the checkpoint's Merkle root");
    }
    ++v.entries;
  }
  v.root_hash = HexEncode(MerkleRoot(leaves));
  return v;
}

}  // namespace governance
