"""Failure taxonomy of the protocol and the mapping of unexpected exceptions onto it."""
from __future__ import annotations

from typing import Any, Dict, Optional

STUDENT = "student"
INFRASTRUCTURE = "infrastructure"

STUDENT_CODES = frozenset({"weights_unreadable", "weights_unsafe", "architecture_mismatch"})
INFRASTRUCTURE_CODES = frozenset({"out_of_memory", "cuda_error", "bad_request", "internal"})


class RunnerError(Exception):
    """An outcome the protocol names: carries errorKind, code and a human message."""

    def __init__(self, code: str, message: str, details: Optional[Dict[str, Any]] = None):
        if code in STUDENT_CODES:
            kind = STUDENT
        elif code in INFRASTRUCTURE_CODES:
            kind = INFRASTRUCTURE
        else:  # a programming error here must not masquerade as a student's fault
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details


def bad_request(message: str) -> RunnerError:
    return RunnerError("bad_request", message)


def _is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    oom_type = _torch_attr("cuda", "OutOfMemoryError")  # torch >= 1.13
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and (
        "out of memory" in text.lower() or "can't allocate memory" in text
    )


def _is_cuda_error(exc: BaseException) -> bool:
    accel_type = _torch_attr("AcceleratorError")  # torch >= 2.8
    if accel_type is not None and isinstance(exc, accel_type):
        return True
    if not isinstance(exc, RuntimeError):
        return False
    text = str(exc)
    return any(marker in text for marker in ("CUDA", "cuDNN", "CUDNN", "CUBLAS", "cuBLAS", "NCCL", "device-side assert"))


def _torch_attr(*path: str) -> Any:
    """Look up torch.<path> without importing torch here (the error module stays importable without it)."""
    import sys

    obj: Any = sys.modules.get("torch")
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def classify_unexpected(exc: BaseException) -> RunnerError:
    """Anything not raised as a RunnerError is ours (infrastructure), never the student's."""
    if isinstance(exc, RunnerError):
        return exc
    summary = f"{type(exc).__name__}: {exc}".strip()
    if len(summary) > 2000:
        summary = summary[:2000] + " ..."
    if _is_out_of_memory(exc):
        return RunnerError("out_of_memory", summary)
    if _is_cuda_error(exc):
        return RunnerError("cuda_error", summary)
    return RunnerError("internal", summary)
