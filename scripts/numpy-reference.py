#!/usr/bin/python3
"""Record what real numpy prints for the lesson's Exercise 7 data, for a few seeds and resolutions.

The TypeScript port of numpy's legacy RandomState (src/numpy-random) is tested against this file,
and the test fixtures use it to print exactly what a student's notebook would print.
Run with Debian's python3 (apt python3-numpy): /usr/bin/python3 scripts/numpy-reference.py
"""
import hashlib
import json
import struct
import sys
from fractions import Fraction

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


def float_case(values, dtype=np.float32, note=""):
    arr = np.array(values, dtype=dtype)
    # repr() of Python floats is exact for float32 and float64 values; "nan"/"inf" are spelled out.
    return {"dtype": np.dtype(dtype).name, "note": note,
            "values": [repr(float(v)) for v in arr], "printed": str(arr)}


def midpoint_neighbours(limit):
    """float32 pairs whose midpoint is a short decimal: the even one prints short only if the
    boundary counts (Dragon4's round-half-even margins)."""
    to_bits = lambda x: struct.unpack("<I", struct.pack("<f", x))[0]
    from_bits = lambda b: struct.unpack("<f", struct.pack("<I", b))[0]
    pairs = []
    for k in (-7, -3, 9, 10):
        for n in range(1, 1000):
            d = Fraction(n) * Fraction(10) ** k
            b = to_bits(float(np.float32(float(d))))
            for c in (b - 1, b):
                lo, hi = from_bits(c), from_bits(c + 1)
                if (Fraction(lo) + Fraction(hi)) / 2 == d:
                    pairs.append([lo, hi])
            if len(pairs) >= limit:
                return pairs
    return pairs


# Edge cases of numpy's FloatingFormat (switch to scientific, padding, trimming, rounding, specials).
formatting += [
    float_case([0.001953125, 1.5], note="cut to 8 digits: half-way, rounds to even"),
    float_case([0.00390625, 2.5], note="cut to 8 digits"),
    float_case([1e-4, 2e-4], note="min < 1e-4 in float64 although float32(1e-4) rounds down"),
    float_case([0.0001, 0.5], note="ratio > 1000"),
    float_case([1000.0, 1.0], note="ratio exactly 1000: positional"),
    float_case([1000.0001220703125, 1.00000011920929], note="ratio > 1000 in float64, == 1000 in float32"),
    float_case([1e8, 1.0], note="max >= 1e8"),
    float_case([99999992.0, 1.0], note="just below 1e8"),
    float_case([-0.0, 0.0, 1.0], note="negative zero"),
    float_case([0.0, 0.0], note="all zeros"),
    float_case([float("nan"), -float("inf"), 1.5], note="non-finite with finite"),
    float_case([float("nan"), float("inf")], note="only non-finite"),
    float_case([-float("inf"), 2e-7], note="-inf with scientific"),
    float_case([0.5, 0.25]),
    float_case([16777216.0, 3.0]),
    float_case([1e-45, 1e38], note="subnormal and huge"),
    float_case([3.4028234663852886e38, -1.1754943508222875e-38], note="float32 max and min normal"),
    float_case([123456789.0], note="integer beyond float32 precision"),
    float_case([-1.0], note="single negative"),
    float_case([0.1, 0.2, 0.3]),
    float_case([9.999999, 99.99999, 999.9999], note="carry when rounding"),
    float_case(list(range(-15, 15)), note="wrap, positional integers"),
    float_case([1e-5 * i for i in range(1, 25)], note="wrap, scientific"),
    float_case([0.123456789 * 10 ** (i % 4) for i in range(40)], note="wrap, mixed widths"),
    float_case(np.arange(1200) * 0.5, note="summarised over threshold"),
    float_case(np.arange(2000) * 1e-3 + 0.5, note="summarised, positional"),
    float_case([0.1, 0.2, 1.0 / 3.0], dtype=np.float64, note="float64 shortest repr"),
    float_case([1e-5, 123.25], dtype=np.float64, note="float64 scientific"),
    float_case([2.0 ** -1074, 1.7976931348623157e308], dtype=np.float64, note="float64 extremes"),
]
formatting += [float_case(pair, note="midpoint neighbours") for pair in midpoint_neighbours(12)]
# Seeded random arrays of assorted lengths and magnitudes, to cover the common paths broadly.
rng = np.random.RandomState(2024)
for i in range(150):
    n = int(rng.randint(1, 14))
    magnitude = 10.0 ** rng.uniform(-6, 9, size=n) if i % 3 else 10.0 ** rng.uniform(-2, 3, size=n)
    values = rng.randn(n) * magnitude
    if i % 10 == 0:
        values = np.round(values, int(rng.randint(0, 4)))
    formatting.append(float_case(values, dtype=np.float32 if i % 5 else np.float64, note="random"))

int_formatting = []
for values in ([0, 1, 0, 3, 0], [-3, 10, 200], [7], [-5, -50], list(range(0, 40000, 1000)), list(range(1500)),
               [2 ** 40, -(2 ** 40)], list(rng.randint(0, 5, 100))):
    arr = np.array(values, dtype=np.int64)
    int_formatting.append({"values": [int(v) for v in arr], "printed": str(arr)})

# randint beyond the lesson's (0, 5): other ranges, negative lows, one-value and 64-bit ranges.
randint_cases = []
for seed, low, high, count in ((42, 0, 5, 20), (1, -3, 7, 20), (7, 0, 1, 5), (7, 0, 2 ** 32, 6),
                               (9, 5, 2 ** 32 + 5, 6), (3, 0, 2 ** 40, 6), (3, -(2 ** 45), 2 ** 45, 6),
                               (11, 0, 1000, 30), (12, 0, 2 ** 31 + 1, 10)):
    np.random.seed(seed)
    np.random.randn(3)  # an odd number of normals first: randint must not touch the cached gaussian
    values = np.random.randint(low, high, count)
    after = np.random.randn(2)
    randint_cases.append({"seed": seed, "low": low, "high": high, "count": count,
                          "values": [int(v) for v in values], "normalsAfter": [repr(float(v)) for v in after]})

# Generator state after a few draws, as np.random.get_state() reports it.
states = []
for seed, normals in ((42, 0), (42, 1), (42, 3), (42, 10), (0, 1247), (4294967295, 5)):
    np.random.seed(seed)
    np.random.randn(normals)
    _, key, pos, has_gauss, cached = np.random.get_state()
    states.append({"seed": seed, "normals": normals, "pos": int(pos), "hasGauss": bool(has_gauss),
                   "gauss": repr(float(cached)), "keyHead": [int(v) for v in key[:4]],
                   "keyTail": [int(v) for v in key[-2:]]})

np.random.seed(42)
uniforms = {"seed": 42, "values": [repr(float(v)) for v in np.random.random_sample(5)]}

# Many normals at once, as a digest of the float32 bytes (little-endian), to cover the long run.
digests = []
for seed, count in ((0, 1000000), (2024, 999999)):
    np.random.seed(seed)
    block = np.random.randn(count).astype("<f4")
    digests.append({"seed": seed, "count": count, "sha256": hashlib.sha256(block.tobytes()).hexdigest()})

json.dump({"numpy": np.__version__, "cases": cases, "formatting": formatting,
           "intFormatting": int_formatting, "randint": randint_cases, "states": states,
           "uniforms": uniforms, "normalsDigest": digests}, sys.stdout, indent=1)
sys.stdout.write("\n")
