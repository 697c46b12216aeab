#!/usr/bin/env bash
# Regenerates docs/images/report.png, the README's picture of the HTML report: the built-in
# suite against the in-process reference server, rendered by headless Chromium (Debian's
# chromium package).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p target/screenshot
cargo run --quiet -p harness -- run --reference --quiet --html target/screenshot/report.html
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir=target/screenshot/profile --window-size=1100,1000 \
  --screenshot=docs/images/report.png "file://$PWD/target/screenshot/report.html"
