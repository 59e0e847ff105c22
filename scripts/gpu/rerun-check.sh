#!/usr/bin/env bash
# The GPU check of the re-run (issues 4 and 15), for a session that has the device machine (H100/H200
# with PyTorch 2.x, torchvision, onnx and Python onnxruntime, but no Node and no Vulkan loader).
# Prepare here, run there (one command; RUNNER_TESTS=skip keeps it to a few minutes):
#   bash scripts/gpu/prepare.sh          # builds .gpu/: Node, the bundled re-run, onnxruntime-node, libvulkan1
#   run(command="RUNNER_TESTS=skip bash scripts/gpu/rerun-check.sh", carry=[".gpu"], timeout_s=540)
#   then copy $OUT/bench/results/<gpu>-webgpu-<date>.json into bench/results/
# Rehearse on a CPU (Debian's torch 1.13 exports at most opset 17; WebGPU fails there for want of an
# adapter, and the reasons are what the rehearsal shows):
#   SIZE=64 SAMPLES=20 STUDENT_OPSET=17 RUNNER_PYTHON=/usr/bin/python3 bash scripts/gpu/rerun-check.sh
#
# It exercises what CI cannot, in under 5 minutes on an H100:
#   0. Vulkan for ONNX Runtime's WebGPU provider (scripts/gpu/vulkan-env.sh): the carried libvulkan1
#      unpacked, the NVIDIA driver's ICD file found or written; then a WebGPU probe on a small model in
#      its own process (provider, reasons, parity with the CPU, node placement);
#   1. the runner's unit tests on the machine's torch 2.x (export, weights, errors);
#   2. a real CUDA out-of-memory, classified by the runner as `out_of_memory` (infrastructure);
#   3. one full re-run of one submission through runRerun, as a `rerun` worker does: the lesson's
#      ResNet101 at 512 px, the student's ONNX exported with the lesson's own code on torch 2.x,
#      parity (ONNX Runtime on the provider it got, WebGPU here, against PyTorch CUDA with TF32 off),
#      accuracy / confusion on the example hand-in's seed, the batch-1 benchmark (CUDA-synchronised
#      PyTorch beside ONNX Runtime, same statistics), the printed speedup judged with the spec's
#      tolerance for the provider, wall time per step and the orchestration overhead;
#   4. ONNX Runtime's CUDA provider from Python, where the image's onnxruntime has it;
#   5. the results as one file, $OUT/bench/results/<gpu>-webgpu-<date>.json (scripts/gpu/bench_result.py).
# Each part prints its own result; a failing part does not stop the others. Files land in $OUT.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/gpu-check}
SIZE=${SIZE:-512}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
export RUNNER_PYTHON=${RUNNER_PYTHON:-$(command -v python3)}
python=$RUNNER_PYTHON
status=0
part() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%T)"; }

part "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | tee "$OUT/gpu.txt"
"$python" - <<'PY' 2>&1 | tee "$OUT/versions.txt"
import importlib, sys
found = {"python": sys.version.split()[0]}
for name in ("torch", "torchvision", "onnx", "onnxruntime", "onnxscript"):
    try:
        found[name] = importlib.import_module(name).__version__
    except Exception as error:
        found[name] = f"missing ({type(error).__name__})"
if "torch" in sys.modules:
    import torch
    found.update(cuda=torch.version.cuda, cuda_available=torch.cuda.is_available())
if "onnxruntime" in sys.modules:
    found["ort_providers"] = sys.modules["onnxruntime"].get_available_providers()
print(found)
PY

part "unpack Node and onnxruntime-node (carried in .gpu/)"
node=/tmp/grader-node
unxz() { "$python" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; }
ort_bin=.gpu/node_modules/onnxruntime-node/bin/napi-v6/linux/x64
if [ ! -x "$node" ]; then unxz .gpu/node.xz "$node" && chmod +x "$node"; fi
[ -f "$ort_bin/libonnxruntime.so.1" ] || unxz "$ort_bin/libonnxruntime.so.1.xz" "$ort_bin/libonnxruntime.so.1"
"$node" --version || status=1

part "0. Vulkan for ONNX Runtime's WebGPU provider"
. scripts/gpu/vulkan-env.sh
vulkan_setup .gpu/debs /tmp/grader-vulkan > "$OUT/vulkan.txt" 2>&1  # not in a pipe: it exports
cat "$OUT/vulkan.txt"
part "0. WebGPU probe: a small model on WebGPU in its own process"
timeout 120 "$node" .gpu/device-rerun.mjs --probe-webgpu --out "$OUT"
code=$?
[ $code -eq 0 ] || echo "WebGPU probe exit $code$([ $code -gt 128 ] && echo ": killed by signal $((code - 128)), the full re-run may crash in WebGPU too")"

part "1. runner unit tests on this torch"
# RUNNER_TESTS narrows them (e.g. test_torch_runner.ServeTests) when a rerun must stay short.
if [ "${RUNNER_TESTS:-}" = skip ]; then
  echo "skipped (RUNNER_TESTS=skip)"
elif [ -n "${RUNNER_TESTS:-}" ]; then
  (cd runner && timeout 240 "$python" -m unittest $RUNNER_TESTS) > "$OUT/runner-tests.log" 2>&1
else
  timeout 240 "$python" -m unittest discover -s runner -p 'test_*.py' > "$OUT/runner-tests.log" 2>&1
fi
code=$?
if [ -f "$OUT/runner-tests.log" ]; then
  echo "runner tests exit $code"; tail -n 4 "$OUT/runner-tests.log"; grep -E '^(FAIL|ERROR):' "$OUT/runner-tests.log" | head -20
fi

part "2. a real CUDA out-of-memory, classified"
PYTHONPATH=runner "$python" - <<'PY' 2>&1 | tee "$OUT/oom.txt"
import torch
from torchrunner.errors import classify_unexpected
if not torch.cuda.is_available():
    print("no CUDA: skipped")
else:
    free, total = torch.cuda.mem_get_info()
    try:
        torch.empty(total * 2, dtype=torch.uint8, device="cuda")  # plain cudaMalloc, twice the card
        print("no out-of-memory raised")
    except BaseException as exc:
        error = classify_unexpected(exc)
        print({"exception": type(exc).__name__, "code": error.code, "kind": error.kind})
    torch.cuda.empty_cache()
    torch.ones(1, device="cuda").sum().item()  # the context survives
    print("CUDA usable after the out-of-memory")
PY

part "3. one full re-run through runRerun (scripts/gpu/device-rerun.ts)"
timeout 420 "$node" .gpu/device-rerun.mjs --out "$OUT" --size "$SIZE" ${SAMPLES:+--samples "$SAMPLES"} \
  ${STUDENT_OPSET:+--student-opset "$STUDENT_OPSET"} || status=1

part "4. ONNX Runtime CUDA provider from Python"
"$python" - "$SIZE" <<'PY' 2>&1 | tee "$OUT/ort-python.txt"
import sys, time, numpy as np
try:
    import onnxruntime as ort
except ImportError:
    print({"cuda_provider": False, "onnxruntime": "not installed"})
    sys.exit(0)
providers = ort.get_available_providers()
if "CUDAExecutionProvider" not in providers:
    print({"cuda_provider": False, "available": providers})
    sys.exit(0)
import torch
sys.path.insert(0, "runner")
size = int(sys.argv[1])
from torchvision import models
model = models.resnet101(weights=None); model.fc = torch.nn.Sequential(torch.nn.Linear(2048, 256), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(256, 5))
model.eval(); torch.onnx.export(model, torch.randn(1, 3, size, size), "/tmp/ort-cuda.onnx", opset_version=18, dynamo=False,
                                 input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "n"}, "output": {0: "n"}})
s = ort.InferenceSession("/tmp/ort-cuda.onnx", providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
x = {"input": np.random.RandomState(0).randn(1, 3, size, size).astype(np.float32)}
for _ in range(20): s.run(None, x)
t = []
for _ in range(200):
    a = time.perf_counter(); s.run(None, x); t.append((time.perf_counter() - a) * 1000)
print({"cuda_provider": True, "session_providers": s.get_providers(), "p50_ms": float(np.percentile(t, 50)), "p95_ms": float(np.percentile(t, 95))})
PY
part "5. results for bench/results/"
"$python" scripts/gpu/bench_result.py "$OUT" "${CHECK_COMMAND:-bash scripts/gpu/prepare.sh; run(command='RUNNER_TESTS=${RUNNER_TESTS:-} SIZE=$SIZE bash scripts/gpu/rerun-check.sh', carry=['.gpu'])}" || status=1
# The unpacked library (45 MB) would push .gpu/ past what a run may carry (64 MiB) after a rehearsal.
[ -f "$ort_bin/libonnxruntime.so.1.xz" ] && rm -f "$ort_bin/libonnxruntime.so.1"
echo "rerun-check exit $status"
exit $status
