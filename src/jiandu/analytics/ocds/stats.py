"""The arithmetic cardinal-rs uses, reproduced bit for bit.

Quartiles and percentiles are statrs's `quantile`: the R-8 estimator (median-unbiased,
Hyndman and Fan 1996) with `h = (n + 1/3) * tau + 1/3`, returning the minimum for
`h < 1` and the maximum for `h >= n`. Fences use a fused multiply-add, as Rust's
`mul_add` does; rounding for the Meta block rounds half away from zero.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

THIRD = 1.0 / 3.0


def _min(values: np.ndarray) -> float:
    if np.isnan(values).any():
        return math.nan
    return float(values.min())


def _max(values: np.ndarray) -> float:
    if np.isnan(values).any():
        return math.nan
    return float(values.max())


def quantile(values: np.ndarray | list[float], tau: float) -> float:
    """statrs `OrderStatistics::quantile` (R-8). NaN for no data or tau outside [0, 1]."""
    data = np.asarray(values, dtype=np.float64)
    n = data.size
    if not 0.0 <= tau <= 1.0 or n == 0:
        return math.nan
    h = (float(n) + THIRD) * tau + THIRD
    hf = int(h)
    if hf <= 0 or tau == 0.0:
        return _min(data)
    if hf >= n or tau == 1.0:
        return _max(data)
    ordered = np.sort(data)  # total order, NaN last
    a = float(ordered[hf - 1])
    b = float(ordered[hf])
    return a + (h - float(hf)) * (b - a)


def percentile(values: np.ndarray | list[float], p: int) -> float:
    return quantile(values, p / 100.0)


def fma(x: float, y: float, z: float) -> float:
    """x * y + z with one rounding, like Rust's `f64::mul_add`."""
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(z)):
        return x * y + z
    exact = Fraction(x) * Fraction(y) + Fraction(z)
    try:
        return float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def divide(numerator: float, denominator: float) -> float:
    """IEEE division: x / 0 is +-inf, 0 / 0 is NaN (Python raises instead)."""
    if denominator != 0.0:
        return numerator / denominator
    if numerator == 0.0 or math.isnan(numerator):
        return math.nan
    sign = math.copysign(1.0, numerator) * math.copysign(1.0, denominator)
    return math.inf if sign > 0 else -math.inf


def round4(value: float) -> float | None:
    """`(v * 10_000.0).round() / 10_000.0`, and None where JSON has no number."""
    if not math.isfinite(value):
        return None
    scaled = value * 10_000.0
    if not math.isfinite(scaled):
        return None
    whole = float(math.trunc(scaled))
    if abs(scaled - whole) >= 0.5:
        whole += math.copysign(1.0, scaled)
    return whole / 10_000.0


def finite_or_none(value: float) -> float | None:
    """serde_json writes a non-finite float as null."""
    return value if math.isfinite(value) else None
