"""The same run over a file, split across processes, with the answers of a single pass.

A file is cut into byte ranges at line boundaries; each worker process folds its range
into its own partial state and the partial states are merged in file order, which gives
exactly what one pass in order gives: fractions and counts add up, sets unite, and where
one pass lets a later line replace an earlier one (a repeated ocid), the later range
replaces the earlier one. The one thing a range cannot know alone is the main currency
when it is not configured (the first currency observed); the file's beginning is
therefore read in this process until that currency is known, and the workers start after.
Memory stays bounded: each process holds one line and its accumulators.

`run_warehouse` does the same over the warehouse's `ocds_releases` table, cut into
ranges of rows: each worker opens the warehouse read-only and folds its range.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import duckdb

from . import fold
from .engine import Result, Warn, _finish, _invalid, _line, _steps
from .settings import Settings

MIN_BYTES_PER_WORKER = 16 * 2**20
MIN_ROWS_PER_WORKER = 50_000
WORKER_MEMORY = "128MiB"  # DuckDB's share in a worker: it only streams rows
BATCH = 10_000
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


def _rows_chunk(task: tuple[str, int, int, fold.Config, str | None]) -> fold.State:
    from jiandu.analytics import warehouse

    database, low, high, config, currency = task
    state = fold.State(config=config, currency=currency)
    steps = _steps(config)
    con = warehouse.connect(database, read_only=True, memory=WORKER_MEMORY)
    try:
        # A plain scan returns rows in table order (DuckDB preserves insertion order
        # unless told otherwise), with no sort to hold in memory.
        cursor = con.execute(
            "SELECT release FROM ocds_releases WHERE rowid >= $low AND rowid < $high",
            {"low": low, "high": high},
        )
        while rows := cursor.fetchmany(BATCH):
            for (text,) in rows:
                _line(state, steps, text if text is not None else "")
    finally:
        con.close()
    return state


def _in_stream_order(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the table's row order is the order releases are read in (by file, then
    line), as `jiandu ingest` writes it: only then can ranges of rows be folded apart."""
    row = con.execute(
        "SELECT count(*) FROM (SELECT source_file, coalesce(line_no, 9223372036854775807) "
        "AS line, lag(source_file) OVER w AS before_file, "
        "lag(coalesce(line_no, 9223372036854775807)) OVER w AS before_line "
        "FROM ocds_releases WINDOW w AS (ORDER BY rowid)) "
        "WHERE before_file > source_file OR (before_file = source_file AND before_line > line)"
    ).fetchone()
    return row is not None and row[0] == 0


def run_warehouse(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    map: bool = False,
    workers: int | None = None,
) -> Result | None:
    """`engine.run` over the warehouse's releases (`con` open on the warehouse file) in up
    to `workers` processes; None when one pass in this process is the way (a database in
    memory, too few releases for more than one worker, or rows not in reading order)."""
    found = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    database = found[0] if found else None
    bounds = con.execute("SELECT min(rowid), max(rowid) + 1, count(*) FROM ocds_releases")
    low, high, count = bounds.fetchall()[0]  # an aggregate: always one row
    workers = max(1, min(workers or os.cpu_count() or 1, count // MIN_ROWS_PER_WORKER))
    if not database or workers == 1 or low is None or not _in_stream_order(con):
        return None
    config = fold.Config.of(settings, map=map)
    state = fold.State(config=config)
    steps = _steps(config)
    if config.currency is None and bool(config.codes & _PRICE_CODES):
        # The main currency is the first one observed: read here until it is known.
        cursor = con.cursor()  # closed below, so `con` has no unfinished result
        try:
            cursor.execute("SELECT rowid, release FROM ocds_releases")
            while state.currency is None and (rows := cursor.fetchmany(100)):
                for rowid, text in rows:
                    _line(state, steps, text if text is not None else "")
                    low = rowid + 1
                    if state.currency is not None:
                        break
        finally:
            cursor.close()
        if low >= high:
            return _finish(state)
    cuts = [low + (high - low) * i // workers for i in range(workers)] + [high]
    tasks = [(database, cuts[i], cuts[i + 1], config, state.currency) for i in range(workers)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(tasks)) as pool:
        for part in pool.imap(_rows_chunk, tasks):
            _merge(state, part)
    return _finish(state)
