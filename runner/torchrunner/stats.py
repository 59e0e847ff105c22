"""Distribution-free statistics for latency samples (pure Python, no numpy/torch).

Latencies are skewed and occasionally spiky (GC, clock boosts, other tenants), so the
benchmark stops on the median's confidence interval built from order statistics: for n
samples the interval [x_(l), x_(n-l+1)] covers the true median with probability >= 95%
whatever the distribution, with l from the Binomial(n, 1/2) tail.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

EXACT_LIMIT = 1000  # 0.5**n stays a normal float up to n ~ 1020; beyond, the normal approximation is tight
Z_95 = 1.959963984540054


def median_ci_ranks(n: int, confidence: float = 0.95) -> Optional[Tuple[int, int]]:
    """1-based ranks (l, u) of the order-statistic interval for the median, None if n is too small."""
    if n < 1:
        return None
    tail = (1.0 - confidence) / 2.0
    if n <= EXACT_LIMIT:
        # largest l with P(B <= l - 1) <= tail, B ~ Binomial(n, 1/2)
        pmf = 0.5 ** n
        cdf = 0.0
        lower = 0
        for k in range(n + 1):
            cdf += pmf
            if cdf > tail:
                break
            lower = k + 1
            pmf = pmf * (n - k) / (k + 1)
        if lower < 1:
            return None
        return lower, n - lower + 1
    z = Z_95 if abs(confidence - 0.95) < 1e-12 else _normal_quantile(1.0 - tail)
    lower = int(math.floor((n - z * math.sqrt(n)) / 2.0))
    return lower, n - lower + 1


def _normal_quantile(p: float) -> float:
    """Inverse standard normal CDF by bisection on erf (only used for non-95% levels)."""
    lo, hi = -10.0, 10.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if 0.5 * (1.0 + math.erf(mid / math.sqrt(2.0))) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default 'linear' method)."""
    if not sorted_values:
        raise ValueError("quantile of no values")
    position = (len(sorted_values) - 1) * q
    below = int(math.floor(position))
    above = min(below + 1, len(sorted_values) - 1)
    fraction = position - below
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * fraction


@dataclass(frozen=True)
class MedianInterval:
    median: float
    low: Optional[float]
    high: Optional[float]

    @property
    def relative_half_width(self) -> Optional[float]:
        """Largest distance from the median to either end, relative to the median (the interval is asymmetric)."""
        if self.low is None or self.high is None or self.median <= 0:
            return None
        return max(self.median - self.low, self.high - self.median) / self.median


def median_interval(sorted_values: Sequence[float], confidence: float = 0.95) -> MedianInterval:
    median = quantile(sorted_values, 0.5)
    ranks = median_ci_ranks(len(sorted_values), confidence)
    if ranks is None:
        return MedianInterval(median, None, None)
    return MedianInterval(median, sorted_values[ranks[0] - 1], sorted_values[ranks[1] - 1])


def is_converged(sorted_values: Sequence[float], min_samples: int, target_relative_half_width: float) -> bool:
    if len(sorted_values) < min_samples:
        return False
    width = median_interval(sorted_values).relative_half_width
    return width is not None and width <= target_relative_half_width


def summarize(samples: List[float]) -> dict:
    ordered = sorted(samples)
    interval = median_interval(ordered)
    return {
        "p50": quantile(ordered, 0.50),
        "p95": quantile(ordered, 0.95),
        "p99": quantile(ordered, 0.99),
        "meanMs": sum(ordered) / len(ordered),
        "minMs": ordered[0],
        "maxMs": ordered[-1],
        "medianCi95Ms": [interval.low, interval.high] if interval.low is not None else None,
        "relativeHalfWidth": interval.relative_half_width,
    }
