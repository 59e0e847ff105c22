"""Entry point (runner/PROTOCOL.md): one JSON request on stdin -> one JSON response on stdout, or,
with `serve`, one request per line -> one response per line for as long as stdin stays open."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
import warnings
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

from .errors import RunnerError, classify_unexpected
from .request import Request, parse_request, request_task

EXIT_OK = 0
EXIT_FAILURE_REPORTED = 2  # ok:false with a response; 1 stays Python's own "crashed" status


def _failure(task: Optional[str], error: RunnerError, environment: Optional[Dict[str, Any]],
             timings: Dict[str, float]) -> Dict[str, Any]:
    response: Dict[str, Any] = {"ok": False, "task": task, "errorKind": error.kind, "code": error.code,
                                "message": error.message}
    if error.details:
        response["details"] = error.details
    if environment is not None:
        response["environment"] = environment
    if timings:
        response["timings"] = timings
    return response


class ModelCache:
    """The models a serving runner already loaded, so a re-run's convert, logits and benchmark steps
    read and check the student's weights once per device. Keyed by the file's identity (path, size,
    mtime) as well as the architecture: a changed file is loaded again. Two entries: the CPU model of
    convert and the GPU model of logits and benchmark."""

    def __init__(self, capacity: int = 2):
        self.capacity = capacity
        self._entries: "OrderedDict[Tuple[Any, ...], Tuple[Any, Dict[str, Any]]]" = OrderedDict()

    @staticmethod
    def key(request: Request, device: Any) -> Tuple[Any, ...]:
        stat = os.stat(request.weights)
        return (os.path.realpath(request.weights), stat.st_size, stat.st_mtime_ns,
                request.architecture.describe(), str(device))

    def get(self, key: Tuple[Any, ...]):
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: Tuple[Any, ...], entry) -> None:
        self._entries[key] = entry
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)


def _load(request: Request, device: Any, cache: Optional[ModelCache]):
    from . import tasks

    if cache is None:
        return tasks.load_model(request, device)
    try:
        key = ModelCache.key(request, device)
    except OSError:  # unreadable weights: load_model names the problem as the protocol says
        return tasks.load_model(request, device)
    entry = cache.get(key)
    if entry is None:
        entry = tasks.load_model(request, device)
        cache.put(key, entry)
        return entry
    model, info = entry
    return model, {**info, "modelCached": True}


def _execute(request: Request, timings: Dict[str, float], env_box: Dict[str, Any],
             cache: Optional[ModelCache] = None) -> Dict[str, Any]:
    # torch is imported only once the request is known to be well-formed: a bad request
    # answers in milliseconds, and its answer cannot depend on the torch install
    from . import environment, tasks

    environment.configure_threads(request.threads)
    device = environment.pick_device(request.device)
    env_box["environment"] = environment.describe(device)
    if request.task == "probe":
        return tasks.run_probe()
    started = time.perf_counter()
    # convert exports on the CPU anyway; skip the round trip through GPU memory
    load_device = device if request.task != "convert" else environment.pick_device("cpu")
    model, info = _load(request, load_device, cache)
    timings["loadSeconds"] = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    if request.task == "convert":
        result = tasks.run_convert(request, model)
    elif request.task == "logits":
        result = tasks.run_logits(request, model, device)
    else:
        result = tasks.run_benchmark(request, model, device)
    timings["taskSeconds"] = round(time.perf_counter() - started, 4)
    return {**result, **info}


def handle(text: str, cache: Optional[ModelCache] = None) -> Tuple[Dict[str, Any], int]:
    """The whole request/response cycle, minus the process plumbing (tests call this directly)."""
    timings: Dict[str, float] = {}
    env_box: Dict[str, Any] = {}
    task = request_task(text)
    try:
        request = parse_request(text)
        if request.job_dir is not None:
            # any temporary file a library makes stays inside the job's folder too
            tempfile.tempdir = request.job_dir
        result = _execute(request, timings, env_box, cache)
        response = {"ok": True, "task": request.task, "environment": env_box.get("environment"),
                    "result": result, "timings": timings}
        return response, EXIT_OK
    except BaseException as exc:  # noqa: BLE001 - every outcome must become a response
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        error = classify_unexpected(exc)
        if not isinstance(exc, RunnerError):
            traceback.print_exc(file=sys.stderr)
        return _failure(task, error, env_box.get("environment"), timings), EXIT_FAILURE_REPORTED
    finally:
        tempfile.tempdir = None


def _claim_stdout() -> int:
    """Keep fd 1 for the response alone: torch and onnx print diagnostics (some from C++ straight
    to fd 1), so fd 1 is pointed at stderr and the response goes to a private duplicate."""
    response_fd = os.dup(1)
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return response_fd


def _write_response(response_fd: int, response: Dict[str, Any], close: bool = True) -> None:
    data = (json.dumps(response, allow_nan=False, default=str) + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(response_fd, view)
        view = view[written:]
    if close:
        os.close(response_fd)


def _respond(response_fd: int, response: Dict[str, Any], code: int, close: bool = True) -> int:
    try:
        _write_response(response_fd, response, close)
    except ValueError:  # a NaN slipped into the result: report it rather than emit invalid JSON
        _write_response(response_fd, _failure(response.get("task"), RunnerError(
            "internal", "result held a non-finite number"), None, {}), close)
        return EXIT_FAILURE_REPORTED
    return code


def serve(response_fd: int) -> int:
    """One request per stdin line, one response per stdout line, in order, until stdin closes.

    A re-run sends its convert, logits and benchmark steps to one process: Python starts, torch and
    CUDA initialise and the weights load once (about 7.5 s a step on an H100 machine otherwise).
    Node still times each request and kills the process when one overruns; the next request then
    goes to a fresh process, so one hang loses one step, not the others."""
    cache = ModelCache()
    while True:
        line = sys.stdin.readline()  # returns as soon as a line is there; "" only at EOF
        if line == "":
            break
        if line.strip() == "":
            continue
        response, code = handle(line, cache)
        _respond(response_fd, response, code, close=False)
    os.close(response_fd)
    return EXIT_OK


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    response_fd = _claim_stdout()
    warnings.simplefilter("default")  # shown, on stderr; never on stdout
    if argv and argv[0] == "make-fixture":
        from .fixtures import main as fixture_main

        manifest, code = fixture_main(argv[1:])
        _write_response(response_fd, manifest)
        return code
    if argv == ["serve"]:
        return serve(response_fd)
    if argv:
        _write_response(response_fd, {"ok": False, "task": None, "errorKind": "infrastructure",
                                      "code": "bad_request",
                                      "message": f"unknown arguments {argv!r}; the request comes on stdin"})
        return EXIT_FAILURE_REPORTED
    response, code = handle(sys.stdin.read())
    return _respond(response_fd, response, code)
