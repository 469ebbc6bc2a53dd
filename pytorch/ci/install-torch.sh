#!/usr/bin/env bash
# Installs what train's TorchMirrorTest needs: Debian's PyTorch, numpy and Pillow for /usr/bin/python3.
# Without them that test skips itself. Run as root (CI runs as root); safe to run again.
set -euo pipefail
if /usr/bin/python3 -c "import torch, numpy, PIL" 2>/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends python3-torch python3-numpy python3-pil
