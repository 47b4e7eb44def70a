#!/usr/bin/env bash
# Installs what building and testing Tousu needs, skipping what is already present.
# Everything comes from the package registries (crates.io, npm, Debian): nothing downloads a
# prebuilt binary from anywhere else. On a machine that has everything it takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TOUSU_ROOT"

TRUNK_VERSION=0.21.14
WASM_OPT_VERSION=132
APT_PACKAGES=(chromium chromium-driver fonts-noto-cjk brotli)

say() { echo "setup: $*" >&2; }

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { say "wasm-bindgen not found in Cargo.lock"; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION from crates.io (about 6 minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
fi

if ! tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $WASM_OPT_VERSION" \
  || [ ! -f tools/node_modules/axe-core/axe.min.js ] || [ ! -f tools/node_modules/terser/package.json ]; then
  say "installing wasm-opt (npm binaryen@$WASM_OPT_VERSION), terser and axe-core into tools/"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

SCHEMATHESIS_VERSION=$(sed -n 's/^schemathesis==//p' tools/requirements-api-fuzz.txt)
if ! tools/venv/bin/schemathesis --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION"; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into tools/venv"
  python3 -m venv tools/venv
  tools/venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements-api-fuzz.txt
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Trunk builds offline (it must never fetch tools), so crates are fetched here first.
cargo fetch --locked --quiet
say "ready (trunk $TRUNK_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION, wasm-opt $WASM_OPT_VERSION, schemathesis $SCHEMATHESIS_VERSION, chromium $(chromium --version 2>/dev/null | awk '{print $2}'))"
