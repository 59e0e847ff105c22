#!/usr/bin/env bash
# Builds .gpu/ (git-ignored), everything the GPU machine lacks for scripts/gpu/rerun-check.sh: it has
# PyTorch 2.x, onnx and Python onnxruntime, but no Node, no node_modules and no Vulkan loader. Carry it
# with the run (RUNNER_TESTS=skip: the runner's unit tests already passed on torch 2.11; drop it to rerun them):
#   bash scripts/gpu/prepare.sh
#   run(command="RUNNER_TESTS=skip bash scripts/gpu/rerun-check.sh", carry=[".gpu"], timeout_s=540)
# Contents (about 40 MB, under the device tool's 64 MiB):
#   node.xz                        this machine's Node binary (glibc only, runs on the GPU image)
#   device-rerun.mjs               scripts/gpu/device-rerun.ts and the grader code it uses, bundled
#   node_modules/onnxruntime-*     onnxruntime-node with its Linux x64 binaries (.so xz-compressed): the CPU
#                                  provider and the bundled WebGPU provider (Dawn over Vulkan)
#   debs/libvulkan1_*.deb          Debian's Vulkan loader (libvulkan.so.1), which the GPU machine lacks and
#                                  WebGPU needs; rerun-check.sh unpacks it with dpkg -x
# onnxruntime-node's CUDA binaries are downloaded by its install script from outside this network, so
# the carried ORT has no CUDA provider: the check records CUDA's failure and its reason, then runs ORT on
# WebGPU (or, failing that, the CPU, with WebGPU's reason too). A GPU worker image installs the CUDA
# provider and the Vulkan loader (README, "GPU workers").
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.gpu
rm -rf "$out"
mkdir -p "$out/node_modules"

npx esbuild scripts/gpu/device-rerun.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --outfile="$out/device-rerun.mjs" --log-level=warning \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

for package in onnxruntime-node onnxruntime-common; do
  mkdir -p "$out/node_modules/$package"
  cp -r "node_modules/$package/package.json" "node_modules/$package/dist" "$out/node_modules/$package/"
done
binaries=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
mkdir -p "$out/$binaries"
cp "$binaries/onnxruntime_binding.node" "$out/$binaries/"
xz -T0 -6 -c "$binaries/libonnxruntime.so.1" > "$out/$binaries/libonnxruntime.so.1.xz"
xz -T0 -6 -c "$(command -v node)" > "$out/node.xz"
# Vulkan for WebGPU: the loader, and (debs/glx/) what the NVIDIA driver's Vulkan library
# (libGLX_nvidia.so.0) links against, which a headless CUDA image may lack (glvnd, X11 client libraries).
mkdir -p "$out/debs/glx"
(cd "$out/debs" && apt-get -q -o APT::Sandbox::User=root download libvulkan1 >/dev/null) \
  || { echo "prepare: apt-get download libvulkan1 failed: WebGPU needs it on the GPU machine" >&2; exit 1; }
(cd "$out/debs/glx" && apt-get -q -o APT::Sandbox::User=root download \
  libglvnd0 libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0 >/dev/null) \
  || { echo "prepare: apt-get download of the GLX libraries failed" >&2; exit 1; }
for deb in "$out"/debs/*.deb "$out"/debs/glx/*.deb; do  # plain names travel safely ('%3a' = the epoch's ':')
  [ "$deb" = "${deb//%3a/_}" ] || mv "$deb" "${deb//%3a/_}"
done
ls -R "$out/debs"
du -sh "$out"
