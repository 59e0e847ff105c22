"""Tests of runner/torch_runner.py against real (small) models. Run from the repo root:

    /usr/bin/python3 -m unittest discover -s runner -p 'test_*.py'

resnet18 at 64 px stands in for the lesson's resnet101 at 512 px; one test builds the real
architecture at 128 px (set RUNNER_SKIP_SLOW=1 to skip it).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
import torchvision
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "torch_runner.py")
sys.path.insert(0, HERE)

from torchrunner import errors  # noqa: E402
from torchrunner.fixtures import ShellPayload, write_malicious  # noqa: E402
from torchrunner.main import EXIT_FAILURE_REPORTED, EXIT_OK, handle  # noqa: E402
from torchrunner.onnx_export import torch_max_opset  # noqa: E402

SIZE = 64
LESSON_HEAD = [{"linear": 256}, {"relu": True}, {"dropout": 0.5}, {"linear": 5}]
ARCH = {"backbone": "resnet18", "head": LESSON_HEAD}

WORK = ""  # module temp dir; fixtures are built once (they take a few seconds)
FILES: dict = {}
MARKER = ""


def setUpModule():
    global WORK, FILES, MARKER
    WORK = tempfile.mkdtemp(prefix="torchrunner-test-")
    fixtures = os.path.join(WORK, "fixtures")
    completed = subprocess.run(
        [sys.executable, RUNNER, "make-fixture", "--backbone", "resnet18", "--size", str(SIZE),
         "--out", fixtures, "--seed", "7", "--variants", "all"],
        capture_output=True, text=True, timeout=300)
    if completed.returncode != 0:
        raise RuntimeError(f"make-fixture failed: {completed.stderr[-3000:]}")
    manifest = json.loads(completed.stdout)
    FILES = manifest["files"]
    MARKER = manifest["marker"]


def tearDownModule():
    shutil.rmtree(WORK, ignore_errors=True)


def job_dir() -> str:
    return tempfile.mkdtemp(dir=WORK, prefix="job-")


def request(task: str, job: str, weights: str = None, **extra) -> str:
    body = {"task": task, "jobDir": job, "device": "cpu", "architecture": ARCH, "inputSize": SIZE,
            "weights": weights or FILES["honest"], **extra}
    return json.dumps(body)


def run_process(stdin: str, *args: str, env=None):
    completed = subprocess.run([sys.executable, RUNNER, *args], input=stdin, capture_output=True,
                               text=True, timeout=120, env=env)
    return completed


def lesson_model(state_dict_path: str) -> nn.Module:
    """The lesson's own way to rebuild the model, independent of the runner's code."""
    model = torchvision.models.resnet18(weights=None)
    model.fc = nn.Sequential(nn.Linear(model.fc.in_features, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 5))
    model.load_state_dict(torch.load(state_dict_path, map_location="cpu", weights_only=True))
    return model.eval()


def save_inputs(job: str, count: int, size: int = SIZE, seed: int = 42) -> str:
    rng = np.random.RandomState(seed)
    data = np.ascontiguousarray(rng.randn(count, size, size, 3).astype(np.float32).transpose(0, 3, 1, 2))
    path = os.path.join(job, "inputs.npy")
    np.save(path, data)
    return path


class ProcessProtocolTests(unittest.TestCase):
    """The stdin/stdout plumbing itself: one JSON document on stdout, exit codes."""

    def test_probe_reports_environment_on_a_clean_stdout(self):
        completed = run_process(json.dumps({"task": "probe", "device": "auto"}))
        self.assertEqual(completed.returncode, EXIT_OK, completed.stderr)
        self.assertEqual(completed.stdout.count("\n"), 1, "stdout must hold the response line only")
        response = json.loads(completed.stdout)
        self.assertTrue(response["ok"])
        env = response["environment"]
        self.assertEqual(env["torch"], torch.__version__)
        self.assertEqual(env["torchvision"], torchvision.__version__)
        self.assertIn(env["device"], ("cpu", "cuda"))
        self.assertTrue(env["deviceName"])
        self.assertEqual(response["result"]["maxOpset"]["torch"], torch_max_opset())

    def test_convert_through_the_process_keeps_exporter_chatter_off_stdout(self):
        job = job_dir()
        out = os.path.join(job, "ours.onnx")
        completed = run_process(request("convert", job, convert={"opset": 18, "output": out}),
                                env={**os.environ, "RUNNER_THREADS": "1"})
        self.assertEqual(completed.returncode, EXIT_OK, completed.stderr)
        response = json.loads(completed.stdout)  # raises if anything else reached stdout
        self.assertTrue(response["ok"], response)
        self.assertEqual(response["environment"]["threads"], 1)
        self.assertTrue(os.path.isfile(out))

    def test_malformed_json_is_a_bad_request(self):
        completed = run_process('{"task": "convert", "jobDir": ')
        self.assertEqual(completed.returncode, EXIT_FAILURE_REPORTED)
        response = json.loads(completed.stdout)
        self.assertEqual((response["ok"], response["errorKind"], response["code"]),
                         (False, "infrastructure", "bad_request"))
        self.assertIn("not valid JSON", response["message"])


class ServeTests(unittest.TestCase):
    """`serve`: one process answers a re-run's steps in order, loading the weights once per device."""

    def test_steps_answer_in_order_and_the_model_loads_once(self):
        job = job_dir()
        inputs = save_inputs(job, 3)
        lines = [
            request("convert", job, convert={"opset": 18, "output": os.path.join(job, "ours.onnx")}),
            "not json",  # answered, and the process goes on
            request("logits", job, logits={"input": inputs, "output": os.path.join(job, "a.npy"), "batchSize": 2}),
            request("logits", job, logits={"input": inputs, "output": os.path.join(job, "b.npy"), "batchSize": 3}),
            request("logits", job, weights=FILES["truncated"],
                    logits={"input": inputs, "output": os.path.join(job, "c.npy")}),
        ]
        completed = run_process("\n".join(lines) + "\n", "serve")
        self.assertEqual(completed.returncode, EXIT_OK, completed.stderr)
        responses = [json.loads(line) for line in completed.stdout.splitlines()]
        self.assertEqual([r.get("task") for r in responses], ["convert", None, "logits", "logits", "logits"])
        self.assertEqual([r["ok"] for r in responses], [True, False, True, True, False])
        self.assertEqual(responses[1]["code"], "bad_request")
        self.assertNotIn("modelCached", responses[0]["result"])
        # convert loaded it on the CPU, which is also where these logits run: no second load
        self.assertTrue(responses[2]["result"]["modelCached"])
        self.assertTrue(responses[3]["result"]["modelCached"])
        # the same model (batch sizes differ, so the kernels may round differently)
        np.testing.assert_allclose(np.load(os.path.join(job, "a.npy")), np.load(os.path.join(job, "b.npy")), atol=1e-5)
        self.assertEqual((responses[4]["errorKind"], responses[4]["code"]), ("student", "weights_unreadable"))

    def test_a_changed_weights_file_is_loaded_again(self):
        job = job_dir()
        weights = os.path.join(job, "model.pth")
        shutil.copy(FILES["honest"], weights)
        inputs = save_inputs(job, 2)

        def logits(name: str) -> str:
            return request("logits", job, weights=weights, logits={"input": inputs, "output": os.path.join(job, name)})

        process = subprocess.Popen([sys.executable, RUNNER, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        try:
            process.stdin.write(logits("first.npy") + "\n")
            process.stdin.flush()
            first = json.loads(process.stdout.readline())  # answered while stdin is still open
            state = torch.load(FILES["honest"], map_location="cpu", weights_only=True)
            state["fc.3.bias"] = state["fc.3.bias"] + 1.0  # other weights, same architecture
            torch.save(state, weights)
            process.stdin.write(logits("second.npy") + "\n")
            process.stdin.flush()
            second = json.loads(process.stdout.readline())
            process.stdin.close()
            self.assertEqual(process.wait(timeout=60), EXIT_OK)
        finally:
            process.kill()
        self.assertTrue(first["ok"] and second["ok"], (first, second))
        self.assertNotIn("modelCached", first["result"])
        self.assertNotIn("modelCached", second["result"])
        difference = np.load(os.path.join(job, "second.npy")) - np.load(os.path.join(job, "first.npy"))
        np.testing.assert_allclose(difference, 1.0, rtol=1e-5)


class ConvertTests(unittest.TestCase):
    def test_honest_model_exports_a_checked_graph_with_dynamic_batch(self):
        import onnx

        job = job_dir()
        out = os.path.join(job, "ours.onnx")
        response, code = handle(request("convert", job, convert={"opset": 18, "dynamicBatch": True, "output": out}))
        self.assertEqual(code, EXIT_OK, response)
        result = response["result"]
        self.assertEqual(result["checker"], "passed")
        self.assertEqual(result["opsetRequested"], 18)
        self.assertEqual(result["opsetUsed"], min(18, torch_max_opset()))
        if torch_max_opset() < 18:  # torch 1.13: 17, and the result says why
            self.assertIn("at most opset", result["note"])
        self.assertEqual(result["inputShape"], ["batch_size", 3, SIZE, SIZE])
        self.assertEqual(result["outputShape"], ["batch_size", 5])
        model = onnx.load(out)
        self.assertEqual([i.name for i in model.graph.input], ["input"])
        self.assertEqual(model.graph.input[0].type.tensor_type.shape.dim[0].dim_param, "batch_size")
        self.assertEqual(result["weights"]["sha256"], _sha256(FILES["honest"]))
        self.assertEqual(response["timings"].keys(), {"loadSeconds", "taskSeconds"})
        self.assertEqual(sorted(os.listdir(job)), ["ours.onnx"], "no temporary file may be left behind")

    def test_static_batch_and_a_lower_opset_are_honoured(self):
        job = job_dir()
        out = os.path.join(job, "static.onnx")
        response, code = handle(request("convert", job, convert={"opset": 13, "dynamicBatch": False, "output": out}))
        self.assertEqual(code, EXIT_OK, response)
        self.assertEqual(response["result"]["opsetUsed"], 13)
        self.assertIsNone(response["result"]["note"])
        self.assertEqual(response["result"]["inputShape"], [1, 3, SIZE, SIZE])

    def test_wrapped_dataparallel_checkpoint_is_accepted_with_notes(self):
        job = job_dir()
        response, code = handle(request("convert", job, FILES["wrapped"],
                                        convert={"opset": 17, "output": os.path.join(job, "w.onnx")}))
        self.assertEqual(code, EXIT_OK, response)
        notes = " | ".join(response["result"]["notes"])
        self.assertIn("'state_dict'", notes)
        self.assertIn("'module.'", notes)

    def test_fixture_onnx_variants_have_the_advertised_resolution(self):
        import onnx

        dims = lambda path: [d.dim_param or d.dim_value  # noqa: E731
                             for d in onnx.load(path).graph.input[0].type.tensor_type.shape.dim]
        self.assertEqual(dims(FILES["onnx"]), ["batch_size", 3, SIZE, SIZE])
        self.assertEqual(dims(FILES["other-resolution-onnx"]), ["batch_size", 3, SIZE // 2, SIZE // 2])
        honest = {i.name: i for i in onnx.load(FILES["onnx"]).graph.initializer}
        other = {i.name: i for i in onnx.load(FILES["other-weights-onnx"]).graph.initializer}
        self.assertEqual(honest.keys(), other.keys())
        name = sorted(honest)[0]
        self.assertNotEqual(honest[name].raw_data, other[name].raw_data, "other_weights.onnx must differ")


class LogitsTests(unittest.TestCase):
    def test_logits_match_a_direct_forward_of_the_lesson_model(self):
        job = job_dir()
        inputs = save_inputs(job, 7)
        out = os.path.join(job, "torch_logits.npy")
        response, code = handle(request("logits", job, logits={"input": inputs, "output": out, "batchSize": 3}))
        self.assertEqual(code, EXIT_OK, response)
        self.assertEqual(response["result"]["shape"], [7, 5])
        logits = np.load(out)
        self.assertEqual((logits.dtype, logits.shape), (np.float32, (7, 5)))
        with torch.no_grad():
            expected = lesson_model(FILES["honest"])(torch.from_numpy(np.load(inputs))).numpy()
        np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-5)
        # calibrated BatchNorm: logits of a plausible size, not thousands
        self.assertLess(float(np.abs(logits).max()), 50.0)
        self.assertGreater(float(logits.std()), 1e-4, "logits must vary between images")

    def test_a_slow_step_stops_at_its_deadline_with_the_samples_done_and_a_projection(self):
        # A busy CPU: the first batch already shows the rest would not fit; the step hands back what
        # it has (whole batches, in order) with its pace and the time all samples would take.
        job = job_dir()
        inputs = save_inputs(job, 9)
        out = os.path.join(job, "partial.npy")
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            response, code = handle(request("logits", job, logits={
                "input": inputs, "output": out, "batchSize": 3, "deadlineSeconds": 1e-6}))
        self.assertEqual(code, EXIT_OK, response)
        result = response["result"]
        self.assertEqual((result["samplesDone"], result["samplesTotal"], result["stoppedEarly"]), (3, 9, True))
        self.assertEqual(result["shape"], [3, 5])
        self.assertGreater(result["secondsPerSample"], 0)
        self.assertAlmostEqual(result["projectedSeconds"], result["secondsPerSample"] * 9, places=6)
        self.assertEqual(np.load(out).shape, (3, 5))
        with torch.no_grad():
            expected = lesson_model(FILES["honest"])(torch.from_numpy(np.load(inputs)[:3])).numpy()
        np.testing.assert_allclose(np.load(out), expected, rtol=1e-4, atol=1e-5)
        # progress on stderr, one line per batch, for the worker's log
        self.assertIn('"progress": {"task": "logits", "done": 3, "total": 9', stderr.getvalue())

    def test_without_a_deadline_every_sample_runs(self):
        job = job_dir()
        inputs = save_inputs(job, 4)
        response, code = handle(request("logits", job, threads=1, logits={
            "input": inputs, "output": os.path.join(job, "all.npy"), "batchSize": 3}))
        self.assertEqual(code, EXIT_OK, response)
        self.assertEqual((response["result"]["samplesDone"], response["result"]["stoppedEarly"]), (4, False))
        # the request's thread count applies to this request
        self.assertEqual(response["environment"]["threads"], 1)

    def test_wrong_input_shape_is_a_bad_request(self):
        job = job_dir()
        inputs = save_inputs(job, 2, size=SIZE * 2)
        response, code = handle(request("logits", job, logits={"input": inputs, "output": os.path.join(job, "o.npy")}))
        self.assertEqual((code, response["code"]), (EXIT_FAILURE_REPORTED, "bad_request"))
        self.assertIn(f"[N, 3, {SIZE}, {SIZE}]", response["message"])
        self.assertFalse(os.path.exists(os.path.join(job, "o.npy")))


class BenchmarkTests(unittest.TestCase):
    def test_benchmark_stops_converged_or_capped_with_consistent_statistics(self):
        job = job_dir()
        response, code = handle(request("benchmark", job, benchmark={
            "warmup": 2, "minIterations": 5, "maxIterations": 40, "maxSeconds": 8,
            "targetRelativeHalfWidth": 0.25}))
        self.assertEqual(code, EXIT_OK, response)
        result = response["result"]
        self.assertEqual(len(result["samplesMs"]), result["iterations"])
        self.assertIn(result["stopReason"], ("converged", "maxIterations", "maxSeconds"))
        self.assertEqual(result["converged"], result["stopReason"] == "converged")
        if result["converged"]:
            self.assertGreaterEqual(result["iterations"], 5)
            self.assertLessEqual(result["relativeHalfWidth"], 0.25)
        else:
            self.assertTrue(result["iterations"] == 40 or result["totalSeconds"] >= 8)
        self.assertTrue(all(s > 0 for s in result["samplesMs"]))
        self.assertLessEqual(result["p50"], result["p95"])
        self.assertLessEqual(result["p95"], result["p99"])
        self.assertTrue(result["synchronized"])
        self.assertEqual(result["batchSize"], 1)

    def test_unreachable_target_stops_at_max_iterations(self):
        job = job_dir()
        response, code = handle(request("benchmark", job, benchmark={
            "warmup": 0, "minIterations": 1, "maxIterations": 6, "maxSeconds": 60,
            "targetRelativeHalfWidth": 1e-9}))
        self.assertEqual(code, EXIT_OK, response)
        self.assertEqual((response["result"]["stopReason"], response["result"]["iterations"]), ("maxIterations", 6))
        self.assertFalse(response["result"]["converged"])


class WeightsRejectionTests(unittest.TestCase):
    def convert(self, weights: str):
        job = job_dir()
        out = os.path.join(job, "ours.onnx")
        response, code = handle(request("convert", job, weights, convert={"opset": 17, "output": out}))
        self.assertEqual(code, EXIT_FAILURE_REPORTED, response)
        self.assertFalse(response["ok"])
        self.assertFalse(os.path.exists(out), "nothing may be exported from rejected weights")
        return response

    def assert_student(self, response, code: str):
        self.assertEqual((response["errorKind"], response["code"]), ("student", code), response["message"])

    def assert_payload_not_run(self, marker: str):
        self.assertFalse(os.path.exists(marker), "the pickle's os.system payload was executed")

    def test_truncated_file_is_unreadable(self):
        self.assert_student(self.convert(FILES["truncated"]), "weights_unreadable")

    def test_empty_and_garbage_files_are_unreadable(self):
        job = job_dir()
        empty = os.path.join(job, "empty.pth")
        open(empty, "wb").close()
        self.assert_student(self.convert(empty), "weights_unreadable")
        garbage = os.path.join(job, "garbage.pth")
        with open(garbage, "wb") as handle_:
            handle_.write(os.urandom(4096))
        self.assert_student(self.convert(garbage), "weights_unreadable")

    def test_malicious_zip_pickle_is_refused_and_never_executed(self):
        response = self.convert(FILES["malicious"])
        self.assert_student(response, "weights_unsafe")
        self.assertIn("posix.system", response["message"])
        self.assert_payload_not_run(MARKER)

    def test_malicious_legacy_pickle_is_refused_and_never_executed(self):
        self.assert_student(self.convert(FILES["malicious-legacy"]), "weights_unsafe")
        self.assert_payload_not_run(MARKER)

    def test_plain_pickle_with_memoized_stack_global_is_refused(self):
        # protocol 4 writes STACK_GLOBAL with memoized strings: the scanner must resolve them
        job = job_dir()
        marker = os.path.join(job, "PLAIN_PICKLE_RAN")
        path = os.path.join(job, "plain.pth")
        with open(path, "wb") as handle_:
            pickle.dump({"a": ShellPayload(f"touch {marker}"), "b": ShellPayload(f"touch {marker}")}, handle_,
                        protocol=4)
        response = self.convert(path)
        self.assert_student(response, "weights_unsafe")
        self.assertEqual(response["details"]["globals"], ["posix.system"])
        self.assert_payload_not_run(marker)

    def test_malicious_file_written_with_legacy_serialization_by_helper(self):
        job = job_dir()
        marker = os.path.join(job, "RAN")
        path = os.path.join(job, "evil.pth")
        write_malicious(path, marker, legacy=True)
        self.assert_student(self.convert(path), "weights_unsafe")
        self.assert_payload_not_run(marker)

    def test_whole_pickled_model_is_unsafe_with_a_hint(self):
        response = self.convert(FILES["full-model"])
        self.assert_student(response, "weights_unsafe")
        self.assertIn("model.state_dict()", response["message"])

    def test_torchscript_archive_is_refused(self):
        job = job_dir()
        path = os.path.join(job, "scripted.pth")
        torch.jit.script(nn.Linear(2, 2)).save(path)
        response = self.convert(path)
        self.assert_student(response, "weights_unsafe")
        self.assertIn("TorchScript", response["message"])

    def test_wrong_head_is_an_architecture_mismatch_naming_keys(self):
        response = self.convert(FILES["mismatch"])
        self.assert_student(response, "architecture_mismatch")
        self.assertIn("fc.3.weight: file [10, 256] vs expected [5, 256]", response["message"])

    def test_missing_and_unexpected_keys_are_listed(self):
        job = job_dir()
        state = torch.load(FILES["honest"], weights_only=True)
        state.pop("layer4.1.bn2.weight")
        state["extra.weight"] = torch.zeros(3)
        path = os.path.join(job, "edited.pth")
        torch.save(state, path)
        response = self.convert(path)
        self.assert_student(response, "architecture_mismatch")
        self.assertEqual(response["details"]["missing"], ["layer4.1.bn2.weight"])
        self.assertEqual(response["details"]["unexpected"], ["extra.weight"])

    def test_a_bare_tensor_is_not_a_state_dict(self):
        job = job_dir()
        path = os.path.join(job, "tensor.pth")
        torch.save(torch.zeros(3), path)
        response = self.convert(path)
        self.assert_student(response, "architecture_mismatch")
        self.assertIn("Tensor", response["message"])

    def test_spec_for_another_backbone_mismatches_the_hand_in(self):
        job = job_dir()
        body = json.loads(request("convert", job, convert={"output": os.path.join(job, "x.onnx")}))
        body["architecture"] = {"backbone": "resnet34", "head": LESSON_HEAD}
        response, code = handle(json.dumps(body))
        self.assertEqual((code, response["errorKind"], response["code"]),
                         (EXIT_FAILURE_REPORTED, "student", "architecture_mismatch"))
        self.assertIn("missing key(s): layer1.2", response["message"])


class RequestBoundaryTests(unittest.TestCase):
    def assert_bad_request(self, text: str, fragment: str):
        response, code = handle(text)
        self.assertEqual((code, response["errorKind"], response["code"]),
                         (EXIT_FAILURE_REPORTED, "infrastructure", "bad_request"), response)
        self.assertIn(fragment, response["message"])
        return response

    def test_output_outside_job_dir_is_refused(self):
        job = job_dir()
        outside = os.path.join(WORK, "escaped.onnx")
        self.assert_bad_request(request("convert", job, convert={"output": outside}), "outside jobDir")
        self.assert_bad_request(request("convert", job, convert={"output": "../escaped.onnx"}), "outside jobDir")
        self.assertFalse(os.path.exists(outside))

    def test_symlink_escaping_job_dir_is_refused(self):
        job = job_dir()
        os.symlink(WORK, os.path.join(job, "link"))
        self.assert_bad_request(request("logits", job, logits={"input": save_inputs(job, 1),
                                                               "output": os.path.join(job, "link", "o.npy")}),
                                "outside jobDir")

    def test_never_overwrites_the_weights(self):
        job = job_dir()
        weights = os.path.join(job, "model.pth")
        shutil.copy(FILES["honest"], weights)
        self.assert_bad_request(request("convert", job, weights, convert={"output": weights}), "overwrites")

    def test_field_errors_name_the_field(self):
        job = job_dir()
        self.assert_bad_request(json.dumps({"task": "dance"}), "task")
        self.assert_bad_request(json.dumps(["probe"]), "expected a JSON object")
        self.assert_bad_request(json.dumps({"task": "convert", "jobDir": "relative/dir"}), "absolute")
        self.assert_bad_request(request("convert", job, os.path.join(job, "nope.pth"),
                                        convert={"output": "o.onnx"}), "weights")
        body = json.loads(request("convert", job, convert={"output": "o.onnx"}))
        body["architecture"]["head"] = [{"linear": 256}, {"softmax": 1}]
        self.assert_bad_request(json.dumps(body), "architecture.head[1]")
        body["architecture"] = {"backbone": "resnet_9000", "head": LESSON_HEAD}
        self.assert_bad_request(json.dumps(body), "resnet_9000")
        body = json.loads(request("benchmark", job, benchmark={"minIterations": 50, "maxIterations": 10}))
        self.assert_bad_request(json.dumps(body), "minIterations")
        body = json.loads(request("convert", job, convert={"output": "o.onnx"}))
        body["inputSize"] = -3
        self.assert_bad_request(json.dumps(body), "inputSize")

    def test_bad_thread_setting_is_a_bad_request(self):
        previous = os.environ.get("RUNNER_THREADS")
        os.environ["RUNNER_THREADS"] = "many"
        try:
            self.assert_bad_request(json.dumps({"task": "probe"}), "RUNNER_THREADS")
        finally:
            if previous is None:
                del os.environ["RUNNER_THREADS"]
            else:
                os.environ["RUNNER_THREADS"] = previous

    @unittest.skipIf(torch.cuda.is_available(), "this machine has CUDA")
    def test_cuda_requested_without_a_gpu_is_an_infrastructure_error(self):
        job = job_dir()
        save_inputs(job, 1)
        body = json.loads(request("logits", job, logits={"input": "inputs.npy", "output": "o.npy"}))
        body["device"] = "cuda"
        response, code = handle(json.dumps(body))
        self.assertEqual((code, response["errorKind"], response["code"]),
                         (EXIT_FAILURE_REPORTED, "infrastructure", "cuda_error"))


class ErrorClassificationTests(unittest.TestCase):
    def test_unexpected_exceptions_map_to_infrastructure_codes(self):
        classify = errors.classify_unexpected
        self.assertEqual(classify(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")).code,
                         "out_of_memory")
        self.assertEqual(classify(MemoryError()).code, "out_of_memory")
        self.assertEqual(classify(RuntimeError("CUDA error: device-side assert triggered")).code, "cuda_error")
        self.assertEqual(classify(RuntimeError("cuDNN error: CUDNN_STATUS_INTERNAL_ERROR")).code, "cuda_error")
        self.assertEqual(classify(ValueError("boom")).code, "internal")
        if hasattr(torch.cuda, "OutOfMemoryError"):
            self.assertEqual(classify(torch.cuda.OutOfMemoryError("x")).code, "out_of_memory")
        for exc in (RuntimeError("CUDA error"), ValueError("x")):
            self.assertEqual(classify(exc).kind, "infrastructure")


@unittest.skipIf(os.environ.get("RUNNER_SKIP_SLOW") == "1", "RUNNER_SKIP_SLOW=1")
class LessonArchitectureTests(unittest.TestCase):
    """The real spec: resnet101 with the lesson's 5-class head, at 128 px instead of 512 to stay quick."""

    def test_resnet101_convert_and_logits(self):
        job = job_dir()
        out = os.path.join(job, "fx")
        completed = subprocess.run([sys.executable, RUNNER, "make-fixture", "--backbone", "resnet101",
                                    "--size", "128", "--out", out, "--calibration-batches", "1",
                                    "--calibration-batch-size", "2"], capture_output=True, text=True, timeout=300)
        self.assertEqual(completed.returncode, 0, completed.stderr[-2000:])
        weights = json.loads(completed.stdout)["files"]["honest"]
        base = {"jobDir": job, "device": "cpu", "weights": weights, "inputSize": 128,
                "architecture": {"backbone": "resnet101", "head": LESSON_HEAD}}
        response, code = handle(json.dumps({**base, "task": "convert",
                                            "convert": {"opset": 18, "output": os.path.join(job, "r101.onnx")}}))
        self.assertEqual(code, EXIT_OK, response)
        self.assertEqual(response["result"]["outputShape"], ["batch_size", 5])
        self.assertEqual(response["result"]["weights"]["parameters"], 43_025_989)
        inputs = save_inputs(job, 2, size=128)
        response, code = handle(json.dumps({**base, "task": "logits", "logits": {
            "input": inputs, "output": os.path.join(job, "l.npy"), "batchSize": 1}}))
        self.assertEqual(code, EXIT_OK, response)
        logits = np.load(os.path.join(job, "l.npy"))
        self.assertEqual(logits.shape, (2, 5))
        self.assertTrue(np.isfinite(logits).all())
        self.assertLess(float(np.abs(logits).max()), 50.0)


def _sha256(path: str) -> str:
    import hashlib

    with open(path, "rb") as handle_:
        return hashlib.sha256(handle_.read()).hexdigest()


if __name__ == "__main__":
    unittest.main()
