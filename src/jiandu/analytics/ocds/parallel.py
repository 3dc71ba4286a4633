"""The same run over a file, split across processes, with the answers of a single pass.

A file is cut into byte ranges at line boundaries; each worker process folds its range
into its own partial state and the partial states are merged in file order, which gives
exactly what one pass in order gives: fractions and counts add up, sets unite, and where
one pass lets a later line replace an earlier one (a repeated ocid), the later range
replaces the earlier one. The one thing a range cannot know alone is the main currency
when it is not configured (the first currency observed); the file's beginning is
therefore read in this process until that currency is known, and the workers start after.
Memory stays bounded: each process holds one line and its accumulators.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from . import fold
from .engine import Result, Warn, _finish, _invalid, _line, _steps
from .settings import Settings

MIN_BYTES_PER_WORKER = 16 * 2**20
MAX_WARNINGS = 1000
_PRICE_CODES = frozenset({"R024", "R036", "R058"})


def _strip(raw: bytes) -> bytes:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
    return raw


def _lines(stream: BinaryIO, end: int) -> Iterator[bytes]:
    while stream.tell() < end:
        raw = stream.readline()
        if not raw:
            return
        yield _strip(raw)


def _chunk(
    task: tuple[str, int, int, fold.Config, str | None],
) -> tuple[fold.State, list[tuple[int, str]]]:
    path, start, end, config, currency = task
    state = fold.State(config=config, currency=currency)
    steps = _steps(config)
    warnings: list[tuple[int, str]] = []
    with open(path, "rb") as stream:
        stream.seek(start)
        for line in _lines(stream, end):
            error = _line(state, steps, line)
            if error is not None and len(warnings) < MAX_WARNINGS:
                warnings.append((state.lines, error))
    return state, warnings


def _boundaries(path: Path, start: int, size: int, parts: int) -> list[int]:
    cuts = [start]
    with path.open("rb") as stream:
        for i in range(1, parts):
            target = start + (size - start) * i // parts
            if target <= cuts[-1]:
                continue
            stream.seek(target - 1)
            stream.readline()  # to the start of the next line
            position = stream.tell()
            if cuts[-1] < position < size:
                cuts.append(position)
    cuts.append(size)
    return cuts


def _merge_fractions(into: dict[str, list[int]], part: dict[str, list[int]]) -> None:
    for key, (numerator, denominator) in part.items():
        current = into.get(key)
        if current is None:
            into[key] = [numerator, denominator]
        else:
            current[0] += numerator
            current[1] += denominator


def _merge(into: fold.State, part: fold.State) -> None:
    for group, entries in part.results.items():
        target = into.results[group]
        for key, values in entries.items():
            target.setdefault(key, {}).update(values)
    for name, mapping in part.maps.items():
        target_map = into.maps.setdefault(name, {})
        for ocid, value in mapping.items():
            if isinstance(value, set):
                target_map.setdefault(ocid, set()).update(value)
            else:
                target_map[ocid] = value
    into.second_lowest.update(part.second_lowest)
    _merge_fractions(into.r025, part.r025)
    _merge_fractions(into.r038_buyer, part.r038_buyer)
    _merge_fractions(into.r038_procuring_entity, part.r038_procuring_entity)
    _merge_fractions(into.r038_tenderer, part.r038_tenderer)
    for key, (count, codes) in part.r048.items():
        entry = into.r048.get(key)
        if entry is None:
            into.r048[key] = (count, codes)
        else:
            entry[0][0] += count[0]
            entry[1].update(codes)
    into.skipped.update(part.skipped)
    into.lines += part.lines
    into.releases += part.releases


def run_path(
    path: Path | str,
    settings: Settings,
    *,
    map: bool = False,
    warn: Warn | None = None,
    workers: int | None = None,
) -> Result:
    """`engine.run` over the file at `path`, using up to `workers` processes."""
    path = Path(path)
    config = fold.Config.of(settings, map=map)
    state = fold.State(config=config)
    steps = _steps(config)
    size = path.stat().st_size
    workers = workers or os.cpu_count() or 1
    workers = max(1, min(workers, size // MIN_BYTES_PER_WORKER))
    needs_currency = config.currency is None and bool(config.codes & _PRICE_CODES)
    with path.open("rb") as stream:
        while workers == 1 or (needs_currency and state.currency is None):
            raw = stream.readline()
            if not raw:
                return _finish(state)
            error = _line(state, steps, _strip(raw))
            if error is not None:
                _invalid(warn, state.lines, error)
        start = stream.tell()
    cuts = _boundaries(path, start, size, workers)
    tasks = [
        (str(path), cuts[i], cuts[i + 1], config, state.currency) for i in range(len(cuts) - 1)
    ]
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(tasks)) as pool:
        for part, warnings in pool.imap(_chunk, tasks):
            for number, error in warnings:
                _invalid(warn, state.lines + number, error)
            _merge(state, part)
    return _finish(state)
