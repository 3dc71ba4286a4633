"""Reads of the warehouse for the workflow: who and what a hit involves.

Two uses: when hits are imported (is a person a leading cadre, which unified social
credit code and region an organization has), and on the hit page (the people with their
posts, relatives, ownerships and directorships; the organizations with their owners,
directors and contracts). The warehouse is opened read-only; a missing file, table or
column yields empty answers, never an error page. Values are bound, never formatted
into the SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from jiandu.analytics import warehouse

log = logging.getLogger(__name__)

ROW_LIMIT = 50  # rows of one kind shown on a hit page


@dataclass
class Facts:
    """What the import needs to know about the people and organizations of its hits."""

    cadres: set[str] = field(default_factory=set)
    org_uscc: dict[str, str] = field(default_factory=dict)
    org_region: dict[str, str] = field(default_factory=dict)
    person_id_numbers: dict[str, str] = field(default_factory=dict)


@dataclass
class Involved:
    """The people and organizations of one hit, read from the warehouse."""

    available: bool = True
    people: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main'"
        ).fetchall()
        self.columns: dict[str, set[str]] = {}
        for table, column in rows:
            self.columns.setdefault(str(table), set()).add(str(column))

    def has(self, table: str, *columns: str) -> bool:
        return table in self.columns and all(c in self.columns[table] for c in columns)

    def rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params)
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def person_records(self, ids: list[str]) -> dict[str, list[str]]:
        """Every record id of each resolved person (by entity_id when resolved)."""
        out = {i: [i] for i in ids}
        if ids and self.has("persons", "person_id", "entity_id"):
            for row in self.rows(
                "SELECT entity_id, person_id FROM persons WHERE entity_id IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [ids],
            ):
                records = out.setdefault(str(row["entity_id"]), [])
                if row["person_id"] not in records:
                    records.append(str(row["person_id"]))
        return out


@contextmanager
def _open(path: Path | str | None) -> Iterator[_Reader | None]:
    target = Path(path) if path is not None else warehouse.default_path()
    if not target.exists():
        yield None
        return
    try:
        con = warehouse.connect(target, read_only=True)
    except duckdb.Error as exc:  # locked by a writer, or not a warehouse
        log.warning("warehouse not readable: %s", exc)
        yield None
        return
    try:
        yield _Reader(con)
    finally:
        con.close()


def facts(
    person_ids: Iterable[str], org_ids: Iterable[str], *, path: Path | str | None = None
) -> Facts:
    persons = sorted(set(person_ids))
    orgs = sorted(set(org_ids))
    out = Facts()
    with _open(path) as reader:
        if reader is None:
            return out
        records = reader.person_records(persons)
        by_record = {r: p for p, rs in records.items() for r in rs}
        all_records = sorted(by_record)
        if all_records and reader.has("posts", "person_id", "is_leading_cadre"):
            for row in reader.rows(
                "SELECT DISTINCT person_id FROM posts WHERE is_leading_cadre "
                "AND person_id IN (SELECT unnest(?::VARCHAR[]))",
                [all_records],
            ):
                out.cadres.add(by_record[str(row["person_id"])])
        if all_records and reader.has("persons", "person_id", "id_number"):
            for row in reader.rows(
                "SELECT person_id, id_number FROM persons WHERE id_number IS NOT NULL "
                "AND person_id IN (SELECT unnest(?::VARCHAR[]))",
                [all_records],
            ):
                out.person_id_numbers.setdefault(
                    by_record[str(row["person_id"])], str(row["id_number"]).upper()
                )
        if orgs and reader.has("organizations", "org_id", "uscc", "region_code"):
            for row in reader.rows(
                "SELECT org_id, uscc, region_code FROM organizations "
                "WHERE org_id IN (SELECT unnest(?::VARCHAR[]))",
                [orgs],
            ):
                if row["uscc"]:
                    out.org_uscc[str(row["org_id"])] = str(row["uscc"]).upper()
                if row["region_code"]:
                    out.org_region[str(row["org_id"])] = str(row["region_code"])
    return out


def _org_names(reader: _Reader, ids: set[str]) -> dict[str, str]:
    if not ids or not reader.has("organizations", "org_id", "name"):
        return {}
    rows = reader.rows(
        "SELECT org_id, name FROM organizations WHERE org_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(ids)],
    )
    return {str(r["org_id"]): str(r["name"]) for r in rows}


def _person_names(reader: _Reader, ids: set[str]) -> dict[str, str]:
    if not ids or not reader.has("persons", "person_id", "name"):
        return {}
    rows = reader.rows(
        "SELECT person_id, name FROM persons WHERE person_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(ids)],
    )
    return {str(r["person_id"]): str(r["name"]) for r in rows}


def _where_in(reader: _Reader, table: str, column: str, ids: list[str], order: str) -> Any:
    # Table, column and order are names written in this module (and checked to exist),
    # never input; the values are bound.
    if not ids or not reader.has(table, column):
        return []
    where = f"{column} IN (SELECT unnest(?::VARCHAR[]))"
    sql = f"SELECT * FROM {table} WHERE {where} ORDER BY {order}"  # noqa: S608
    return reader.rows(sql + " LIMIT ?", [ids, ROW_LIMIT])


def _person(reader: _Reader, pid: str, records: list[str]) -> dict[str, Any]:
    found = _where_in(reader, "persons", "person_id", records, "person_id")
    base = found[0] if found else {"person_id": pid}
    posts = _where_in(reader, "posts", "person_id", records, "start_date DESC NULLS LAST")
    family = _where_in(reader, "family", "person_id", records, "relationship")
    if reader.has("family", "relative_person_id"):
        family += reader.rows(
            "SELECT * FROM family WHERE relative_person_id IN (SELECT unnest(?::VARCHAR[])) "
            "LIMIT ?",
            [records, ROW_LIMIT],
        )
    owned: list[dict[str, Any]] = []
    if reader.has("ownerships", "owner_id", "owner_type"):
        owned = reader.rows(
            "SELECT * FROM ownerships WHERE owner_type = 'person' AND owner_id IN "
            "(SELECT unnest(?::VARCHAR[])) LIMIT ?",
            [records, ROW_LIMIT],
        )
    directed = _where_in(reader, "directorships", "person_id", records, "org_id")
    return {
        "id": pid,
        "records": records,
        "name": base.get("name") or "",
        "id_number": base.get("id_number") or "",
        "death_date": base.get("death_date"),
        "posts": posts,
        "family": family,
        "ownerships": owned,
        "directorships": directed,
    }


def _organization(reader: _Reader, oid: str) -> dict[str, Any]:
    found = _where_in(reader, "organizations", "org_id", [oid], "org_id")
    base = found[0] if found else {"org_id": oid}
    owners: list[dict[str, Any]] = _where_in(reader, "ownerships", "org_id", [oid], "owner_id")
    directors = _where_in(reader, "directorships", "org_id", [oid], "person_id")
    contracts: list[dict[str, Any]] = []
    if reader.has("contracts", "buyer_org_id", "supplier_org_id", "signed_date"):
        contracts = reader.rows(
            "SELECT * FROM contracts WHERE buyer_org_id = ? OR supplier_org_id = ? "
            "ORDER BY signed_date DESC LIMIT ?",
            [oid, oid, ROW_LIMIT],
        )
    return {
        "id": oid,
        "name": base.get("name") or "",
        "uscc": base.get("uscc") or "",
        "kind": base.get("kind") or "",
        "region_code": base.get("region_code") or "",
        "founded_date": base.get("founded_date"),
        "owners": owners,
        "directors": directors,
        "contracts": contracts,
    }


def involved(
    person_ids: Iterable[str], org_ids: Iterable[str], *, path: Path | str | None = None
) -> Involved:
    """The hit page's view of the people and organizations a hit names."""
    with _open(path) as reader:
        if reader is None:
            return Involved(available=False)
        persons = list(dict.fromkeys(person_ids))[:20]
        orgs = list(dict.fromkeys(org_ids))[:20]
        records = reader.person_records(persons)
        people = [_person(reader, pid, records.get(pid, [pid])) for pid in persons]
        organizations = [_organization(reader, oid) for oid in orgs]
        # Names for the ids the rows mention, so a reader need not look them up.
        org_refs = (
            {
                str(r[k])
                for p in people
                for rows in (p["posts"], p["ownerships"], p["directorships"])
                for r in rows
                for k in ("org_id",)
                if r.get(k)
            }
            | {
                str(r[k])
                for o in organizations
                for r in o["contracts"]
                for k in ("buyer_org_id", "supplier_org_id")
                if r.get(k)
            }
            | {str(r["owner_id"]) for o in organizations for r in o["owners"] if r.get("owner_id")}
        )
        person_refs = {
            str(r[k])
            for p in people
            for r in p["family"]
            for k in ("person_id", "relative_person_id")
            if r.get(k)
        } | {
            str(r[k])
            for o in organizations
            for rows in (o["owners"], o["directors"])
            for r in rows
            for k in ("owner_id", "person_id")
            if r.get(k)
        }
        org_names = _org_names(reader, org_refs)
        person_names = _person_names(reader, person_refs)
    for p in people:
        for rows in (p["posts"], p["ownerships"], p["directorships"]):
            for r in rows:
                r["org_name"] = org_names.get(str(r.get("org_id")), "")
        for r in p["family"]:
            other = r.get("relative_person_id")
            if str(r.get("person_id")) not in p["records"]:
                other = r.get("person_id")
            r["other_name"] = r.get("relative_name") or person_names.get(str(other), "")
            r["other_id"] = other or ""
    for o in organizations:
        for r in o["owners"]:
            r["owner_name"] = person_names.get(str(r.get("owner_id")), "") or org_names.get(
                str(r.get("owner_id")), ""
            )
        for r in o["directors"]:
            r["person_name"] = person_names.get(str(r.get("person_id")), "")
        for r in o["contracts"]:
            r["buyer_name"] = org_names.get(str(r.get("buyer_org_id")), "")
            r["supplier_name"] = org_names.get(str(r.get("supplier_org_id")), "")
    return Involved(people=people, organizations=organizations)


def org_ids_with_uscc(uscc: str, *, path: Path | str | None = None) -> set[str]:
    """The register ids of the organizations carrying a unified social credit code."""
    with _open(path) as reader:
        if reader is None or not reader.has("organizations", "org_id", "uscc"):
            return set()
        rows = reader.rows("SELECT org_id FROM organizations WHERE upper(uscc) = ?", [uscc.upper()])
    return {str(r["org_id"]) for r in rows}
