#!/usr/bin/env bash
# Drives serving_guard through serve (0), refuse (1) and error (2), on a host
# that has only the bundle and the pinned root: no store, no key.
set -u
guard=$1 mgov=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export MGOV_HOME="$dir/home"
"$mgov" init --no-policy --admin-key admin/admin.key >/dev/null
"$mgov" key generate --identity trainer --role trainer --out keys --admin-key admin/admin.key >/dev/null
"$mgov" key generate --identity alice --role approver --out keys --admin-key admin/admin.key >/dev/null
echo weights > model.bin
"$mgov" train --model m --version 1 --artifact model.bin --key keys/trainer.key --out t.json >/dev/null
id=$("$mgov" approve t.json --key keys/alice.key --env staging 2>/dev/null)
"$mgov" root export --out root.json 2>/dev/null
"$mgov" export --bundle "$id" --out bundle.json 2>/dev/null
# The serving host: a directory with the bundle, the root and the model.
mkdir host
cp bundle.json root.json model.bin host/
rm -rf .mgov home
cd host
"$guard" --bundle bundle.json --trust root.json --env staging --artifact model.bin
serve=$?
echo tampered > model.bin
"$guard" --bundle bundle.json --trust root.json --env staging --artifact model.bin
refuse=$?
"$guard" --bundle missing.json --trust root.json --env staging --artifact model.bin
error=$?
echo "guard: serve=$serve refuse=$refuse error=$error"
