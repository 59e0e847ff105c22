"""Load a student's state_dict safely and fit it to the spec's architecture.

Order of gates: static pickle scan (refuses code without unpickling) -> torch.load with
weights_only=True (torch's restricted unpickler) -> structural checks (keys, shapes).
Each gate fails with the student code the protocol names.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import torch
from torch import nn

from .errors import RunnerError
from .pickle_scan import ScanError, ScanResult, allowed_globals, disallowed, scan_checkpoint

# checkpoint dicts seen in the wild: {'state_dict': ...} (Lightning, many tutorials) and
# {'model_state_dict': ..., 'optimizer_state_dict': ...} (the PyTorch "saving" tutorial)
WRAPPER_KEYS = ("state_dict", "model_state_dict")
# DataParallel / DistributedDataParallel, and torch.compile's wrapper module
KEY_PREFIXES = ("module.", "_orig_mod.")
MAX_LISTED = 5


@dataclass
class LoadedWeights:
    state_dict: Dict[str, torch.Tensor]
    notes: List[str] = field(default_factory=list)
    info: Dict[str, Any] = field(default_factory=dict)


def _listed(items: List[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f", ... ({len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else "")


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _refuse_code(scan: ScanResult, allowed) -> None:
    if scan.torchscript:
        raise RunnerError("weights_unsafe", "the weights file is a TorchScript archive, which carries code; "
                          "hand in model.state_dict() saved with torch.save")
    bad = disallowed(scan.globals, allowed)
    if not bad:
        return
    hint = ""
    if any(name.startswith(("torchvision.", "torch.nn.modules.", "__main__.")) for name in bad):
        hint = " It looks like a whole pickled model (torch.save(model)); hand in torch.save(model.state_dict())."
    raise RunnerError(
        "weights_unsafe",
        f"the weights file's pickle references Python objects a state_dict never needs: {_listed(bad)}. "
        f"Loading it could run arbitrary code, so it was refused without being unpickled.{hint}",
        details={"globals": bad},
    )


def read_checkpoint(path: str) -> Tuple[Any, Dict[str, Any]]:
    """The unpickled object, after the static scan; raises weights_unsafe / weights_unreadable."""
    size = os.path.getsize(path)
    info: Dict[str, Any] = {"bytes": size}
    if size == 0:
        raise RunnerError("weights_unreadable", "the weights file is empty")
    scan_problem: Optional[str] = None
    try:
        scan = scan_checkpoint(path)
        info["container"] = scan.container
        _refuse_code(scan, allowed_globals())
    except ScanError as exc:
        scan_problem = str(exc)  # leave the verdict to torch's own reader below
    info["sha256"] = _sha256(path)
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - every reader failure of a scanned-clean file is "unreadable"
        reason = f"{type(exc).__name__}: {exc}".strip()
        if len(reason) > 600:
            reason = reason[:600] + " ..."
        prefix = f"not a readable torch file ({scan_problem}); " if scan_problem else "not a readable torch file; "
        raise RunnerError("weights_unreadable", prefix + f"torch.load said {reason}") from None
    return obj, info


def _describe(obj: Any) -> str:
    return type(obj).__name__


def normalize_state_dict(obj: Any) -> Tuple[Dict[str, Any], List[str]]:
    """Unwrap the usual checkpoint shapes into a flat {name: tensor} dict, saying what was done."""
    notes: List[str] = []
    if not isinstance(obj, dict):
        raise RunnerError("architecture_mismatch",
                          f"the weights file holds a {_describe(obj)}, not a state_dict (a dict of tensors)")
    for key in WRAPPER_KEYS:
        inner = obj.get(key)
        if isinstance(inner, dict):
            others = [str(k) for k in obj.keys() if k != key]
            notes.append(f"state_dict was wrapped in a checkpoint dict under {key!r}"
                         + (f" (other keys ignored: {_listed(others)})" if others else ""))
            obj = inner
            break
    state = {str(k): v for k, v in obj.items()}
    for prefix in KEY_PREFIXES:
        if state and all(k.startswith(prefix) for k in state):
            state = {k[len(prefix):]: v for k, v in state.items()}
            notes.append(f"removed the {prefix!r} prefix from every key "
                         + ("(saved from a DataParallel wrapper)" if prefix == "module." else "(saved from torch.compile)"))
    return state, notes


def fit_to_model(model: nn.Module, state: Dict[str, Any], architecture_text: str) -> List[str]:
    """load_state_dict, but first a structured comparison so the failure lists offending keys."""
    expected = model.state_dict()
    notes: List[str] = []
    missing = [k for k in expected if k not in state]
    # BatchNorm's step counter is not used in eval mode and older torch did not save it
    tolerated = [k for k in missing if k.endswith("num_batches_tracked")]
    missing = [k for k in missing if k not in tolerated]
    unexpected = [k for k in state if k not in expected]
    not_tensors = [k for k in state if k in expected and not isinstance(state[k], torch.Tensor)]
    shape = [f"{k}: file {list(state[k].shape)} vs expected {list(expected[k].shape)}"
             for k in state if k in expected and isinstance(state[k], torch.Tensor)
             and tuple(state[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or not_tensors or shape:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing key(s): {_listed(missing)}")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected key(s): {_listed(unexpected)}")
        if shape:
            parts.append(f"{len(shape)} shape mismatch(es): {_listed(shape)}")
        if not_tensors:
            parts.append(f"{len(not_tensors)} non-tensor value(s): {_listed(not_tensors)}")
        raise RunnerError(
            "architecture_mismatch",
            f"the state_dict does not fit {architecture_text}: " + "; ".join(parts),
            details={"missing": missing, "unexpected": unexpected, "shapeMismatches": shape,
                     "nonTensors": not_tensors},
        )
    if tolerated:
        notes.append(f"{len(tolerated)} BatchNorm num_batches_tracked buffer(s) absent (unused in eval mode)")
    floating = [t for t in state.values() if t.is_floating_point()]
    other_dtypes = sorted({str(t.dtype).replace("torch.", "") for t in floating if t.dtype != torch.float32})
    if other_dtypes:
        notes.append(f"weights stored as {', '.join(other_dtypes)}; converted to float32")
    non_finite = sum(int((~torch.isfinite(t)).sum()) for t in floating)
    if non_finite:
        notes.append(f"weights contain {non_finite} NaN/Inf value(s)")
    filled = {**expected, **state}
    model.load_state_dict(filled, strict=True)
    model.float()
    return notes


def load_weights_into(model: nn.Module, path: str, architecture_text: str) -> LoadedWeights:
    obj, info = read_checkpoint(path)
    state, notes = normalize_state_dict(obj)
    notes += fit_to_model(model, state, architecture_text)
    info["tensors"] = len(state)
    return LoadedWeights(state_dict=state, notes=notes, info=info)
