#!/usr/bin/env bash
# Regenerates the session seeds of the fuzz corpora (fuzz/corpus/*/session-*)
# from a real session with the mgov CLI, so that every target starts from
# documents mgov itself signs: keys, a training output, approvals co-signed,
# deployed, rolled back and revoked, configuration and key changes, a rotated
# root (two admins, threshold 2), ledger checkpoints and verification bundles.
#   fuzz/make_seeds.sh MGOV [CORPUS_DIR]     (default fuzz/corpus)
# Needs openssl (the second admin's key, as an admin would make it) and
# python3 (to take the bundles apart and write safetensors). The
# verification_bundle target expects the artifact approved here, a safetensors
# file holding "fuzz model weights\n".
set -euo pipefail
mgov=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(realpath -m "${2:-$src/fuzz/corpus}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export MGOV_HOME="$work/home"
unset MGOV_STORE MGOV_TRUST MGOV_KEY_PASSPHRASE
m() { "$mgov" "$@"; }
admin=(--admin-key admin/admin.key)

# Real safetensors files (one U8 tensor holding the text, as tests/safetensors.h
# builds them): the default policy bundle judges the bytes, not the manifest.
safetensors() {
  python3 -c '
import struct, sys
data = sys.argv[1].encode()
n = str(len(data))
header = ("{\"weights\":{\"dtype\":\"U8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}").encode()
sys.stdout.buffer.write(struct.pack("<Q", len(header)) + header + data)' "$1"
}
safetensors $'fuzz model weights\n' >model.bin
mkdir -p model-dir/weights
safetensors $'layer 1\n' >model-dir/weights/a.safetensors
printf '{"format": "safetensors"}\n' >model-dir/config.json
safetensors $'churn weights\n' >churn.bin

m init "${admin[@]}" >/dev/null
m key generate --identity ci-trainer --role trainer --out keys "${admin[@]}" >/dev/null
m key generate --identity alice --role approver --out keys "${admin[@]}" >/dev/null
m key generate --identity bob --role approver,auditor --out keys "${admin[@]}" >/dev/null
m key generate --identity deploy-bot --role deployer --out keys "${admin[@]}" >/dev/null
m key generate --identity carol --role approver --out keys "${admin[@]}" >/dev/null
manifest=$src/examples/manifests/valid.yaml

# fraud 1.4.0 (a file): approved by alice and bob, deployed to staging, then production.
m train --model fraud --version 1.4.0 --artifact model.bin --key keys/ci-trainer.key \
  --manifest "$manifest" --out training.json >/dev/null
id=$(m approve training.json --key keys/alice.key --env staging,production | head -n 1)
m cosign "$id" --key keys/bob.key >/dev/null
m deploy "$id" --env staging --artifact model.bin --key keys/deploy-bot.key >/dev/null
m export --bundle "$id" --out bundle-staged.json >/dev/null
m deploy "$id" --env production --artifact model.bin --key keys/deploy-bot.key >/dev/null

# fraud 1.5.0 (a directory), scoped: deployed to staging and rolled back.
m train --model fraud --version 1.5.0 --artifact model-dir --key keys/ci-trainer.key \
  --manifest "$manifest" --out training-dir.json >/dev/null
id2=$(m approve training-dir.json --key keys/carol.key --env staging --scope eu-west \
  --ttl 30d | head -n 1)
m deploy "$id2" --env staging --scope eu-west --artifact model-dir \
  --key keys/deploy-bot.key >/dev/null || true
m rollback --model fraud --env staging --key keys/deploy-bot.key --reason 'v2 misbehaves' \
  >/dev/null || true

# churn: approved, then the approval and the model revoked.
m train --model churn --version 0.1.0 --artifact churn.bin --key keys/ci-trainer.key \
  --manifest "$manifest" --out training-churn.json >/dev/null
id3=$(m approve training-churn.json --key keys/alice.key --env staging | head -n 1)
m revoke --approval "$id3" --reason 'bias found' --key keys/alice.key >/dev/null
m revoke --model churn --reason 'training data leak' --key keys/bob.key >/dev/null

# Facts about pickle-bearing artifacts (the training plane records them; the
# default policy would refuse to approve them).
cp "$src/fuzz/corpus/artifact/torch-evil-deflated.pt" evil.pt
cp "$src/fuzz/corpus/artifact/pickle-in-zip.safetensors" hidden.safetensors
for a in evil.pt hidden.safetensors; do
  m train --model evil --version "${a%%.*}" --artifact "$a" --key keys/ci-trainer.key \
    --manifest "$manifest" --out "training-$a.json" >/dev/null
done

# Governance changes: rules, roles, a key revoked; then the root rotated to two admins.
cat >rules.yaml <<'RULES'
environments:
  - {name: development, min_approvers: 1, max_ttl: 30d, separation_of_duties: false}
  - {name: staging, min_approvers: 1, separation_of_duties: false}
  - name: production
    min_approvers: 2
    max_ttl: 90d
    requires_prior: [staging]
default_ttl: 60d
clock_skew: 2m
snapshot_ttl: 12h
RULES
m admin config rules.yaml "${admin[@]}" >/dev/null
carol=$(m key list --json | python3 -c '
import json, sys
print(next(k["keyid"] for k in json.load(sys.stdin) if k["identity"] == "carol"))')
m key roles "$carol" --role approver,auditor "${admin[@]}" >/dev/null
m key revoke "$carol" --reason 'left the company' "${admin[@]}" >/dev/null
openssl genpkey -algorithm ed25519 -out second.key 2>/dev/null
openssl pkey -in second.key -pubout -out second.pub
m root rotate --admin admin=admin/admin.pub --admin second=second.pub --admin-threshold 2 \
  --admin-key second.key >/dev/null || true
m admin sign root-v2 --key admin/admin.key >/dev/null

m root export --out root.json >/dev/null
m export "$id" --out approval.json >/dev/null
m export --bundle "$id" --out bundle.json >/dev/null
m export --bundle "$id2" --out bundle-dir.json >/dev/null
m export --bundle "$id3" --out bundle-revoked.json >/dev/null
m ledger checkpoint --out checkpoint.json >/dev/null
cp "$src/examples/manifests/valid.yaml" manifest.yaml

python3 - "$corpus" <<'PY'
import base64, json, os, sys

corpus = sys.argv[1]

def put(target, name, data):
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(corpus, target, "session-" + name), "wb") as f:
        f.write(data)

def payload(env):
    return base64.b64decode(env["payload"])

def text(path):
    with open(path, "rb") as f:
        return f.read()

bundle = json.load(open("bundle.json"))
for name in ["bundle.json", "bundle-staged.json", "bundle-dir.json", "bundle-revoked.json"]:
    put("verification_bundle", name, text(name))

# DSSE envelopes of every kind, and the JSON reader on the same documents.
put("dsse", "approval.json", text("approval.json"))
put("dsse", "training.json", text("training.json"))
put("dsse", "root.json", text("root.json"))
put("dsse", "snapshot.json", json.dumps(bundle["snapshot"], indent=2))
put("dsse", "change.json", json.dumps(bundle["changes"][0], indent=2))
put("json", "bundle.json", text("bundle-revoked.json"))
put("json", "checkpoint.json", text("checkpoint.json"))
put("json", "approval-payload.json", payload(bundle["approval"]["envelope"]))

# Statements: approvals, revocations, deployments, the snapshot, a checkpoint.
put("statement", "approval.json", payload(bundle["approval"]["envelope"]))
put("statement", "approval-dir.json",
    payload(json.load(open("bundle-dir.json"))["approval"]["envelope"]))
for i, v in enumerate(bundle["revocations"]):
    if v["envelope"]:
        put("statement", "revocation-%d.json" % i, payload(v["envelope"]))
kinds = {}
for d in bundle["deployments"]["history"] + json.load(open("bundle-dir.json"))["deployments"]["history"]:
    if d["envelope"] and d["kind"] not in kinds:
        kinds[d["kind"]] = payload(d["envelope"])
for kind, p in kinds.items():
    put("statement", "deployment-%s.json" % kind, p)
put("statement", "snapshot.json", payload(bundle["snapshot"]))
put("statement", "checkpoint.json", text("checkpoint.json"))

# Training outputs: envelopes as `mgov train` writes them, and bare payloads.
for name in ["training.json", "training-dir.json"]:
    put("training_output", name, text(name))
    put("training_output", "payload-" + name, payload(json.load(open(name))))
# Artifact facts as training outputs carry them: clean files, a directory, pickles.
for name in ["training.json", "training-dir.json", "training-evil.pt.json",
             "training-hidden.safetensors.json"]:
    facts = json.loads(payload(json.load(open(name))))["artifact_facts"]
    put("artifact_facts", name, json.dumps(facts, indent=2))

# Governance: roots (envelopes and payloads), one change of each action, configurations.
for env in bundle["roots"]:
    v = json.loads(payload(env))["version"]
    put("governance", "root-v%d.json" % v, json.dumps(env, indent=2))
    put("governance", "root-v%d-payload.json" % v, payload(env))
seen = set()
for env in bundle["changes"]:
    change = json.loads(payload(env))
    if change["action"] in seen:
        continue
    seen.add(change["action"])
    put("governance", "change-%s.json" % change["action"], payload(env))
    if change["action"] == "config.set":
        put("governance", "config.json", json.dumps(change["config"], indent=2))
put("governance", "change-envelope.json", json.dumps(bundle["changes"][-1], indent=2))
put("governance", "rules.yaml", text("rules.yaml"))

# Keys: PKCS#8 and SPKI PEM from mgov and from OpenSSL.
put("pem", "admin.key", text("admin/admin.key"))
put("pem", "admin.pub", text("admin/admin.pub"))
put("pem", "alice.key", text("keys/alice.key"))
put("pem", "openssl.key", text("second.key"))
put("pem", "openssl.pub", text("second.pub"))

# Time: every timestamp and duration the documents above hold.
put("time", "issued_at", json.loads(payload(bundle["approval"]["envelope"]))["predicate"]["issued_at"])
put("time", "expires_at", json.loads(payload(bundle["roots"][0]))["expires_at"])
put("time", "snapshot", bundle["exported_at"])
put("time", "default_ttl", "60d")
put("time", "clock_skew", "2m")
PY
echo "session seeds written under $corpus"
