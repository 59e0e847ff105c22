# One image for every role (the CLI today; the API and workers run from the same image).
FROM node:20-bookworm-slim AS build
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
# Prisma's generator needs dev dependencies (prisma, swc): build here, prune afterwards.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY prisma ./prisma
COPY grading-specs ./grading-specs
COPY examples ./examples
COPY runner ./runner
ENTRYPOINT ["node"]
CMD ["dist/cli.js", "--help"]

# ---- GPU worker (`docker build --target gpu -t bio1173-grader:gpu .`; compose's worker-gpu) ------
# Needs the network at build time, unlike the image above: onnxruntime-node 1.30's CUDA provider comes
# from NuGet and is built for CUDA 12 (not 13), so the base is CUDA 12 with cuDNN 9, and PyTorch comes
# from its CUDA 12 wheel index. Not built on the development machine (no registry access there); the
# re-run itself was checked on an H100 with scripts/gpu/rerun-check.sh (README, "GPU workers").
# Where the CUDA provider cannot be used, ONNX Runtime runs on WebGPU (bundled in onnxruntime-node:
# Dawn over Vulkan), which needs the Vulkan loader (libvulkan1, below) and the NVIDIA driver's Vulkan
# library and ICD file, mounted by the NVIDIA container toolkit with the `graphics` capability.
FROM build AS gpu-build
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS gpu
ARG TORCH_INDEX=https://download.pytorch.org/whl/cu128
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates libvulkan1 \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/torch \
 && /opt/torch/bin/pip install --no-cache-dir --index-url "$TORCH_INDEX" torch==2.11.0 torchvision==0.26.0 \
 && /opt/torch/bin/pip install --no-cache-dir onnx==1.23.1 numpy
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production RUNNER_PYTHON=/opt/torch/bin/python3 WORKER_QUEUES=rerun RERUN_DEVICE=auto \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
WORKDIR /app
COPY --from=gpu-build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY prisma ./prisma
COPY grading-specs ./grading-specs
COPY runner ./runner
ENTRYPOINT ["node"]
CMD ["dist/worker.js"]
