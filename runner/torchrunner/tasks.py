"""The four tasks of the protocol. Each returns the response's `result` object."""
from __future__ import annotations

import bisect
import contextlib
import copy
import json
import os
import sys
import tempfile
import time
from typing import Any, Callable, Dict, Iterator, List, Tuple

import numpy as np
import torch
from torch import nn

from .architecture import build_model, output_classes, parameter_count
from .errors import bad_request
from .onnx_export import export_onnx, onnx_max_opset, torch_max_opset
from .request import BenchmarkOptions, LogitsOptions, Request
from .stats import is_converged, summarize
from .weights import load_weights_into


def load_model(request: Request, device: torch.device) -> Tuple[nn.Module, Dict[str, Any]]:
    """Spec architecture + student weights, eval mode, on `device`; plus what the result reports about them."""
    architecture = request.architecture
    model = build_model(architecture)
    loaded = load_weights_into(model, request.weights, architecture.describe())
    model = model.to(device).eval()
    info = {"weights": {**loaded.info, "parameters": parameter_count(model)}, "notes": loaded.notes}
    return model, info


def run_probe() -> Dict[str, Any]:
    return {"cudaAvailable": torch.cuda.is_available(),
            "maxOpset": {"torch": torch_max_opset(), "onnx": onnx_max_opset()}}


def run_convert(request: Request, model: nn.Module) -> Dict[str, Any]:
    options = request.convert
    # exported from a CPU copy: the file then does not depend on which GPU the worker has
    cpu_model = model if next(model.parameters()).device.type == "cpu" else _cpu_copy(model)
    return export_onnx(cpu_model, request.input_size, options.opset, options.dynamic_batch, options.output)


def _cpu_copy(model: nn.Module) -> nn.Module:
    return copy.deepcopy(model).to("cpu").eval()


def _read_inputs(options: LogitsOptions, input_size: int) -> np.ndarray:
    try:
        data = np.load(options.input, mmap_mode="r", allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any failure to read our own input file is our fault
        raise bad_request(f"logits.input: {options.input!r} is not a readable .npy file: {exc}") from None
    expected = (3, input_size, input_size)
    if data.ndim != 4 or tuple(data.shape[1:]) != expected or data.shape[0] < 1:
        raise bad_request(f"logits.input: shape {list(data.shape)} is not [N, 3, {input_size}, {input_size}]")
    if data.dtype != np.float32:
        raise bad_request(f"logits.input: dtype {data.dtype} is not float32")
    return data


def _write_npy(path: str, array: np.ndarray) -> None:
    """np.save to a temporary name in the same folder, then rename: never a half-written output."""
    handle, temporary = tempfile.mkstemp(prefix=".logits-", suffix=".npy", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "wb") as stream:
            np.save(stream, np.ascontiguousarray(array, dtype=np.float32), allow_pickle=False)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; Node reads it next
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


@contextlib.contextmanager
def _full_fp32(device: torch.device) -> Iterator[Dict[str, Any]]:
    """Reference logits in true float32: TF32 convolutions (on by default in cuDNN on Ampere+) would
    put ~1e-3 noise into the parity comparison that is not the student's doing. The flags are put
    back afterwards: a serving runner then benchmarks with torch's defaults, as a notebook does."""
    if device.type != "cuda":
        yield {"tf32": False}
        return
    saved = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        yield {"tf32": False}
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def run_logits(request: Request, model: nn.Module, device: torch.device) -> Dict[str, Any]:
    """Logits of the seeded data, in batches. Each batch reports progress on stderr (samples done,
    seconds a sample, projected total). With a deadline, the step stops between batches when the
    next one would end past it, and hands back the samples done (whole batches, in order) with its
    pace and projection, instead of being killed at its time limit with nothing (a busy CPU)."""
    options = request.logits
    data = _read_inputs(options, request.input_size)
    total = int(data.shape[0])
    outputs: List[np.ndarray] = []
    started = time.perf_counter()
    done = 0
    stopped_early = False
    with _full_fp32(device) as precision, torch.no_grad():
        for start in range(0, total, options.batch_size):
            elapsed = time.perf_counter() - started
            if done > 0 and options.deadline_seconds is not None:
                next_batch = min(options.batch_size, total - start) * elapsed / done
                if elapsed + next_batch > options.deadline_seconds:
                    stopped_early = True
                    break
            # a copy: the memory-mapped file is read-only, and torch wants writable memory
            chunk = np.array(data[start:start + options.batch_size], dtype=np.float32, order="C", copy=True)
            batch = torch.from_numpy(chunk).to(device)
            outputs.append(model(batch).float().cpu().numpy())
            done += chunk.shape[0]
            _progress("logits", done, total, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    logits = np.concatenate(outputs, axis=0)
    expected = (done, output_classes(request.architecture))
    if logits.shape != expected:  # the head defines the shape; anything else is our bug
        raise RuntimeError(f"model produced logits of shape {list(logits.shape)}, expected {list(expected)}")
    _write_npy(options.output, logits)
    per_sample = seconds / done if done else 0.0
    return {"output": options.output, "shape": list(logits.shape), "batchSize": options.batch_size,
            "nonFinite": int((~np.isfinite(logits)).sum()), "samplesDone": done, "samplesTotal": total,
            "stoppedEarly": stopped_early, "secondsPerSample": per_sample,
            "projectedSeconds": per_sample * total, **precision}


def _progress(task: str, done: int, total: int, seconds: float) -> None:
    """One JSON line on stderr (the runner's log): how far a slow step is and where it is heading."""
    per_sample = seconds / done if done else 0.0
    print(json.dumps({"progress": {"task": task, "done": done, "total": total, "seconds": round(seconds, 3),
                                   "secondsPerSample": round(per_sample, 4),
                                   "projectedSeconds": round(per_sample * total, 2)}}),
          file=sys.stderr, flush=True)


def _timer(device: torch.device) -> Callable[[], None]:
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


def run_benchmark(request: Request, model: nn.Module, device: torch.device) -> Dict[str, Any]:
    """Batch-1 latency: warm-up, then time each call until the median's 95% CI is tight enough.

    On CUDA every call is followed by torch.cuda.synchronize() before the clock is read: kernels
    launch asynchronously, and without it the loop measures launch overhead, not inference.
    """
    options: BenchmarkOptions = request.benchmark
    sync = _timer(device)
    size = request.input_size
    sample = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(0)).to(device)
    started = time.perf_counter()
    deadline = started + options.max_seconds
    warmup_done = 0
    with torch.no_grad():
        # warm-up may use at most half the time budget, so a slow device still gets timed samples
        while warmup_done < options.warmup and time.perf_counter() - started < options.max_seconds / 2:
            model(sample)
            sync()
            warmup_done += 1
        samples: List[float] = []
        ordered: List[float] = []
        stop_reason = "maxIterations"
        while len(samples) < options.max_iterations:
            sync()
            begin = time.perf_counter()
            model(sample)
            sync()
            elapsed_ms = (time.perf_counter() - begin) * 1000.0
            samples.append(elapsed_ms)
            bisect.insort(ordered, elapsed_ms)
            if is_converged(ordered, options.min_iterations, options.target_relative_half_width):
                stop_reason = "converged"
                break
            if time.perf_counter() >= deadline:
                stop_reason = "maxSeconds"
                break
    summary = summarize(samples)
    return {
        "samplesMs": samples,
        "iterations": len(samples),
        **summary,
        "converged": stop_reason == "converged",
        "stopReason": stop_reason,
        "targetRelativeHalfWidth": options.target_relative_half_width,
        "warmupIterations": warmup_done,
        "batchSize": 1,
        # the clock is read only once the work is done: after torch.cuda.synchronize() on CUDA,
        # and on CPU because a CPU forward returns only when it has finished
        "synchronized": True,
        "tf32": bool(torch.backends.cudnn.allow_tf32) if device.type == "cuda" else False,
        "cudnnBenchmark": bool(torch.backends.cudnn.benchmark) if device.type == "cuda" else False,
        "totalSeconds": time.perf_counter() - started,
    }
