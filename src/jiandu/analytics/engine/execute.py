"""Running one model on one Ibis backend and turning its rows into `Hit` records.

An Ibis model returns one row per evidence row with a `subject_id` and a `score`; rows
of the same subject become one hit. Its explanation is the spec's template filled from
the subject's first row (rows sorted, so every engine picks the same), where
`{column__list}` lists the distinct values of a column over the subject's rows,
`{column__sum}` adds them up and `{column__count}` counts them.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from jiandu.analytics.catalogue import ModelSpec
from jiandu.analytics.catalogue._common import Tables
from jiandu.analytics.hits import Hit

MISSING = "—"


def _plain(value: Any, dtype: Any) -> Any:
    """A Python value as both engines should give it (dates as dates, NaN as None)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if dtype is not None and dtype.is_date() and isinstance(value, dt.datetime):
        return value.date()
    if dtype is not None and dtype.is_timestamp() and isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if dtype is not None and dtype.is_floating():
        return float(value)
    return value


def _sort_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple((k, "" if v is None else str(v)) for k, v in sorted(row.items()))


class _Formatter(string.Formatter):
    def __init__(
        self, rows: Sequence[Mapping[str, Any]], distinct: Sequence[Mapping[str, Any]]
    ) -> None:
        self.rows = rows
        self.distinct = distinct  # one row per distinct evidence, for the aggregates

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        assert isinstance(key, str)
        column, _, agg = key.partition("__")
        if agg:
            values: list[Any] = [r[column] for r in self.distinct if r.get(column) is not None]
            if agg == "sum":
                return math.fsum(float(v) for v in values)
            distinct = sorted({v for v in values}, key=str)
            if agg == "count":
                return len(distinct)
            if agg == "list":
                return ", ".join(_text(v) for v in distinct)
            raise KeyError(key)
        return self.rows[0].get(column)

    def format_field(self, value: Any, format_spec: str) -> Any:
        if value is None:
            return MISSING
        if not format_spec:
            return _text(value)
        return super().format_field(value, format_spec)


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.second == 0 else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def explain(
    template: str,
    rows: Sequence[Mapping[str, Any]],
    distinct: Sequence[Mapping[str, Any]] | None = None,
) -> str:
    return _Formatter(rows, rows if distinct is None else distinct).format(template)


def _distinct_evidence(spec: ModelSpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, once per distinct combination of their evidence columns (a row reached
    twice, e.g. by two reasons, is summed once)."""
    columns = sorted({c for cols in spec.evidence.values() for c in cols.values()})
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(tuple(str(row.get(c)) for c in columns), row)
    return list(seen.values())


def rows_to_hits(spec: ModelSpec, rows: list[dict[str, Any]]) -> list[Hit]:
    """Group a model's rows by subject into hits."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        subject = row.get("subject_id")
        if subject is None or subject == "":
            continue
        groups.setdefault(str(subject), []).append(row)
    hits = []
    for subject, group in sorted(groups.items()):
        group.sort(key=_sort_key)
        distinct = _distinct_evidence(spec, group)
        evidence: dict[str, list[dict[str, Any]]] = {}
        for register, columns in spec.evidence.items():
            seen: dict[tuple[Any, ...], dict[str, Any]] = {}
            for row in group:
                item = {name: row.get(column) for name, column in columns.items()}
                if all(v is None for v in item.values()):
                    continue
                seen.setdefault(_sort_key(item), item)
            evidence[register] = [seen[k] for k in sorted(seen)]
        persons = sorted({str(r[c]) for r in group for c in spec.person_columns if r.get(c)})
        org_ids = sorted({str(r[c]) for r in group for c in spec.org_columns if r.get(c)})
        score = max(float(r.get("score") or 0.0) for r in group)
        hits.append(
            Hit(
                model_id=spec.id,
                model_version=spec.version,
                subject_type=spec.subject_type,
                subject_id=subject,
                score=round(min(1.0, max(0.0, score)), 6),
                explanation_zh=explain(spec.explanation["zh"], group, distinct),
                explanation_en=explain(spec.explanation["en"], group, distinct),
                evidence=evidence,
                person_ids=tuple(persons),
                org_ids=tuple(org_ids),
            )
        )
    return hits


def run_ibis_model(spec: ModelSpec, backend: Any, params: Mapping[str, Any]) -> list[Hit]:
    """Build the model's expression on `backend`, execute it and assemble the hits."""
    expr = spec.builder()(Tables(backend), dict(params))
    schema = expr.schema()
    table = backend.to_pyarrow(expr)
    rows = [
        {name: _plain(value, schema.get(name)) for name, value in row.items()}
        for row in table.to_pylist()
    ]
    return rows_to_hits(spec, rows)


def run_python_model(spec: ModelSpec, con: Any, params: Mapping[str, Any]) -> list[Hit]:
    """Call a python model's entrypoint `function(con, params) -> list[Hit]`."""
    return checked_hits(spec, list(spec.builder()(con, dict(params))), spec.entrypoint)


def checked_hits(spec: ModelSpec, hits: list[Hit], source: str) -> list[Hit]:
    """A python model's hits sorted by subject; a TypeError if one is not its own Hit."""
    for hit in hits:
        if not isinstance(hit, Hit) or hit.model_id != spec.id:
            raise TypeError(f"{source} returned {hit!r}, not a Hit of {spec.id}")
    return sorted(hits, key=lambda h: h.subject_id)
