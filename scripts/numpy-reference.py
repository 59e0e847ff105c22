#!/usr/bin/python3
"""Record what real numpy prints for the lesson's Exercise 7 data, for a few seeds and resolutions.

The TypeScript port of numpy's legacy RandomState (src/numpy-random) is tested against this file,
and the test fixtures use it to print exactly what a student's notebook would print.
Run with Debian's python3 (apt python3-numpy): /usr/bin/python3 scripts/numpy-reference.py
"""
import json
import sys

import numpy as np

SEEDS = [0, 1, 7, 42, 123, 2024, 31337, 4294967295]
SIZES = [64, 244, 512]
NUM_SAMPLES = 100
NUM_CLASSES = 5

cases = []
for size in SIZES:
    for seed in SEEDS:
        np.random.seed(seed)
        x = np.random.randn(NUM_SAMPLES, size, size, 3).astype(np.float32)
        y = np.random.randint(0, NUM_CLASSES, (NUM_SAMPLES,))
        first10 = x[:5].flatten()[:10]
        cases.append({
            "seed": seed,
            "size": size,
            "numSamples": NUM_SAMPLES,
            # repr() of a Python float of the float32 value: exact, parseable by JS Number().
            "first10": [repr(float(v)) for v in first10],
            "first10Printed": str(first10),
            "labels100": [int(v) for v in y],
            "labels5Printed": str(y[:5]),
            # The tail of the data, to pin down the generator state after the polar-method loop.
            "last3": [repr(float(v)) for v in x.reshape(-1)[-3:]],
        })
        del x

# A couple of arrays whose printing is not the common case (scientific notation, wrapping).
np.random.seed(5)
small = (np.random.randn(10) * 1e-5).astype(np.float32)
formatting = [
    {"values": [repr(float(v)) for v in small], "printed": str(small)},
    {"values": [repr(float(v)) for v in np.array([1.0, -2.5, 3.0], dtype=np.float32)],
     "printed": str(np.array([1.0, -2.5, 3.0], dtype=np.float32))},
    {"values": [repr(float(v)) for v in np.array([1234.5, 0.001, 2.0], dtype=np.float32)],
     "printed": str(np.array([1234.5, 0.001, 2.0], dtype=np.float32))},
]

json.dump({"numpy": np.__version__, "cases": cases, "formatting": formatting}, sys.stdout, indent=1)
sys.stdout.write("\n")
