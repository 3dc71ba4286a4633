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
from .facts import Facts
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
Step = Callable[[fold.State, dict[str, Any], str, Facts], None]


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

    def write(self, out: BinaryIO, *, meta: bool = True) -> None:
        """Write `output()` as one line of JSON, entry by entry (no copy of the results)."""
        dumps = orjson.dumps
        parts: list[tuple[bytes, Iterator[bytes]]] = []
        for group, entries in self.results.items():
            if entries:
                parts.append((dumps(group), self._entries(entries)))
        if meta:
            parts.append((b'"Meta"', iter([dumps(self.output(meta=True)["Meta"])[1:-1]])))
        if self.maps is not None:
            for_maps = [(dumps(name), self._maps(name)) for name in MAP_KEYS]
            parts.append((b'"Maps"', _object(for_maps)))
        out.write(b"{")
        for index, (key, body) in enumerate(parts):
            out.write(b"," if index else b"")
            out.write(key + b":{")
            for chunk in body:
                out.write(chunk)
            out.write(b"}")
        out.write(b"}\n")

    @staticmethod
    def _entries(entries: dict[str, dict[str, float]]) -> Iterator[bytes]:
        dumps = orjson.dumps
        for index, (key, values) in enumerate(entries.items()):
            body = {code: finite_or_none(v) for code, v in sorted(values.items())}
            yield (b"," if index else b"") + dumps(key) + b":" + dumps(body)

    def _maps(self, name: str) -> Iterator[bytes]:
        dumps = orjson.dumps
        mapping = (self.maps or {}).get(name, {})
        for index, (ocid, value) in enumerate(mapping.items()):
            plain = value if isinstance(value, str) else sorted(value)
            yield (b"," if index else b"") + dumps(ocid) + b":" + dumps(plain)

    def counts(self) -> dict[str, int]:
        """Number of results per group (what `--count` prints)."""
        return {group: len(entries) for group, entries in self.results.items() if entries}


def _object(members: list[tuple[bytes, Iterator[bytes]]]) -> Iterator[bytes]:
    for index, (key, body) in enumerate(members):
        yield (b"," if index else b"") + key + b":{"
        yield from body
        yield b"}"


def read_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines of a binary stream, without their line ending; never the whole file."""
    for raw in stream:
        if raw.endswith(b"\n"):
            raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
        yield raw


_INVALID = object()
_PRICE_CODES = frozenset({"R024", "R036", "R058"})


def _steps(config: fold.Config) -> list[Step]:
    codes = config.codes
    steps: list[Step] = []
    if config.map and codes & {"R025", "R038", "R048"}:
        steps.append(fold.tenderers_map)
    if codes & {"R024", "R058"}:
        steps.append(fold.second_lowest_bid_ratio)
    return steps + [fold.FOLDS[c] for c in sorted(codes) if c in fold.FOLDS]


def _line(state: fold.State, steps: list[Step], line: bytes | str) -> str | None:
    """Process one line; the error text if it is not JSON (blank lines are ignored)."""
    state.lines += 1
    skipped = state.skipped
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        data = line.encode() if isinstance(line, str) else line
        if all(byte in BLANK for byte in data):
            return None
        skipped["invalid_json"] += 1
        return str(exc)
    if not isinstance(value, dict):
        skipped["not_object"] += 1
        return None
    ocid = value.get("ocid")
    if not isinstance(ocid, str):
        skipped["no_ocid"] += 1
        return None
    if release.is_cancelled(value):
        skipped["cancelled"] += 1
        return None
    if not release.matches_procurement_method_details(value, _EMPTY, state.config.exclude_details):
        skipped["excluded"] += 1
        return None
    state.releases += 1
    facts = Facts(value)
    for step in steps:
        step(state, value, ocid, facts)
    return None


_EMPTY: frozenset[str] = frozenset()


def _invalid(warn: Warn | None, number: int, error: str) -> None:
    if warn is not None:
        warn(number, f"Line {number} is invalid JSON, skipping. [{error}]")


def _finish(state: fold.State) -> Result:
    for code in sorted(state.config.codes):
        if code in FINALIZERS:
            FINALIZERS[code](state)
    maps = state.maps if state.config.map else None
    return Result(
        state.results, state.meta, maps, state.lines, state.releases, state.skipped, state
    )


def run(
    lines: Iterable[bytes | str],
    settings: Settings,
    *,
    map: bool = False,
    warn: Warn | None = None,
) -> Result:
    """Calculate the enabled indicators over the releases in `lines`, in order."""
    state = fold.State(config=fold.Config.of(settings, map=map))
    steps = _steps(state.config)
    for line in lines:
        error = _line(state, steps, line)
        if error is not None:
            _invalid(warn, state.lines, error)
    return _finish(state)


def run_file(
    stream: BinaryIO, settings: Settings, *, map: bool = False, warn: Warn | None = None
) -> Result:
    return run(read_lines(stream), settings, map=map, warn=warn)
