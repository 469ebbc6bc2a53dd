#!/usr/bin/env bash
# Installs what the server's browser test (PageBrowserTest) needs: Debian's Chromium and its WebDriver.
# Without them that test skips itself. Run as root (CI runs as root); safe to run again.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium chromium-driver
