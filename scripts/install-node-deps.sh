#!/usr/bin/env bash
# Install the pinned Hexo 7 toolchain (hexo/package-lock.json) into
# hexo/node_modules for tests/test_hexo.py and tests/test_browser.py.
# Idempotent: skips `npm ci` when node_modules already matches the lock file.
set -euo pipefail

HEXO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../hexo" && pwd)"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "install-node-deps: $tool not found; install Node.js 20+ first" >&2
        exit 1
    fi
done

stamp="$HEXO_DIR/node_modules/.archiver-lock.sha256"
want="$(sha256sum "$HEXO_DIR/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$HEXO_DIR/node_modules/hexo" ]; then
    echo "hexo/node_modules up to date (lock $want)"
    exit 0
fi

cd "$HEXO_DIR"
# No install scripts: the only one in the tree (hexo-util's highlight build)
# regenerates a file the package already ships, and skipping scripts keeps
# the install offline-safe and identical on every machine.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
echo "hexo/node_modules installed: hexo $(node -p "require('hexo/package.json').version")"
