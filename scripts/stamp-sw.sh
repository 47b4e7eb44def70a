#!/bin/sh
# Trunk post_build hook: gives the service worker a cache name unique to this build, so a new
# build replaces the old precache (Trunk's file hashes are taken before wasm-opt runs).
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
# The office build has no service worker of its own (the field build's, at /, serves both).
[ -f "$dir/sw.js" ] || exit 0
build=$(find "$dir" -type f ! -name sw.js -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
sed -i "s/__TOUSU_BUILD__/$build/" "$dir/sw.js"
