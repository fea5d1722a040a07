#!/usr/bin/env bash
# redis-server for the tests of a crawl shared through Redis (tests/redis_support.py
# starts a private one on a free port): installed from the system's packages when missing.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q redis-server >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q redis-server >/dev/null; }
command -v redis-server >/dev/null
