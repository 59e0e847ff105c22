#!/usr/bin/env bash
# Builds .gpu/ (git-ignored), everything the GPU machine lacks for scripts/gpu/rerun-check.sh: it has
# PyTorch 2.x, onnx and Python onnxruntime, but no Node and no node_modules. Carry it with the run:
#   bash scripts/gpu/prepare.sh
#   run(command="bash scripts/gpu/rerun-check.sh", carry=[".gpu"], timeout_s=540)
# Contents (about 40 MB, under the device tool's 64 MiB):
#   node.xz                        this machine's Node binary (glibc only, runs on the GPU image)
#   device-rerun.mjs               scripts/gpu/device-rerun.ts and the grader code it uses, bundled
#   node_modules/onnxruntime-*     onnxruntime-node with its Linux x64 CPU binaries (.so xz-compressed)
# onnxruntime-node's CUDA binaries are downloaded by its install script from outside this network, so
# the carried ORT is the CPU build: the check records ORT's CPU provider and its fallback reason, as a
# worker whose image lacks them would. A GPU worker image installs them (README, "GPU workers").
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
du -sh "$out"
