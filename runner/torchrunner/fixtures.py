"""Build small "student hand-ins" for tests: honest weights and the bad variants the grader must catch.

    python3 runner/torch_runner.py make-fixture --backbone resnet18 --size 64 --out DIR \
        [--seed 0] [--onnx] [--variants all | honest,other-weights-onnx,...] [--marker PATH]

Prints a JSON manifest ({variant: path, ...}) on stdout and writes it to DIR/manifest.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
from typing import Any, Dict, List, Optional, Tuple

import torch
from torch import nn

from .architecture import build_model
from .onnx_export import export_onnx
from .request import Architecture, HeadLayer, parse_head

LESSON_HEAD = (HeadLayer("linear", 256), HeadLayer("relu"), HeadLayer("dropout", 0.5), HeadLayer("linear", 5))

VARIANTS = {
    "honest": "model.pth: state_dict of the model (always written)",
    "onnx": "model.onnx: the same weights exported like the lesson (also with --onnx)",
    "other-weights-onnx": "other_weights.onnx: an ONNX export of *different* weights (seed + 1)",
    "other-resolution-onnx": "other_resolution.onnx: the same weights exported at --other-size",
    "truncated": "truncated.pth: model.pth cut in half",
    "malicious": "malicious.pth: a torch.save file whose pickle calls os.system (creates --marker)",
    "malicious-legacy": "malicious_legacy.pth: the same in torch's legacy (non-zip) format",
    "mismatch": "mismatch.pth: state_dict of a 10-class head (architecture_mismatch)",
    "wrapped": "wrapped.pth: {'state_dict': {'module.' + key: tensor}, 'epoch': 3}",
    "full-model": "full_model.pth: torch.save(model), a whole pickled model (weights_unsafe)",
}


class ShellPayload:
    """Unpickling this object runs a shell command: what a hostile .pth hides in its pickle."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def calibrate_batchnorm(model: nn.Module, size: int, generator: torch.Generator,
                        batches: int = 2, batch_size: int = 8) -> None:
    """Give BatchNorm layers running statistics of the data they will see (N(0,1) pixels, like the
    lesson's random inputs). Freshly initialised stats (mean 0, var 1) let activations grow through
    the residual stages, and eval-mode logits come out in the thousands; a trained model's do not."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the calibration batches
    model.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch_size, 3, size, size, generator=generator))
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    model.eval()


def make_model(architecture: Architecture, size: int, seed: int, batches: int = 2, batch_size: int = 8) -> nn.Module:
    torch.manual_seed(seed)  # torchvision's initialisers draw from the global generator
    model = build_model(architecture)
    calibrate_batchnorm(model, size, torch.Generator().manual_seed(seed + 1000), batches, batch_size)
    return model


def write_malicious(path: str, marker: str, legacy: bool = False) -> None:
    payload = {"fc.0.weight": ShellPayload(f"touch {shlex.quote(marker)}"), "fc.0.bias": torch.zeros(1)}
    torch.save(payload, path, _use_new_zipfile_serialization=not legacy)


def _parse(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="torch_runner.py make-fixture", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backbone", default="resnet18")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--onnx", action="store_true", help="also export model.onnx")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--variants", default="honest",
                        help="comma-separated, or 'all': " + ", ".join(VARIANTS))
    parser.add_argument("--other-size", type=int, default=None,
                        help="resolution of other_resolution.onnx (default: size // 2)")
    parser.add_argument("--marker", default=None,
                        help="file the malicious payload would create (default: OUT/MALICIOUS_PAYLOAD_RAN)")
    parser.add_argument("--head", default=None, help="head as protocol JSON (default: the lesson's)")
    parser.add_argument("--calibration-batches", type=int, default=2)
    parser.add_argument("--calibration-batch-size", type=int, default=8)
    return parser.parse_args(argv)


def _head(raw: Optional[str]) -> Tuple[HeadLayer, ...]:
    if raw is None:
        return LESSON_HEAD
    return parse_head(json.loads(raw), "--head")


def build_fixtures(args: argparse.Namespace) -> Dict[str, Any]:
    wanted = list(VARIANTS) if args.variants == "all" else [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; known: {', '.join(VARIANTS)}")
    if args.onnx and "onnx" not in wanted:
        wanted.append("onnx")
    os.makedirs(args.out, exist_ok=True)
    out = os.path.abspath(args.out)
    architecture = Architecture(args.backbone, _head(args.head))
    head_json = [{l.kind: (True if l.kind == "relu" else (int(l.value) if l.kind == "linear" else l.value))}
                 for l in architecture.head]
    calibration = (args.calibration_batches, args.calibration_batch_size)
    model = make_model(architecture, args.size, args.seed, *calibration)
    files: Dict[str, str] = {}

    def path(name: str) -> str:
        return os.path.join(out, name)

    files["honest"] = path("model.pth")
    torch.save(model.state_dict(), files["honest"])
    if "onnx" in wanted:
        files["onnx"] = export_onnx(model, args.size, args.opset, True, path("model.onnx"))["onnx"]
    if "other-weights-onnx" in wanted:
        other = make_model(architecture, args.size, args.seed + 1, *calibration)
        files["other-weights-onnx"] = export_onnx(other, args.size, args.opset, True, path("other_weights.onnx"))["onnx"]
    other_size = args.other_size or max(16, args.size // 2)
    if "other-resolution-onnx" in wanted:
        files["other-resolution-onnx"] = export_onnx(model, other_size, args.opset, True,
                                                     path("other_resolution.onnx"))["onnx"]
    if "truncated" in wanted:
        with open(files["honest"], "rb") as handle:
            data = handle.read()
        files["truncated"] = path("truncated.pth")
        with open(files["truncated"], "wb") as handle:
            handle.write(data[: len(data) // 2])
    marker = os.path.abspath(args.marker or path("MALICIOUS_PAYLOAD_RAN"))
    if "malicious" in wanted:
        files["malicious"] = path("malicious.pth")
        write_malicious(files["malicious"], marker)
    if "malicious-legacy" in wanted:
        files["malicious-legacy"] = path("malicious_legacy.pth")
        write_malicious(files["malicious-legacy"], marker, legacy=True)
    if "mismatch" in wanted:
        wrong = Architecture(args.backbone, LESSON_HEAD[:-1] + (HeadLayer("linear", 10),))
        files["mismatch"] = path("mismatch.pth")
        torch.save(make_model(wrong, args.size, args.seed, 1, 2).state_dict(), files["mismatch"])
    if "wrapped" in wanted:
        files["wrapped"] = path("wrapped.pth")
        torch.save({"state_dict": {f"module.{k}": v for k, v in model.state_dict().items()}, "epoch": 3},
                   files["wrapped"])
    if "full-model" in wanted:
        files["full-model"] = path("full_model.pth")
        torch.save(model, files["full-model"])
    manifest = {
        "ok": True,
        "architecture": {"backbone": args.backbone, "head": head_json},
        "inputSize": args.size,
        "otherSize": other_size,
        "seed": args.seed,
        "marker": marker,
        "files": files,
    }
    with open(path("manifest.json"), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
    return manifest


def main(argv: List[str]) -> Tuple[Dict[str, Any], int]:
    try:
        return build_fixtures(_parse(argv)), 0
    except SystemExit as exc:  # argparse's own errors, already printed to stderr
        return {"ok": False, "message": str(exc.code)}, 2
