#!/usr/bin/env bash
# Builds the two release builds of the app (docs/DECISIONS.md "Two builds"): the field build
# into dist/ (what a registrar's, handler's or revisitor's tablet loads) and the office build
# (the field app plus the office screens) into dist/office/, served at the same addresses to
# supervisors, managers, archivists and administrators; and the counter build into
# dist/counter/ (the kiosk and the public pages). The field build first: it empties dist/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TOUSU_ROOT"
trunk build --release
trunk build frontend/office/index.html --release --dist dist/office --public-url /office/
# The counter (issue 16): kiosk, /complain and /status, its own small entry.
trunk build frontend/counter/index.html --release --dist dist/counter --public-url /counter/
