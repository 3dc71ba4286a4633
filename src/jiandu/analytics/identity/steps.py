"""The deterministic linkage steps (REGISTERS.md, identity rules).

A step proposes links between two records of one kind ("person" or "org") with the rule
that justifies it and the value both share. The resolver joins linked records into
entities; it does not care where a link came from, so a probabilistic step
(`person_linkage.ProbabilisticPersonStep`, returning the pairs above its threshold as links with
rule "probabilistic") is one more entry in the resolver's list of steps, and nothing
downstream changes.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import duckdb

from . import names


@dataclass(frozen=True)
class Link:
    kind: str  # person | org
    left: str
    right: str
    rule: str
    key: str  # what the two records share (a normalized ID number, a name key, ...)


@dataclass(frozen=True)
class Candidate:
    record: str
    ident: str | None  # a valid identifier of the record
    block: str
    keys: tuple[str, ...]
    written: str | None  # the simplified Chinese name; None for a romanized one


@dataclass(frozen=True)
class Ambiguity:
    kind: str
    record: str
    rule: str
    key: str
    candidates: tuple[str, ...]  # records with different identifiers it could belong to


class Step(Protocol):
    name: str

    def links(self, con: duckdb.DuckDBPyConnection) -> Iterable[Link]: ...


def _star(kind: str, rule: str, key: str, members: list[str]) -> list[Link]:
    """Link every member of a group to its smallest id."""
    first = min(members)
    return [Link(kind, first, m, rule, key) for m in sorted(members) if m != first]


class SharedIdentifier:
    """Records carrying the same valid identifier are one entity (ID number, USCC)."""

    def __init__(self, kind: str, table: str, id_column: str, column: str, rule: str) -> None:
        self.kind, self.table, self.id_column, self.column = kind, table, id_column, column
        self.name = rule

    def links(self, con: duckdb.DuckDBPyConnection) -> Iterable[Link]:
        problem = "jd_idn_problem" if self.name == "id_number" else "jd_uscc_problem"
        rows = con.execute(
            f"""SELECT "{self.column}", list("{self.id_column}" ORDER BY "{self.id_column}")
                FROM "{self.table}"
                WHERE "{self.column}" IS NOT NULL AND {problem}("{self.column}") IS NULL
                GROUP BY 1 HAVING count(*) > 1 ORDER BY 1"""
        ).fetchall()
        for key, members in rows:
            yield from _star(self.kind, self.name, key, list(members))


class _Blocked:
    """Records without a valid identifier matched on a name key inside a block (birth
    date and region for people, region for organizations). Within a block, records with
    the same name form a group; a group holding two different identifiers is ambiguous
    and its identifier-less records stay apart (reported)."""

    kind = ""
    name = ""
    ambiguities: list[Ambiguity]

    def candidates(self, con: duckdb.DuckDBPyConnection) -> list[Candidate]:
        raise NotImplementedError

    def links(self, con: duckdb.DuckDBPyConnection) -> Iterable[Link]:
        self.ambiguities = []
        groups: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in self.candidates(con):
            for key in c.keys:
                groups[(c.block, key)].append(c)
        out: list[Link] = []
        for (block, key), members in sorted(groups.items()):
            records = sorted({c.record for c in members})
            if len(records) < 2:
                continue
            if key.startswith("py:"):
                # Sound-alike keys join a romanized record to Chinese ones, never two
                # different Chinese names.
                if all(c.written is not None for c in members):
                    continue
                if len({c.written for c in members if c.written is not None}) > 1:
                    self._ambiguous(members, block, key)
                    continue
            idents = sorted({c.ident for c in members if c.ident})
            if len(idents) > 1:
                self._ambiguous(members, block, key)
                continue
            out += _star(self.kind, self.name, f"{block}|{key}", records)
        return out

    def _ambiguous(self, members: list[Candidate], block: str, key: str) -> None:
        idents = {c.ident for c in members if c.ident}
        written = {c.written for c in members if c.written}
        others = tuple(sorted(idents or written))
        for c in members:
            if c.ident is None:
                self.ambiguities.append(
                    Ambiguity(self.kind, c.record, self.name, f"{block}|{key}", others)
                )


class PersonNameBirthRegion(_Blocked):
    """A person record without a valid ID number matches records with the same name
    (traditional or simplified characters, or a romanized form read in either order) and
    the same birth date and region; a record's birth date and region default to those
    its ID number encodes."""

    kind = "person"
    name = "name_birth_region"

    def candidates(self, con: duckdb.DuckDBPyConnection) -> list[Candidate]:
        rows = con.execute(
            """WITH p AS (
                SELECT person_id, name, name_latin,
                    CASE WHEN jd_idn_problem(id_number) IS NULL THEN id_number END AS idn,
                    coalesce(birth_date, CASE WHEN jd_idn_problem(id_number) IS NULL
                        THEN try_strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE END) AS b,
                    coalesce(region_code, CASE WHEN jd_idn_problem(id_number) IS NULL
                        THEN substr(id_number, 1, 6) END) AS r
                FROM persons),
            blocks AS (SELECT DISTINCT b, r FROM p
                       WHERE idn IS NULL AND b IS NOT NULL AND r IS NOT NULL)
            SELECT person_id, idn, b::VARCHAR || '|' || r, name, name_latin
            FROM p JOIN blocks USING (b, r) ORDER BY person_id"""
        ).fetchall()
        out = []
        for record, idn, block, name, latin in rows:
            keys = set(_person_keys(name))
            if latin:
                keys.update("py:" + k for k in names.keys(latin))
            written = None if names.is_romanized(name or "") else names.normalize(name or "")
            out.append(Candidate(record, idn, block, tuple(sorted(keys)), written))
        return out


def _person_keys(name: str | None) -> list[str]:
    """A Chinese name matches on its simplified form, and on its pinyin only with a
    romanized record: keys "zh:" and "py:" (a romanized name has only "py:" keys)."""
    if not name or not name.strip():
        return []
    if names.is_romanized(name):
        return ["py:" + k for k in names.romanized_keys(name)]
    return ["zh:" + names.normalize(name), "py:" + names.pinyin(name)]


class OrgNameRegion(_Blocked):
    """An organization without a valid credit code matches organizations with the same
    normalized name in the same region."""

    kind = "org"
    name = "name_region"

    def candidates(self, con: duckdb.DuckDBPyConnection) -> list[Candidate]:
        rows = con.execute(
            """WITH o AS (
                SELECT org_id, name, region_code AS r,
                    CASE WHEN jd_uscc_problem(uscc) IS NULL THEN uscc END AS code
                FROM organizations),
            blocks AS (SELECT DISTINCT r FROM o WHERE code IS NULL AND r IS NOT NULL)
            SELECT org_id, code, r, name FROM o JOIN blocks USING (r) ORDER BY org_id"""
        ).fetchall()
        out = []
        for record, code, r, name in rows:
            written = names.normalize(name or "")
            out.append(Candidate(record, code, r, ("zh:" + written,) if written else (), written))
        return out


def default_steps() -> list[Step]:
    return [
        SharedIdentifier("person", "persons", "person_id", "id_number", "id_number"),
        PersonNameBirthRegion(),
        SharedIdentifier("org", "organizations", "org_id", "uscc", "uscc"),
        OrgNameRegion(),
    ]
