#!/usr/bin/env python3
"""PyTorch side of the grader's re-run. Contract: runner/PROTOCOL.md.

    echo '{"task": "probe"}' | python3 runner/torch_runner.py
    python3 runner/torch_runner.py make-fixture --backbone resnet18 --size 64 --out DIR [--onnx] [--variants all]
"""
import os
import sys

sys.dont_write_bytecode = True  # the runner may run from a read-only image layer
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from torchrunner.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
