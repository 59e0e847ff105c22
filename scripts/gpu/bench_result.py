"""Assembles what scripts/gpu/rerun-check.sh measured into one file for bench/results/.

    python3 scripts/gpu/bench_result.py OUT [COMMAND]

Reads OUT/gpu.txt, versions.txt, vulkan.txt, webgpu-probe.json and device-rerun.json and writes
OUT/bench/results/<gpu>-webgpu-<date>.json (the path it should have in the repository), then prints
the headline: the provider ONNX Runtime got, its parity against PyTorch (CUDA, TF32 off) and the
batch-1 p50 of both with the speedup and how the printed speedup was judged.
"""
import datetime
import json
import os
import re
import sys


def read(path, default=None):
    try:
        with open(path) as f:
            return json.load(f) if path.endswith(".json") else f.read().strip()
    except (OSError, ValueError):
        return default


def main():
    out = sys.argv[1]
    command = sys.argv[2] if len(sys.argv) > 2 else None
    gpu = read(os.path.join(out, "gpu.txt"), "") or ""
    if "nvidia-smi" in gpu or "failed" in gpu.lower():  # no GPU: the file holds nvidia-smi's complaint
        gpu = ""
    runs = read(os.path.join(out, "device-rerun.json"), []) or []
    today = datetime.date.today().isoformat()
    name = gpu.split(",")[0].strip() if gpu and "," in gpu else "cpu-rehearsal"
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"^nvidia ", "", name.lower())).strip("-") or "unknown"
    headline = None
    if runs:
        last = runs[-1]["summary"]
        latency = last.get("latency") or {}
        headline = {
            "executionProvider": last.get("executionProvider"),
            "fallbackReason": last.get("fallbackReason"),
            "parity": last.get("parity"),
            "pytorchP50Ms": (latency.get("pytorch") or {}).get("p50"),
            "onnxRuntimeP50Ms": (latency.get("onnxRuntime") or {}).get("p50"),
            "speedup": latency.get("speedup"),
            "speedupClaim": (last.get("checks") or {}).get("rerun.claim.speedup"),
            "placement": runs[-1].get("placement"),
        }
    result = {
        "machine": f"{gpu or 'no GPU'} ({os.cpu_count()} CPU cores), {today}",
        "command": command,
        "versions": read(os.path.join(out, "versions.txt")),
        "vulkan": (read(os.path.join(out, "vulkan.txt"), "") or "").splitlines(),
        "webgpuProbe": read(os.path.join(out, "webgpu-probe.json")),
        "headline": headline,
        "runs": [
            {"worker": r.get("worker"), "summary": r.get("summary"),
             "runnerTimings": (r.get("report") or {}).get("metrics", {}).get("runnerTimings"),
             "runnerProcesses": (r.get("report") or {}).get("metrics", {}).get("runnerProcesses")}
            for r in runs
        ],
        "note": "ORT's provider chain is CUDA, else WebGPU, else CPU; parity is against PyTorch on the runner's "
                "device with TF32 off; latencies are batch-1 p50 with the median's 95% interval (stats.ts).",
    }
    target = os.path.join(out, "bench", "results", f"{slug}-webgpu-{today}.json")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps({"written": target, "headline": headline}, indent=1))


if __name__ == "__main__":
    main()
