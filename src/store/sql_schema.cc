#include "store/sql_schema.h"

namespace governance {

const std::vector<Migration>& SchemaMigrations() {
  // Binary values are base64 text, and JSON is stored as the exact text that
  // was hashed or signed.
  static const std::vector<Migration> kMigrations = {
      {1,
       "initial schema",
       {
           "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
           "CREATE TABLE IF NOT EXISTS keys (keyid TEXT PRIMARY KEY, identity TEXT NOT NULL, "
           "roles TEXT NOT NULL, public_key_pem TEXT NOT NULL, enrolled_at BIGINT NOT NULL, "
           "revoked INTEGER NOT NULL DEFAULT 0, revoked_at BIGINT NOT NULL DEFAULT 0, "
           "revocation_reason TEXT NOT NULL DEFAULT '')",
           "CREATE TABLE IF NOT EXISTS training_outputs (digest TEXT PRIMARY KEY, "
           "model_id TEXT NOT NULL, model_version TEXT NOT NULL, envelope TEXT NOT NULL)",
           "CREATE TABLE IF NOT EXISTS approvals (approval_id TEXT PRIMARY KEY, "
           "model_id TEXT NOT NULL, model_version TEXT NOT NULL, artifact_digest TEXT NOT NULL, "
           "payload_type TEXT NOT NULL, payload TEXT NOT NULL, created_at BIGINT NOT NULL)",
           "CREATE INDEX IF NOT EXISTS approvals_by_model ON approvals (model_id, created_at)",
           "CREATE TABLE IF NOT EXISTS approval_signatures (approval_id TEXT NOT NULL "
           "REFERENCES approvals (approval_id), keyid TEXT NOT NULL, sig TEXT NOT NULL, "
           "position BIGINT NOT NULL, PRIMARY KEY (approval_id, keyid))",
           "CREATE TABLE IF NOT EXISTS revocations (kind TEXT NOT NULL, target TEXT NOT NULL, "
           "reason TEXT NOT NULL, revoked_by TEXT NOT NULL, revoked_at BIGINT NOT NULL, "
           "PRIMARY KEY (kind, target))",
           "CREATE TABLE IF NOT EXISTS deployments (id BIGINT PRIMARY KEY, "
           "environment TEXT NOT NULL, model_id TEXT NOT NULL, model_version TEXT NOT NULL, "
           "approval_id TEXT NOT NULL, artifact_digest TEXT NOT NULL, "
           "deployed_by TEXT NOT NULL, deployed_at BIGINT NOT NULL, kind TEXT NOT NULL)",
           "CREATE INDEX IF NOT EXISTS deployments_by_target ON deployments "
           "(model_id, environment, id)",
           "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
           "CREATE TABLE IF NOT EXISTS ledger (sequence BIGINT PRIMARY KEY, "
           "timestamp BIGINT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL, "
           "subject TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, "
           "hash TEXT NOT NULL, signer_keyid TEXT NOT NULL, signature TEXT NOT NULL)",
       }},
      {2,
       "index the ledger by subject, for an approval's or model's evidence trail",
       {
           "CREATE INDEX IF NOT EXISTS ledger_by_subject ON ledger (subject, sequence)",
       }},
      {3,
       "the governance root, signed governance changes, stored policy bundles, signed "
       "revocations and deployments, and the store's snapshot",
       {
           "CREATE TABLE IF NOT EXISTS roots (version BIGINT PRIMARY KEY, state TEXT NOT NULL, "
           "envelope TEXT NOT NULL)",
           "CREATE TABLE IF NOT EXISTS governance_changes (change_id TEXT PRIMARY KEY, "
           "sequence BIGINT NOT NULL, state TEXT NOT NULL, envelope TEXT NOT NULL, "
           "position BIGINT NOT NULL)",
           "CREATE UNIQUE INDEX IF NOT EXISTS governance_changes_applied ON governance_changes "
           "(sequence) WHERE state = 'applied'",
           "CREATE TABLE IF NOT EXISTS policy_bundles (digest TEXT PRIMARY KEY, "
           "files TEXT NOT NULL)",
           "CREATE TABLE IF NOT EXISTS snapshots (id BIGINT PRIMARY KEY, envelope TEXT NOT NULL)",
           "ALTER TABLE revocations ADD COLUMN artifact_digests TEXT NOT NULL DEFAULT '[]'",
           "ALTER TABLE revocations ADD COLUMN envelope TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE deployments ADD COLUMN envelope TEXT NOT NULL DEFAULT ''",
       }},
  };
  return kMigrations;
}

int CurrentSchemaVersion() { return SchemaMigrations().back().version; }

}  // namespace governance
