"""Resolution of person and organization records into entities.

The steps the warehouse is configured with (`configured_steps`: the deterministic
`steps.default_steps()`, then the probabilistic person step when `configure` enabled it),
or any others given, propose links; linked records
form one entity whose id is the smallest record id of the group (so a model reporting an
entity reports a real record). The result is written into the warehouse columns of the
layout contract, `persons.entity_id`, `organizations.entity_id`,
`family.relative_entity_id` and `payments.beneficiary_entity_id`, and the merges with
their reasons into `_identity` (one row per link: kind, entity, the two records, rule and
the shared value) and `_identity_ambiguous`, in one transaction.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from .steps import Ambiguity, Link, Step, default_steps

MAX_GROUPS_IN_REPORT = 2000


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            self.parent[x], x = root, self.parent.get(x, x)
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = (ra, rb) if ra < rb else (rb, ra)
            self.parent[high] = low  # the root is always the smallest id


@dataclass
class Resolution:
    links: list[tuple[str, str, Link]] = field(default_factory=list)  # (kind, entity, link)
    ambiguities: list[Ambiguity] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    def groups(self) -> list[dict[str, Any]]:
        by_entity: dict[tuple[str, str], dict[str, Any]] = {}
        for kind, entity, link in self.links:
            group = by_entity.setdefault(
                (kind, entity), {"kind": kind, "entity_id": entity, "members": set(), "why": []}
            )
            group["members"].update((link.left, link.right))
            group["why"].append(
                {"records": [link.left, link.right], "rule": link.rule, "key": link.key}
            )
        return [{**g, "members": sorted(g["members"])} for _k, g in sorted(by_entity.items())]

    def to_dict(self) -> dict[str, Any]:
        groups = self.groups()
        return {
            **self.counts,
            "groups": groups[:MAX_GROUPS_IN_REPORT],
            "groups_total": len(groups),
            "ambiguous": [
                {
                    "kind": a.kind,
                    "record": a.record,
                    "rule": a.rule,
                    "key": a.key,
                    "candidates": list(a.candidates),
                }
                for a in self.ambiguities[:MAX_GROUPS_IN_REPORT]
            ],
            "ambiguous_total": len(self.ambiguities),
        }


SETTINGS = "_identity_settings"


def configure(con: duckdb.DuckDBPyConnection, probabilistic: float | None) -> None:
    """Keep in the warehouse whether its resolutions add the probabilistic person step,
    and at which threshold (None: the deterministic steps alone). Every later resolution,
    a load's included, follows it."""
    if probabilistic is not None and not 0 < probabilistic < 1:
        raise ValueError(f"the threshold {probabilistic} is not a probability between 0 and 1")
    con.execute(f"CREATE OR REPLACE TABLE {SETTINGS} (probabilistic_threshold DOUBLE)")
    con.execute(f"INSERT INTO {SETTINGS} VALUES (?)", [probabilistic])


def probabilistic_threshold(con: duckdb.DuckDBPyConnection) -> float | None:
    """The threshold `configure` set, or None when resolution is deterministic only."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? "
        "AND database_name = current_database()",
        [SETTINGS],
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute(f"SELECT probabilistic_threshold FROM {SETTINGS}").fetchone()
    return float(row[0]) if row and row[0] is not None else None


def configured_steps(con: duckdb.DuckDBPyConnection) -> list[Step]:
    threshold = probabilistic_threshold(con)
    if threshold is None:
        return default_steps()
    from .person_linkage import ProbabilisticPersonStep

    return [*default_steps(), ProbabilisticPersonStep(threshold=threshold)]


def resolve(con: duckdb.DuckDBPyConnection, steps: Sequence[Step] | None = None) -> Resolution:
    """Run the steps (by default the configured ones), join their links into entities and
    write them (one transaction)."""
    result = Resolution()
    finds = {"person": _UnionFind(), "org": _UnionFind()}
    links: list[Link] = []
    for step in steps if steps is not None else configured_steps(con):
        found = list(step.links(con))
        links += found
        result.ambiguities += getattr(step, "ambiguities", [])
        for link in found:
            finds[link.kind].union(link.left, link.right)
    result.links = [(k.kind, finds[k.kind].find(k.left), k) for k in links]
    rules = Counter(f"{k.kind}:{k.rule}" for k in links)
    con.execute("BEGIN TRANSACTION")
    try:
        _write(con, result)
        result.counts = _counts(con) | {"links": dict(sorted(rules.items()))}
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return result


def _write(con: duckdb.DuckDBPyConnection, result: Resolution) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE _identity (kind VARCHAR, entity_id VARCHAR, left_id VARCHAR, "
        "right_id VARCHAR, rule VARCHAR, key VARCHAR)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE _identity_ambiguous (kind VARCHAR, record_id VARCHAR, "
        "rule VARCHAR, key VARCHAR, candidates VARCHAR)"
    )
    if result.links:
        con.executemany(
            "INSERT INTO _identity VALUES (?, ?, ?, ?, ?, ?)",
            [(kind, e, k.left, k.right, k.rule, k.key) for kind, e, k in result.links],
        )
    if result.ambiguities:
        con.executemany(
            "INSERT INTO _identity_ambiguous VALUES (?, ?, ?, ?, ?)",
            [(a.kind, a.record, a.rule, a.key, ";".join(a.candidates)) for a in result.ambiguities],
        )
    members = """CREATE OR REPLACE TEMP TABLE _entity AS
        SELECT kind, record_id, any_value(entity_id) AS entity_id FROM (
            SELECT kind, left_id AS record_id, entity_id FROM _identity
            UNION ALL SELECT kind, right_id, entity_id FROM _identity) GROUP BY ALL"""
    con.execute(members)
    for table, key, kind in (
        ("persons", "person_id", "person"),
        ("organizations", "org_id", "org"),
    ):
        con.execute(f'UPDATE "{table}" SET entity_id = "{key}"')
        con.execute(
            f'UPDATE "{table}" SET entity_id = e.entity_id FROM _entity e '
            f'WHERE e.kind = \'{kind}\' AND e.record_id = "{table}"."{key}"'
        )
    _references(con)
    con.execute("DROP TABLE _entity")


# A person reference resolves through the referenced id, else a valid ID number, else a
# name that one entity alone bears (in the payment's region when it names one).
_BY_ID_NUMBER = """CREATE OR REPLACE TEMP TABLE _by_idn AS
    SELECT id_number, min(entity_id) AS entity_id FROM persons
    WHERE id_number IS NOT NULL AND jd_idn_problem(id_number) IS NULL
    GROUP BY 1 HAVING count(DISTINCT entity_id) = 1"""
_BY_NAME = """CREATE OR REPLACE TEMP TABLE _by_name AS
    SELECT regexp_replace(name, '\\s+', '', 'g') AS name, min(entity_id) AS entity_id
    FROM persons GROUP BY 1 HAVING count(DISTINCT entity_id) = 1"""
_BY_NAME_REGION = """CREATE OR REPLACE TEMP TABLE _by_name_region AS
    SELECT regexp_replace(name, '\\s+', '', 'g') AS name, region_code,
        min(entity_id) AS entity_id
    FROM persons WHERE region_code IS NOT NULL
    GROUP BY 1, 2 HAVING count(DISTINCT entity_id) = 1"""
_FAMILY = """CREATE OR REPLACE TABLE family AS
    SELECT f.* REPLACE (coalesce(p.entity_id, i.entity_id, n.entity_id) AS relative_entity_id)
    FROM family f
    LEFT JOIN persons p ON p.person_id = f.relative_person_id
    LEFT JOIN _by_idn i ON i.id_number = f.relative_id_number
    LEFT JOIN _by_name n ON n.name = regexp_replace(f.relative_name, '\\s+', '', 'g')
    ORDER BY f.rowid"""
_PAYMENTS = """CREATE OR REPLACE TABLE payments AS
    SELECT f.* REPLACE (coalesce(p.entity_id, i.entity_id,
        CASE WHEN f.region_code IS NULL THEN n.entity_id ELSE r.entity_id END)
        AS beneficiary_entity_id)
    FROM payments f
    LEFT JOIN persons p ON p.person_id = f.beneficiary_person_id
    LEFT JOIN _by_idn i ON i.id_number = f.beneficiary_id_number
    LEFT JOIN _by_name n ON n.name = regexp_replace(f.beneficiary_name, '\\s+', '', 'g')
    LEFT JOIN _by_name_region r ON r.region_code = f.region_code
        AND r.name = regexp_replace(f.beneficiary_name, '\\s+', '', 'g')
    ORDER BY f.rowid"""


def _references(con: duckdb.DuckDBPyConnection) -> None:
    for statement in (_BY_ID_NUMBER, _BY_NAME, _BY_NAME_REGION, _FAMILY, _PAYMENTS):
        con.execute(statement)
    for table in ("_by_idn", "_by_name", "_by_name_region"):
        con.execute(f"DROP TABLE {table}")


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table, _key, kind in (
        ("persons", "person_id", "person"),
        ("organizations", "org_id", "org"),
    ):
        records, entities = con.execute(
            f'SELECT count(*), count(DISTINCT entity_id) FROM "{table}"'
        ).fetchone() or (0, 0)
        out[f"{kind}_records"] = int(records)
        out[f"{kind}_entities"] = int(entities)
    for table, column in (("family", "relative_entity_id"), ("payments", "beneficiary_entity_id")):
        total, resolved = con.execute(
            f'SELECT count(*), count("{column}") FROM "{table}"'
        ).fetchone() or (0, 0)
        out[f"{table}_references"] = int(total)
        out[f"{table}_resolved"] = int(resolved)
    return out


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The counts of the resolution the warehouse holds (after a load that changed nothing)."""
    rules = dict(
        con.execute(
            "SELECT kind || ':' || rule, count(*) FROM _identity GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    groups = con.execute("SELECT count(DISTINCT (kind, entity_id)) FROM _identity").fetchone()
    ambiguous = con.execute("SELECT count(*) FROM _identity_ambiguous").fetchone()
    return _counts(con) | {
        "links": rules,
        "groups_total": int(groups[0]) if groups else 0,
        "ambiguous_total": int(ambiguous[0]) if ambiguous else 0,
    }
