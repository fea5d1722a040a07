#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (tests/test_browser.py),
# and CJK fonts so that screenshots of Chinese pages are legible.
# Idempotent: does nothing when both packages are installed.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk)

if dpkg -s "${PACKAGES[@]}" >/dev/null 2>&1 && [ -x /usr/bin/chromium ]; then
    echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null)"
