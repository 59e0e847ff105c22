"""Pure tests of the order-statistic median interval used to stop the benchmark (no torch)."""
from __future__ import annotations

import math
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from torchrunner.stats import (  # noqa: E402
    EXACT_LIMIT, is_converged, median_ci_ranks, median_interval, quantile, summarize)


def exact_lower_rank(n: int) -> int:
    """Reference with exact integer arithmetic: largest l with P(B <= l-1) <= 1/40 (= 0.025)."""
    total = 2 ** n
    cumulative = 0
    lower = 0
    for k in range(n + 1):
        cumulative += math.comb(n, k)
        if cumulative * 40 > total:  # cumulative / 2^n > 0.025
            break
        lower = k + 1
    return lower


class MedianIntervalTests(unittest.TestCase):
    def test_ranks_match_published_tables(self):
        self.assertIsNone(median_ci_ranks(5))  # even (x1, x5) covers only 93.75%
        self.assertEqual(median_ci_ranks(6), (1, 6))
        self.assertEqual(median_ci_ranks(10), (2, 9))
        self.assertEqual(median_ci_ranks(20), (6, 15))
        self.assertEqual(median_ci_ranks(100), (40, 61))

    def test_float_recursion_agrees_with_exact_integers(self):
        for n in (7, 31, 64, 257, 999, EXACT_LIMIT):
            self.assertEqual(median_ci_ranks(n)[0], exact_lower_rank(n), n)

    def test_normal_approximation_beyond_the_exact_range_is_within_one_rank(self):
        for n in (EXACT_LIMIT + 1, 1500, 3001):
            self.assertLessEqual(abs(median_ci_ranks(n)[0] - exact_lower_rank(n)), 1, n)

    def test_coverage_is_at_least_95_percent_on_a_skewed_distribution(self):
        rng = random.Random(1234)
        true_median = math.log(2)  # Exp(1)
        trials, covered = 3000, 0
        for _ in range(trials):
            interval = median_interval(sorted(rng.expovariate(1.0) for _ in range(25)))
            covered += interval.low <= true_median <= interval.high
        self.assertGreaterEqual(covered / trials, 0.94)

    def test_quantiles_interpolate_like_numpy(self):
        values = [1.0, 2.0, 3.0, 4.0, 10.0]
        self.assertEqual(quantile(values, 0.5), 3.0)
        self.assertAlmostEqual(quantile(values, 0.95), 8.8)
        self.assertAlmostEqual(quantile([5.0], 0.99), 5.0)

    def test_convergence_needs_enough_samples_and_a_tight_interval(self):
        tight = sorted([10.0 + 0.01 * i for i in range(50)])
        self.assertTrue(is_converged(tight, 20, 0.02))
        self.assertFalse(is_converged(tight[:10], 20, 0.02))
        spread = sorted([float(i) for i in range(1, 51)])
        self.assertFalse(is_converged(spread, 20, 0.02))

    def test_summary_fields(self):
        summary = summarize([3.0, 1.0, 2.0, 4.0, 5.0, 6.0, 7.0])
        self.assertEqual(summary["p50"], 4.0)
        self.assertEqual((summary["minMs"], summary["maxMs"]), (1.0, 7.0))
        self.assertEqual(summary["medianCi95Ms"], [1.0, 7.0])


if __name__ == "__main__":
    unittest.main()
