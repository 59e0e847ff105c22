"""Entry point: one JSON request on stdin -> one JSON response on stdout (runner/PROTOCOL.md)."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
import warnings
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


def _execute(request: Request, timings: Dict[str, float], env_box: Dict[str, Any]) -> Dict[str, Any]:
    # torch is imported only once the request is known to be well-formed: a bad request
    # answers in milliseconds, and its answer cannot depend on the torch install
    from . import environment, tasks

    environment.configure_threads()
    device = environment.pick_device(request.device)
    env_box["environment"] = environment.describe(device)
    if request.task == "probe":
        return tasks.run_probe()
    started = time.perf_counter()
    # convert exports on the CPU anyway; skip the round trip through GPU memory
    load_device = device if request.task != "convert" else environment.pick_device("cpu")
    model, info = tasks.load_model(request, load_device)
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


def handle(text: str) -> Tuple[Dict[str, Any], int]:
    """The whole request/response cycle, minus the process plumbing (tests call this directly)."""
    timings: Dict[str, float] = {}
    env_box: Dict[str, Any] = {}
    task = request_task(text)
    try:
        request = parse_request(text)
        if request.job_dir is not None:
            # any temporary file a library makes stays inside the job's folder too
            tempfile.tempdir = request.job_dir
        result = _execute(request, timings, env_box)
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


def _write_response(response_fd: int, response: Dict[str, Any]) -> None:
    data = (json.dumps(response, allow_nan=False, default=str) + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(response_fd, view)
        view = view[written:]
    os.close(response_fd)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    response_fd = _claim_stdout()
    warnings.simplefilter("default")  # shown, on stderr; never on stdout
    if argv and argv[0] == "make-fixture":
        from .fixtures import main as fixture_main

        manifest, code = fixture_main(argv[1:])
        _write_response(response_fd, manifest)
        return code
    if argv:
        _write_response(response_fd, {"ok": False, "task": None, "errorKind": "infrastructure",
                                      "code": "bad_request",
                                      "message": f"unknown arguments {argv!r}; the request comes on stdin"})
        return EXIT_FAILURE_REPORTED
    response, code = handle(sys.stdin.read())
    try:
        _write_response(response_fd, response)
    except ValueError:  # a NaN slipped into the result: report it rather than emit invalid JSON
        _write_response(response_fd, _failure(response.get("task"), RunnerError(
            "internal", "result held a non-finite number"), None, {}))
        return EXIT_FAILURE_REPORTED
    return code
