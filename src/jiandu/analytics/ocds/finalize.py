"""Indicators that compare across contracting processes (cardinal-rs's `finalize`).

The values each compares are collected into numpy arrays; quartiles and fences are those
of `stats`. The Meta block records them exactly as cardinal-rs does.
"""

from __future__ import annotations

import math

import numpy as np

from .fold import State
from .stats import fma, percentile, quantile


def _quartiles(values: np.ndarray) -> tuple[float, float]:
    return quantile(values, 0.25), quantile(values, 0.75)


def r024(state: State) -> None:
    threshold = state.config_threshold("R024")
    values = np.fromiter((v[0] for v in state.second_lowest.values()), dtype=np.float64)
    meta = state.meta.setdefault("R024", {})
    if threshold is None:
        q1, q3 = _quartiles(values)
        meta["q1"], meta["q3"] = q1, q3
        lower_fence = fma(q3 - q1, -1.5, q1)
    else:
        lower_fence, q1 = threshold, 1.0
    meta["lower_fence"] = lower_fence
    if not (q1 > 0.0 and lower_fence > 0.0):
        return
    for ocid, (ratio, winner, loser) in state.second_lowest.items():
        if ratio <= lower_fence:
            state.flag("OCID", ocid, "R024", ratio)
            for tenderer_id in (winner, loser):
                state.flag("Tenderer", tenderer_id, "R024", 0.0)
                state.map_add("ocid_tenderer_r024", ocid, tenderer_id)


def r058(state: State) -> None:
    threshold = state.config_threshold("R058")
    meta = state.meta.setdefault("R058", {})
    if threshold is None:
        values = np.fromiter((v[0] for v in state.second_lowest.values()), dtype=np.float64)
        q1, q3 = _quartiles(values)
        meta["q1"], meta["q3"] = q1, q3
        upper_fence = fma(q3 - q1, 1.5, q3)
    else:
        upper_fence = threshold
    meta["upper_fence"] = upper_fence
    if not upper_fence > 0.0:
        return
    for ocid, (ratio, winner, _loser) in state.second_lowest.items():
        if ratio >= upper_fence:
            state.flag("OCID", ocid, "R058", ratio)
            state.flag("Tenderer", winner, "R058", 0.0)
            state.map_add("ocid_tenderer_r058", ocid, winner)


def r025(state: State) -> None:
    items = list(state.r025.items())
    numerators = np.array([f[0] for _, f in items], dtype=np.float64)
    denominators = np.array([f[1] for _, f in items], dtype=np.float64)
    ratios = numerators / denominators if items else np.empty(0)
    upper_fence = percentile(denominators, state.config_setting("R025", "percentile", 75))
    threshold = state.config_threshold("R025")
    meta = state.meta.setdefault("R025", {})
    if threshold is None:
        q1, q3 = _quartiles(ratios)
        meta["q1"], meta["q3"] = q1, q3
        lower_fence = fma(q3 - q1, -1.5, q1)
    else:
        lower_fence, q1 = threshold, 1.0
    meta["upper_fence"] = upper_fence
    meta["lower_fence"] = lower_fence
    if not (q1 > 0.0 and lower_fence > 0.0):
        return
    for (tenderer_id, fraction), ratio in zip(items, ratios.tolist(), strict=True):
        if fraction[1] >= upper_fence and ratio <= lower_fence:
            state.flag("Tenderer", tenderer_id, "R025", ratio)


def _r038_group(state: State, fractions: dict[str, list[int]], minimum: int, group: str) -> None:
    kept = [(key, f[0] / f[1]) for key, f in fractions.items() if f[1] >= minimum]
    if not kept:
        return
    threshold = state.config_threshold("R038")
    meta = state.meta.setdefault("R038", {})
    if threshold is None:
        q1, q3 = _quartiles(np.array([v for _, v in kept], dtype=np.float64))
        meta[f"{group}_q1"], meta[f"{group}_q3"] = q1, q3
        upper_fence = fma(q3 - q1, 1.5, q3)
    else:
        upper_fence = threshold
    meta[f"{group}_upper_fence"] = upper_fence
    if upper_fence > 0.0:
        for key, ratio in kept:
            if ratio >= upper_fence:
                state.flag(group, key, "R038", ratio)


def r038(state: State) -> None:
    processes = state.config_setting("R038", "minimum_contracting_processes", 2)
    bids = state.config_setting("R038", "minimum_submitted_bids", 2)
    _r038_group(state, state.r038_buyer, processes, "Buyer")
    _r038_group(state, state.r038_procuring_entity, processes, "ProcuringEntity")
    _r038_group(state, state.r038_tenderer, bids, "Tenderer")


def r048(state: State) -> None:
    minimum = state.config_setting("R048", "minimum_contracting_processes", 20)
    kept = [
        (key, float(len(codes)))
        for key, (count, codes) in state.r048.items()
        if count[0] >= minimum
    ]
    threshold = state.config_setting("R048", "threshold", None)
    meta = state.meta.setdefault("R048", {})
    if threshold is None:
        q1, q3 = _quartiles(np.array([v for _, v in kept], dtype=np.float64))
        meta["q1"], meta["q3"] = q1, q3
        upper_fence = fma(q3 - q1, 1.5, q3)
    else:
        upper_fence = float(threshold)
    meta["upper_fence"] = upper_fence
    for key, length in kept:
        if length >= upper_fence and not math.isnan(upper_fence):
            state.flag("Tenderer", key, "R048", length)


FINALIZERS = {"R024": r024, "R025": r025, "R038": r038, "R048": r048, "R058": r058}
