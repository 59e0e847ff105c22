"""Parse and validate the one JSON request (runner/PROTOCOL.md) into typed, checked values.

Pure apart from looking at the file system to confine paths: every problem becomes a
`bad_request` naming the field and the reason, before torch is even imported.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from .errors import bad_request

TASKS = ("probe", "convert", "logits", "benchmark")
DEVICES = ("auto", "cpu", "cuda")
DEFAULT_HEAD_ATTRIBUTES = ("fc", "classifier", "head", "heads")


@dataclass(frozen=True)
class HeadLayer:
    kind: str  # "linear" | "relu" | "dropout"
    value: Optional[float] = None  # out_features for linear, p for dropout

    def describe(self) -> str:
        if self.kind == "linear":
            return f"linear {int(self.value)}"
        if self.kind == "dropout":
            return f"dropout {self.value:g}"
        return self.kind


@dataclass(frozen=True)
class Architecture:
    backbone: str
    head: Tuple[HeadLayer, ...]
    head_attribute: Optional[str] = None  # None: the first of DEFAULT_HEAD_ATTRIBUTES the backbone has

    def describe(self) -> str:
        return f"{self.backbone} + head [{', '.join(layer.describe() for layer in self.head)}]"


@dataclass(frozen=True)
class ConvertOptions:
    opset: int
    dynamic_batch: bool
    output: str


@dataclass(frozen=True)
class LogitsOptions:
    input: str
    output: str
    batch_size: int
    # stop between batches when the next one would end past this many seconds (None: run them all)
    deadline_seconds: Optional[float] = None


@dataclass(frozen=True)
class BenchmarkOptions:
    warmup: int
    min_iterations: int
    max_iterations: int
    max_seconds: float
    target_relative_half_width: float


@dataclass(frozen=True)
class Request:
    task: str
    job_dir: Optional[str]
    device: str
    weights: Optional[str] = None
    architecture: Optional[Architecture] = None
    input_size: Optional[int] = None
    convert: Optional[ConvertOptions] = None
    logits: Optional[LogitsOptions] = None
    benchmark: Optional[BenchmarkOptions] = None
    # torch intra-op threads for this request (None: RUNNER_THREADS or torch's default)
    threads: Optional[int] = None


class _Fields:
    """Typed access to one JSON object; every complaint names the dotted field path."""

    def __init__(self, obj: Any, path: str):
        if not isinstance(obj, dict):
            raise bad_request(f"{path or 'request'}: expected a JSON object, got {_json_type(obj)}")
        self.obj = obj
        self.path = path

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.obj.get(key) is not None

    def require(self, key: str) -> Any:
        if not self.has(key):
            raise bad_request(f"{self.name(key)}: required")
        return self.obj[key]

    def string(self, key: str, default: Optional[str] = None) -> str:
        value = self.obj[key] if self.has(key) else default
        if value is None:
            raise bad_request(f"{self.name(key)}: required")
        if not isinstance(value, str) or not value:
            raise bad_request(f"{self.name(key)}: expected a non-empty string, got {_json_type(value)}")
        return value

    def integer(self, key: str, minimum: int, maximum: int, default: Optional[int] = None) -> int:
        value = self.obj[key] if self.has(key) else default
        if value is None:
            raise bad_request(f"{self.name(key)}: required")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) != int(value):
            raise bad_request(f"{self.name(key)}: expected an integer, got {value!r}")
        value = int(value)
        if not minimum <= value <= maximum:
            raise bad_request(f"{self.name(key)}: {value} is outside [{minimum}, {maximum}]")
        return value

    def number(self, key: str, minimum: float, maximum: float, default: Optional[float] = None,
               exclusive_minimum: bool = False) -> float:
        value = self.obj[key] if self.has(key) else default
        if value is None:
            raise bad_request(f"{self.name(key)}: required")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise bad_request(f"{self.name(key)}: expected a finite number, got {value!r}")
        too_low = value <= minimum if exclusive_minimum else value < minimum
        if too_low or value > maximum:
            bracket = "(" if exclusive_minimum else "["
            raise bad_request(f"{self.name(key)}: {value} is outside {bracket}{minimum}, {maximum}]")
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.obj[key] if self.has(key) else default
        if not isinstance(value, bool):
            raise bad_request(f"{self.name(key)}: expected true or false, got {value!r}")
        return value

    def child(self, key: str) -> "_Fields":
        return _Fields(self.require(key), self.name(key))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def parse_head(raw: Any, path: str) -> Tuple[HeadLayer, ...]:
    if not isinstance(raw, list) or not raw:
        raise bad_request(f"{path}: expected a non-empty array of layers")
    layers: List[HeadLayer] = []
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            raise bad_request(f"{where}: expected an object with exactly one of linear, relu, dropout")
        fields = _Fields(item, where)
        (kind,) = item.keys()
        if kind == "linear":
            layers.append(HeadLayer("linear", fields.integer("linear", 1, 1_000_000)))
        elif kind == "relu":
            if item["relu"] is not True:
                raise bad_request(f"{where}.relu: expected true")
            layers.append(HeadLayer("relu"))
        elif kind == "dropout":
            layers.append(HeadLayer("dropout", fields.number("dropout", 0.0, 1.0)))
        else:
            raise bad_request(f"{where}: unknown layer {kind!r} (expected linear, relu or dropout)")
    if not any(layer.kind == "linear" for layer in layers):
        raise bad_request(f"{path}: needs at least one linear layer")
    return tuple(layers)


def _parse_architecture(fields: _Fields) -> Architecture:
    backbone = fields.string("backbone")
    if not _IDENTIFIER.match(backbone):
        raise bad_request(f"{fields.name('backbone')}: {backbone!r} is not a torchvision model name")
    head_attribute = None
    if fields.has("headAttribute"):
        head_attribute = fields.string("headAttribute")
        if not _IDENTIFIER.match(head_attribute):
            raise bad_request(f"{fields.name('headAttribute')}: {head_attribute!r} is not an attribute name")
    return Architecture(backbone, parse_head(fields.require("head"), fields.name("head")), head_attribute)


# ---------------------------------------------------------------- paths

def _resolve_job_dir(raw: str) -> str:
    if not os.path.isabs(raw):
        raise bad_request(f"jobDir: {raw!r} must be an absolute path")
    real = os.path.realpath(raw)
    if not os.path.isdir(real):
        raise bad_request(f"jobDir: {raw!r} is not an existing directory")
    return real


def _inside(path: str, directory: str) -> bool:
    return os.path.commonpath([path, directory]) == directory and path != directory


def output_path(raw: str, field: str, job_dir: str) -> str:
    """Where the runner may write: resolved (links followed) strictly inside jobDir."""
    joined = raw if os.path.isabs(raw) else os.path.join(job_dir, raw)
    real = os.path.realpath(joined)
    if not _inside(real, job_dir):
        raise bad_request(f"{field}: {raw!r} resolves outside jobDir {job_dir!r}; the runner writes only there")
    if os.path.isdir(real):
        raise bad_request(f"{field}: {raw!r} is a directory")
    if not os.path.isdir(os.path.dirname(real)):
        raise bad_request(f"{field}: the folder of {raw!r} does not exist")
    return real


def input_path(raw: str, field: str, job_dir: str) -> str:
    """What the runner reads: any existing regular file (Node may point at its file store)."""
    joined = raw if os.path.isabs(raw) else os.path.join(job_dir, raw)
    real = os.path.realpath(joined)
    if not os.path.isfile(real):
        raise bad_request(f"{field}: {raw!r} is not an existing file")
    return real


# ---------------------------------------------------------------- request

def parse_request(text: str) -> Request:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad_request(f"request is not valid JSON: {exc}") from None
    fields = _Fields(raw, "")
    task = fields.string("task")
    if task not in TASKS:
        raise bad_request(f"task: {task!r} is not one of {', '.join(TASKS)}")
    device = fields.string("device", "auto")
    if device not in DEVICES:
        raise bad_request(f"device: {device!r} is not one of {', '.join(DEVICES)}")
    threads = fields.integer("threads", 1, 1024) if fields.has("threads") else None
    if task == "probe":
        job_dir = _resolve_job_dir(fields.string("jobDir")) if fields.has("jobDir") else None
        return Request(task=task, job_dir=job_dir, device=device, threads=threads)

    job_dir = _resolve_job_dir(fields.string("jobDir"))
    weights = input_path(fields.string("weights"), "weights", job_dir)
    architecture = _parse_architecture(fields.child("architecture"))
    input_size = fields.integer("inputSize", 16, 4096)
    convert = logits = benchmark = None
    written: List[str] = []
    if task == "convert":
        options = fields.child("convert")
        convert = ConvertOptions(
            opset=options.integer("opset", 7, 100, default=18),
            dynamic_batch=options.boolean("dynamicBatch", True),
            output=output_path(options.string("output"), "convert.output", job_dir),
        )
        written.append(convert.output)
    elif task == "logits":
        options = fields.child("logits")
        logits = LogitsOptions(
            input=input_path(options.string("input"), "logits.input", job_dir),
            output=output_path(options.string("output"), "logits.output", job_dir),
            batch_size=options.integer("batchSize", 1, 4096, default=10),
            deadline_seconds=(options.number("deadlineSeconds", 0.0, 86_400.0, exclusive_minimum=True)
                              if options.has("deadlineSeconds") else None),
        )
        written.append(logits.output)
        if logits.output == logits.input:
            raise bad_request("logits.output: must differ from logits.input")
    else:
        options = _Fields(raw.get("benchmark") or {}, "benchmark")
        benchmark = BenchmarkOptions(
            warmup=options.integer("warmup", 0, 100_000, default=10),
            min_iterations=options.integer("minIterations", 1, 1_000_000, default=20),
            max_iterations=options.integer("maxIterations", 1, 1_000_000, default=300),
            max_seconds=options.number("maxSeconds", 0.0, 86_400.0, default=60.0, exclusive_minimum=True),
            target_relative_half_width=options.number(
                "targetRelativeHalfWidth", 0.0, 1.0, default=0.02, exclusive_minimum=True),
        )
        if benchmark.min_iterations > benchmark.max_iterations:
            raise bad_request("benchmark.minIterations: larger than benchmark.maxIterations")
    if weights in written:
        raise bad_request("an output path names the weights file; the runner never overwrites its inputs")
    return Request(task=task, job_dir=job_dir, device=device, weights=weights,
                   architecture=architecture, input_size=input_size,
                   convert=convert, logits=logits, benchmark=benchmark, threads=threads)


def request_task(text: str) -> Optional[str]:
    """Best-effort task name for a failure response when the request did not validate."""
    try:
        raw: Dict[str, Any] = json.loads(text)
        task = raw.get("task")
        return task if task in TASKS else None
    except Exception:  # noqa: BLE001 - any malformation just means "unknown task"
        return None
