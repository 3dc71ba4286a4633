"""Running the indicators over a stream of compiled releases, one line at a time.

`run(lines, settings)` reads line-delimited JSON without holding the file in memory,
applies cardinal-rs's exclusions (a line that is not JSON or not an object, a release
without a string `ocid`, a cancelled contracting process, an excluded
`procurementMethodDetails`), counts what it skipped, and returns the results, the Meta
block and, on request, the Maps block, exactly as `ocdscardinal indicators` prints them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import orjson

from . import fold, release
from .finalize import FINALIZERS
from .settings import Settings
from .stats import finite_or_none, round4

BLANK = frozenset(b" \t\n\r\x0c")
MAP_KEYS = (
    "ocid_buyer_r038",
    "ocid_procuringentity_r038",
    "ocid_tenderer",
    "ocid_tenderer_r024",
    "ocid_tenderer_r028",
    "ocid_tenderer_r030",
    "ocid_tenderer_r035",
    "ocid_tenderer_r058",
)

Warn = Callable[[int, str], None]


@dataclass
class Result:
    results: dict[str, dict[str, dict[str, float]]]
    meta: dict[str, dict[str, float]]
    maps: dict[str, dict[str, Any]] | None
    lines: int = 0
    releases: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    # The accumulators behind the results (fractions, differences), for explanations.
    state: fold.State | None = field(default=None, repr=False)

    @property
    def currency(self) -> str | None:
        """The main currency the price indicators used (configured or first observed)."""
        return self.state.currency if self.state is not None else None

    def output(self, *, meta: bool = True) -> dict[str, Any]:
        """The JSON object `ocdscardinal indicators` prints (non-finite numbers as null)."""
        out: dict[str, Any] = {}
        for group, entries in self.results.items():
            if entries:
                out[group] = {
                    key: {code: finite_or_none(v) for code, v in sorted(values.items())}
                    for key, values in entries.items()
                }
        if meta:
            out["Meta"] = {
                code: {name: round4(value) for name, value in values.items()}
                for code, values in sorted(self.meta.items())
            }
        if self.maps is not None:
            out["Maps"] = {
                name: {
                    ocid: (value if isinstance(value, str) else sorted(value))
                    for ocid, value in self.maps.get(name, {}).items()
                }
                for name in MAP_KEYS
            }
        return out

    def counts(self) -> dict[str, int]:
        """Number of results per group (what `--count` prints)."""
        return {group: len(entries) for group, entries in self.results.items() if entries}


def read_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines of a binary stream, without their line ending; never the whole file."""
    for raw in stream:
        if raw.endswith(b"\n"):
            raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
        yield raw


def parse(lines: Iterable[bytes | str], warn: Warn | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) for each line that is JSON; others are reported."""
    for number, line in enumerate(lines, start=1):
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            data = line.encode() if isinstance(line, str) else line
            if all(byte in BLANK for byte in data):
                continue
            if warn is not None:
                warn(number, f"Line {number} is invalid JSON, skipping. [{exc}]")
            yield number, _INVALID


_INVALID = object()


def run(
    lines: Iterable[bytes | str],
    settings: Settings,
    *,
    map: bool = False,
    warn: Warn | None = None,
) -> Result:
    """Calculate the enabled indicators over the releases in `lines`."""
    config = fold.Config.of(settings, map=map)
    state = fold.State(config=config)
    codes = config.codes
    helpers: list[Callable[[fold.State, release.Release, str], None]] = []
    if map and codes & {"R025", "R038", "R048"}:
        helpers.append(fold.tenderers_map)
    if codes & {"R024", "R058"}:
        helpers.append(fold.second_lowest_bid_ratio)
    steps = helpers + [fold.FOLDS[c] for c in sorted(codes) if c in fold.FOLDS]
    exclude = config.exclude_details
    empty: frozenset[str] = frozenset()
    lines_seen = releases = 0
    skipped = state.skipped
    for number, value in parse(lines, warn):
        lines_seen = number
        if value is _INVALID:
            skipped["invalid_json"] += 1
            continue
        if not isinstance(value, dict):
            skipped["not_object"] += 1
            continue
        ocid = value.get("ocid")
        if not isinstance(ocid, str):
            skipped["no_ocid"] += 1
            continue
        if release.is_cancelled(value):
            skipped["cancelled"] += 1
            continue
        if not release.matches_procurement_method_details(value, empty, exclude):
            skipped["excluded"] += 1
            continue
        releases += 1
        for step in steps:
            step(state, value, ocid)
    for code in sorted(codes):
        if code in FINALIZERS:
            FINALIZERS[code](state)
    maps = state.maps if map else None
    return Result(state.results, state.meta, maps, lines_seen, releases, skipped, state)


def run_file(
    stream: BinaryIO, settings: Settings, *, map: bool = False, warn: Warn | None = None
) -> Result:
    return run(read_lines(stream), settings, map=map, warn=warn)
