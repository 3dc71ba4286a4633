"""The probabilistic person step: `linkage` applied to the warehouse's `persons` register
(see `linkage` for the method and docs/registers.md for how to enable it)."""

# SQL here is composed of table names chosen by this module and the linkage settings.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from . import names
from .linkage import (
    Block,
    Comparison,
    Linkage,
    Match,
    Settings,
    _null,
    date,
    exact,
    link,
    near,
    similar,
)
from .steps import Ambiguity, Link

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

NULL_LEVEL = -1
_EPSILON = 1e-6  # floor of an m or u probability: no level is ever impossible


PERSON_COMPARISONS = (
    Comparison(
        "name",
        (
            ("exact", "l.name_zh = r.name_zh"),
            (
                "romanized",
                "(l.name_zh IS NULL OR r.name_zh IS NULL)"
                " AND list_has_any(l.name_keys, r.name_keys)",
            ),
            ("homophone", "list_has_any(l.name_keys, r.name_keys)"),
            ("one_character", "levenshtein(l.name_zh, r.name_zh) <= 1"),
            ("jaro_winkler>=0.9", "jaro_winkler_similarity(l.name_py, r.name_py) >= 0.9"),
        ),
        _null("name_py"),
    ),
    date("birth", name="birth_date"),
    exact("gender"),
    Comparison(
        "region_code",
        (
            ("exact", "l.region = r.region"),
            ("same_city", "substr(l.region, 1, 4) = substr(r.region, 1, 4)"),
        ),
        _null("region"),
    ),
    Comparison(
        "id_number",
        (
            ("exact", "l.idn = r.idn"),
            ("one_edit", "damerau_levenshtein(l.idn, r.idn) <= 1"),
        ),
        _null("idn"),
    ),
    near("phone"),
    similar("address", (0.9, 0.8)),
)
PERSON_BLOCKING = (
    Block.on("birth", "unnest(initials)"),
    Block.on("unnest(name_keys)", "region"),
    Block.on("unnest(name_keys)", "year(birth)"),
    Block.on("phone"),
    Block.on("address"),
)
# Two records whose ID numbers are both valid and differ are two people, whatever else.
PERSON_NEVER = "l.idn_valid AND r.idn_valid AND l.idn != r.idn"

_PERSONS = """SELECT person_id, name, name_latin, address,
        CASE WHEN jd_idn_problem(id_number) IS NULL THEN id_number END AS valid,
        nullif(upper(regexp_replace(id_number, '\\s', '', 'g')), '') AS idn,
        coalesce(birth_date, CASE WHEN jd_idn_problem(id_number) IS NULL
            THEN try_strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE END) AS birth,
        coalesce(gender, CASE WHEN jd_idn_problem(id_number) IS NULL
            THEN CASE WHEN try_cast(substr(id_number, 17, 1) AS INTEGER) % 2 = 1
                THEN 'M' ELSE 'F' END END) AS gender,
        coalesce(nullif(region_code, ''), CASE WHEN jd_idn_problem(id_number) IS NULL
            THEN substr(id_number, 1, 6) END) AS region,
        nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') AS phone
    FROM persons ORDER BY person_id"""

_PREPARED_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("name_zh", pa.string()),
        ("name_py", pa.string()),
        ("name_keys", pa.list_(pa.string())),
        ("initials", pa.list_(pa.string())),
        ("birth", pa.date32()),
        ("gender", pa.string()),
        ("region", pa.string()),
        ("idn", pa.string()),
        ("idn_valid", pa.bool_()),
        ("phone", pa.string()),
        ("address", pa.string()),
    ]
)
_PREPARED = tuple(_PREPARED_SCHEMA.names)


def _name_columns(name: str | None, latin: str | None) -> tuple[str | None, str | None, list[str]]:
    """A name as compared: its simplified characters (None for a romanized name), its
    reading, and every reading it and its romanized form can stand for."""
    written = name or ""
    zh = None if not written.strip() or names.is_romanized(written) else names.normalize(written)
    readings = list(names.keys(written))
    if latin:
        readings += [k for k in names.keys(latin) if k not in readings]
    return zh or None, readings[0] if readings else None, readings


def prepare_persons(con: duckdb.DuckDBPyConnection, table: str = "_jd_linkage_persons") -> str:
    """A temporary table of the `persons` register as the person step compares it: the
    name normalized (`names`), birth date, gender and region defaulting to what a valid
    ID number encodes, digits of the phone, the address normalized like a name."""
    rows = con.execute(_PERSONS).fetchall()
    columns: dict[str, list[Any]] = {c: [] for c in _PREPARED}
    for person, name, latin, address, valid, idn, birth, gender, region, phone in rows:
        zh, reading, readings = _name_columns(name, latin)
        values = (
            person,
            zh,
            reading,
            readings,
            sorted({k[0] for k in readings}),
            birth,
            gender,
            region,
            idn,
            valid is not None,
            phone,
            names.normalize(address) if address and address.strip() else None,
        )
        for column, value in zip(_PREPARED, values, strict=True):
            columns[column].append(value)
    con.register("_jd_linkage_rows", pa.table(columns, schema=_PREPARED_SCHEMA))
    try:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}" AS SELECT * FROM _jd_linkage_rows')
    finally:
        con.unregister("_jd_linkage_rows")
    return table


class _Components:
    """Groups of linked records and the valid ID numbers each holds."""

    def __init__(self, idents: dict[str, str]) -> None:
        self.parent: dict[str, str] = {}
        self.idents: dict[str, set[str]] = {r: {i} for r, i in idents.items()}

    def find(self, x: str) -> str:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def conflict(self, a: str, b: str) -> set[str]:
        """The ID numbers joining a and b would put in one group, if more than one."""
        both = self.idents.get(self.find(a), set()) | self.idents.get(self.find(b), set())
        return both if len(both) > 1 else set()

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.idents[ra] = self.idents.get(ra, set()) | self.idents.pop(rb, set())


class ProbabilisticPersonStep:
    """Person records the model finds to be one person with a probability at or above
    `threshold`: Fellegi–Sunter over `PERSON_COMPARISONS` (name, birth date, gender,
    region, ID number, phone, address) on the pairs of `PERSON_BLOCKING`, estimated on the
    warehouse's own `persons` table.

    Opt-in, after the deterministic steps:
    `resolve.resolve(con, [*default_steps(), ProbabilisticPersonStep()])`.

    Two records with different valid ID numbers are never linked, nor joined through a
    third: links are taken by descending probability, and one that would put two valid
    ID numbers in one group is left out and reported as an ambiguity.
    """

    kind = "person"
    name = "probabilistic"

    def __init__(self, threshold: float = 0.95, settings: Settings | None = None) -> None:
        base = settings or Settings(PERSON_COMPARISONS, PERSON_BLOCKING, never=PERSON_NEVER)
        self.settings = replace(base, threshold=threshold)
        self.linkage: Linkage | None = None
        self.ambiguities: list[Ambiguity] = []

    def links(self, con: duckdb.DuckDBPyConnection) -> list[Link]:
        table = prepare_persons(con)
        try:
            self.linkage = link(con, self.settings, f'"{table}"', id_column="person_id")
            idents = con.execute(
                f'SELECT person_id, idn FROM "{table}" WHERE idn_valid ORDER BY 1'
            ).fetchall()
        finally:
            con.execute(f'DROP TABLE IF EXISTS "{table}"')
        return self._consistent(self.linkage.matches, dict(idents))

    def _consistent(self, matches: Sequence[Match], idents: dict[str, str]) -> list[Link]:
        """The links that put no two valid ID numbers in one group. A record without one
        that matches records of several ID numbers is ambiguous: none of its links is
        kept. Of the rest, taken by descending probability, a link that would join two
        groups of different ID numbers is left out; both are reported."""
        ambiguous = _ambiguous(matches, idents)
        self.ambiguities = [
            Ambiguity("person", record, self.name, key, others)
            for record, (key, others) in sorted(ambiguous.items())
        ]
        groups = _Components(idents)
        out = []
        for m in sorted(matches, key=lambda x: (-x.probability, x.left, x.right)):
            if m.left in ambiguous or m.right in ambiguous:
                continue
            key = _key(m)
            conflict = groups.conflict(m.left, m.right)
            if conflict:
                record = m.right if m.right not in idents else m.left
                self.ambiguities.append(
                    Ambiguity("person", record, self.name, key, tuple(sorted(conflict)))
                )
                continue
            groups.union(m.left, m.right)
            out.append(Link("person", m.left, m.right, self.name, key))
        return sorted(out, key=lambda x: (x.left, x.right))


def _key(match: Match) -> str:
    return f"match_probability={match.probability:.3f}"


def _ambiguous(
    matches: Sequence[Match], idents: dict[str, str]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Records without a valid ID number that match records of several: for each, the
    key of its most probable match and the ID numbers."""
    partners: dict[str, set[str]] = {}
    best: dict[str, Match] = {}
    for m in matches:
        for record, other in ((m.left, m.right), (m.right, m.left)):
            if record not in idents and other in idents:
                partners.setdefault(record, set()).add(idents[other])
                if record not in best or m.probability > best[record].probability:
                    best[record] = m
    return {
        record: (_key(best[record]), tuple(sorted(ids)))
        for record, ids in partners.items()
        if len(ids) > 1
    }
