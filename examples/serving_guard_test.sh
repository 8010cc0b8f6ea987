#!/usr/bin/env bash
# Drives serving_guard through serve (0), refuse (1) and error (2).
set -u
guard=$1 mgov=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
"$mgov" init --no-policy >/dev/null
"$mgov" key generate --identity trainer --role trainer --out keys >/dev/null
"$mgov" key generate --identity alice --role approver --out keys >/dev/null
echo weights > model.bin
"$mgov" train --model m --version 1 --artifact model.bin --key keys/trainer.key --out t.json >/dev/null
id=$("$mgov" approve t.json --key keys/alice.key --env staging 2>/dev/null)
store=sqlite:$dir/.mgov/governance.db
"$guard" --store "$store" --ledger-key .mgov/ledger.key --approval "$id" --env staging --artifact model.bin
serve=$?
echo tampered > model.bin
"$guard" --store "$store" --ledger-key .mgov/ledger.key --approval "$id" --env staging --artifact model.bin
refuse=$?
"$guard" --store "$store" --ledger-key .mgov/ledger.key --approval apv-unknown --env staging --artifact model.bin
error=$?
echo "guard: serve=$serve refuse=$refuse error=$error"
