#!/usr/bin/env bash
# GPU check for vsflow training: one short prepared run for a GPU machine.
# Reports the driver and the Vulkan ICDs, tries each GPU path (tfjs-node-gpu = CUDA, webgpu =
# Dawn), runs a fixed number of steps of the in-context (icl) and CLS models on each backend
# that loads, checks the first steps' losses against wasm to float32 tolerance and prints ms/step.
# Usage: bash bench/gpu-check.sh [STEPS]   (from the repository root, after npm ci; ~2-5 min)
# Optional peers are installed into a scratch folder (.cache/gpu-peers), never into package.json.
set -u
STEPS="${1:-20}"
cd "$(dirname "$0")/.."
echo "== machine"; uname -srm; node --version
echo "== NVIDIA driver"
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total --format=csv,noheader || nvidia-smi; else echo "nvidia-smi not found"; fi
echo "== CUDA / cuDNN libraries (tfjs-node-gpu 4.22 needs libcudart.so.11.0 and libcudnn.so.8)"
ldconfig -p 2>/dev/null | grep -E "libcudart\.so|libcudnn\.so|libcuda\.so" | head -8 || true
echo "== Vulkan ICDs"
ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null || echo "no ICD folder"
if command -v vulkaninfo >/dev/null; then vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName|apiVersion|deviceType" | head -12; else echo "vulkaninfo not found (apt-get install vulkan-tools)"; fi

# The optional peers are unpacked straight into node_modules (no package.json/lock change;
# npm ci removes them again). webgpu ships dawn.node inside its tarball: no download.
mkdir -p .cache
for spec in webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0; do
  name="${spec%@*}"
  if [ ! -e "node_modules/$name/package.json" ]; then
    echo "== unpacking optional peer $spec into node_modules"
    tgz=$(cd .cache && npm pack --silent "$spec" 2>/dev/null | tail -1)
    if [ -n "$tgz" ] && [ -f ".cache/$tgz" ]; then mkdir -p "node_modules/$name" && tar -xzf ".cache/$tgz" -C "node_modules/$name" --strip-components=1; else echo "could not fetch $spec (no registry access?)"; fi
  fi
done
if [ ! -e node_modules/@tensorflow/tfjs-node-gpu/package.json ]; then
  echo "== installing @tensorflow/tfjs-node-gpu@4.22.0 (its install script downloads libtensorflow 2.9.1 for CUDA 11.2/cuDNN 8.1: needs internet)"
  timeout 600 npm install --no-save --no-audit --no-fund @tensorflow/tfjs-node-gpu@4.22.0 2>&1 | tail -3 || true
fi

echo "== training steps (STEPS=$STEPS per model and backend)"
STEPS="$STEPS" timeout 900 node --import tsx bench/gpu-check.ts
rc=$?
echo "== gpu-check exit $rc (0: every backend that loaded matched wasm)"
exit $rc
