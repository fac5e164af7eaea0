#!/usr/bin/env bash
# Installs Debian's Chromium for the end-to-end tests when it is missing (we run as root).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

echo "ensure-browser: /usr/bin/chromium is missing; installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
