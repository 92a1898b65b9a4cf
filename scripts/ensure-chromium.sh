#!/usr/bin/env bash
# Install Debian's Chromium for the browser test if it is missing (the test drives it
# with Playwright; Playwright's own browser download cannot work on these machines).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "escsim set-up: installing chromium for the browser test (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "escsim set-up: chromium is missing and cannot be installed here (needs root and apt);" \
       "the browser test will fail under CI=true and be skipped otherwise" >&2
fi
