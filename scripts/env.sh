# Sourced by the other scripts: the project's pinned tools come first on PATH.
# tools/node_modules/.bin holds wasm-opt from npm binaryen@132; Debian's binaryen (108) builds
# a wasm that crashes at run time, so it must never be found first.
TOUSU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TOUSU_ROOT
export PATH="$TOUSU_ROOT/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
