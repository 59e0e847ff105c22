#!/usr/bin/env bash
# The GPU check of the re-run (issue 4), for a session that has the device machine (H100/H200 with
# PyTorch 2.x, torchvision, onnx and Python onnxruntime, but no Node). Run it there from the repo root:
#   run(command="bash scripts/gpu/rerun-check.sh", timeout_s=420)
# It exercises what CI cannot: the runner's CUDA paths (torch 2.x export, CUDA-synchronised timings,
# out-of-memory classification) on the lesson's real model (ResNet101, 5 classes, 512 px), and ONNX
# Runtime's CUDA execution provider on our export, and prints one JSON line per step with wall times.
set -euo pipefail
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT"
work=$(mktemp -d)
export PYTHONUNBUFFERED=1
step() { local name=$1; shift; local t0=$(date +%s.%N); "$@"; local t1=$(date +%s.%N); printf '{"step": "%s", "seconds": %.2f}\n' "$name" "$(echo "$t1 - $t0" | bc)"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
python3 -c 'import torch, onnx, onnxruntime as ort; print({"torch": torch.__version__, "cuda": torch.version.cuda, "onnx": onnx.__version__, "ort": ort.__version__, "providers": ort.get_available_providers()})' | tee "$OUT/versions.txt"

step fixture python3 runner/torch_runner.py make-fixture --backbone resnet101 --size 512 --out "$work" --variants honest,onnx > "$work/manifest.json"
arch='{"backbone": "resnet101", "head": [{"linear": 256}, {"relu": true}, {"dropout": 0.5}, {"linear": 5}]}'
model="\"jobDir\": \"$work\", \"weights\": \"$work/model.pth\", \"architecture\": $arch, \"inputSize\": 512, \"device\": \"cuda\""

step convert sh -c "echo '{\"task\": \"convert\", $model, \"convert\": {\"opset\": 18, \"dynamicBatch\": true, \"output\": \"$work/ours.onnx\"}}' | python3 runner/torch_runner.py > $OUT/convert.json"
python3 - "$work" <<'PY'
import sys, numpy as np
rng = np.random.RandomState(123)
x = rng.randn(8, 512, 512, 3).astype(np.float32).transpose(0, 3, 1, 2).copy()
np.save(f"{sys.argv[1]}/inputs.npy", x)
PY
step logits sh -c "echo '{\"task\": \"logits\", $model, \"logits\": {\"input\": \"$work/inputs.npy\", \"output\": \"$work/torch.npy\", \"batchSize\": 8}}' | python3 runner/torch_runner.py > $OUT/logits.json"
step benchmark sh -c "echo '{\"task\": \"benchmark\", $model, \"benchmark\": {\"warmup\": 20, \"minIterations\": 30, \"maxIterations\": 1000, \"maxSeconds\": 60, \"targetRelativeHalfWidth\": 0.02}}' | python3 runner/torch_runner.py > $OUT/benchmark.json"

# ONNX Runtime on CUDA (Python here: the Node binding has no CUDA provider on this machine).
python3 - "$work" "$OUT" <<'PY' | tee "$OUT/ort.json"
import json, sys, time, numpy as np, onnxruntime as ort
work, out = sys.argv[1], sys.argv[2]
s = ort.InferenceSession(f"{work}/ours.onnx", providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
x = np.load(f"{work}/inputs.npy"); torch_logits = np.load(f"{work}/torch.npy")
y = s.run(None, {s.get_inputs()[0].name: x})[0]
one = {s.get_inputs()[0].name: x[:1]}
for _ in range(20): s.run(None, one)
samples = []
for _ in range(300):
    t = time.perf_counter(); s.run(None, one); samples.append((time.perf_counter() - t) * 1000)
bench = json.load(open(f"{out}/benchmark.json"))
print(json.dumps({"provider": s.get_providers()[0], "maxAbsDiff": float(np.abs(y - torch_logits).max()),
                  "allclose_1e-4_1e-3": bool(np.allclose(y, torch_logits, atol=1e-4, rtol=1e-3)),
                  "ort_p50_ms": float(np.percentile(samples, 50)), "torch_p50_ms": bench.get("result", {}).get("p50"),
                  "speedup": (bench.get("result", {}).get("p50") or 0) / float(np.percentile(samples, 50))}))
PY
for f in convert logits benchmark; do python3 -c "import json,sys; r=json.load(open('$OUT/$f.json')); print('$f', r['ok'], r.get('environment',{}).get('deviceName'), r.get('timings'), (r.get('result') or {}).get('opsetUsed') or '', r.get('code',''))"; done
rm -rf "$work"
