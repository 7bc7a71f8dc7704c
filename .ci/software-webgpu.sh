#!/usr/bin/env bash
# (Copied from the project's shared/gpu/software-webgpu.sh so that a clean clone can run it.)
# Gives this CPU-only machine a software WebGPU adapter (Mesa 25's lavapipe, "llvmpipe"), so
# that WebGPU code (tfjs-backend-webgpu, custom WGSL kernels) runs and can be tested in Node
# through the `webgpu` npm package (Dawn), and in CI. Debian 12's own Mesa (22.3) is too old
# for Dawn; bookworm-backports has Mesa 25. Idempotent; needs root. Takes about a minute.
set -euo pipefail
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 &&
   dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[5-9]'; then
  exit 0
fi
. /etc/os-release
echo "deb http://deb.debian.org/debian ${VERSION_CODENAME}-backports main" \
  > /etc/apt/sources.list.d/backports.list
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t "${VERSION_CODENAME}-backports" \
  mesa-vulkan-drivers libvulkan1 >/dev/null
