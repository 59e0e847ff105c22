"""The student's side of the GPU check: Exercise 3 of Class_06_2 as a student runs it on a GPU.

Loads the weights the way the lesson does (torchvision resnet101, the lesson's head, load_state_dict),
moves the model to CUDA and calls torch.onnx.export with the lesson's exact arguments, on whatever
exporter the installed torch picks by default (torch >= 2.9: the dynamo exporter, which may write the
weights beside the graph as <name>.onnx.data). The grader must accept what comes out.

    python3 scripts/gpu/lesson_export.py WEIGHTS.pth OUT.onnx SIZE [OPSET]

OPSET is the lesson's 18 unless given (a CPU rehearsal on Debian's torch 1.13, which stops at 17).

Prints one JSON line: torch version, the exporter used, files written and their sizes, seconds.
"""
import json
import os
import sys
import time
import warnings

import onnx
import torch
import torch.nn as nn
from torchvision import models


def main() -> None:
    weights, output, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    opset = int(sys.argv[4]) if len(sys.argv) > 4 else 18
    started = time.perf_counter()
    model = models.resnet101(weights=None)
    model.fc = nn.Sequential(nn.Linear(2048, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 5))
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = model.to(device).eval()
    dummy_input = torch.randn(1, 3, size, size).to(device)
    warnings.filterwarnings("ignore", category=UserWarning)  # as the lesson does
    torch.onnx.export(
        model,
        dummy_input,
        output,
        export_params=True,
        opset_version=opset,
        do_constant_folding=True,
        input_names=["input"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch_size"}, "output": {0: "batch_size"}},
    )
    onnx.checker.check_model(output)  # by path: works when the weights are external data
    folder = os.path.dirname(os.path.abspath(output))
    stem = os.path.basename(output)
    files = {name: os.path.getsize(os.path.join(folder, name)) for name in sorted(os.listdir(folder)) if name.startswith(stem)}
    print(json.dumps({
        "torch": torch.__version__,
        "device": str(device),
        "opset": opset,
        "defaultExporter": "dynamo" if _dynamo_default() else "torchscript",
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
    }))


def _dynamo_default() -> bool:
    import inspect

    parameter = inspect.signature(torch.onnx.export).parameters.get("dynamo")
    return bool(parameter is not None and parameter.default)


if __name__ == "__main__":
    main()
