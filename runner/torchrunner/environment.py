"""Which device runs the work, and the versions/hardware a result must be reported with."""
from __future__ import annotations

import os
import platform
from typing import Any, Dict, Optional

import numpy
import torch
import torchvision

from .errors import RunnerError, bad_request


_DEFAULT_THREADS: Optional[int] = None


def configure_threads(requested: Optional[int] = None) -> Optional[int]:
    """Torch's intra-op threads for this request: the request's own count (sized by Node to the cores
    free when the step starts), else RUNNER_THREADS (workers share CPUs; timings need a fixed count),
    else torch's default. Set per request, so a serving runner follows the machine's load."""
    global _DEFAULT_THREADS
    if _DEFAULT_THREADS is None:
        _DEFAULT_THREADS = torch.get_num_threads()
    raw = os.environ.get("RUNNER_THREADS")
    threads: Optional[int] = None
    if raw is not None and raw.strip() != "":
        try:
            threads = int(raw)
        except ValueError:
            raise bad_request(f"RUNNER_THREADS: {raw!r} is not an integer") from None
        if threads < 1:
            raise bad_request(f"RUNNER_THREADS: {threads} must be at least 1")
    if requested is not None:
        threads = requested
    torch.set_num_threads(threads if threads is not None else _DEFAULT_THREADS)
    return threads


def pick_device(requested: str) -> torch.device:
    if requested == "cpu":
        return torch.device("cpu")
    available = torch.cuda.is_available()
    if requested == "cuda" and not available:
        raise RunnerError("cuda_error", "device 'cuda' was requested but torch.cuda.is_available() is false "
                          f"(torch {torch.__version__}, built for CUDA {torch.version.cuda})")
    return torch.device("cuda" if available else "cpu")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _onnx_version() -> Optional[str]:
    try:
        import onnx

        return onnx.__version__
    except Exception:  # noqa: BLE001 - probe must still answer without onnx installed
        return None


def describe(device: torch.device) -> Dict[str, Any]:
    on_cuda = device.type == "cuda"
    cudnn = torch.backends.cudnn.version() if on_cuda and torch.backends.cudnn.is_available() else None
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "onnx": _onnx_version(),
        "numpy": numpy.__version__,
        "cuda": torch.version.cuda,
        "cudnn": cudnn,
        "device": device.type,
        "deviceName": torch.cuda.get_device_name(device) if on_cuda else cpu_model(),
        "threads": torch.get_num_threads(),
    }
