"""Deterministic resolution of planted duplicate records, the merge report, and a further
(probabilistic) step plugged in without changing anything else."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from jiandu.analytics import warehouse as wh
from jiandu.analytics.identity import resolve, sql
from jiandu.analytics.identity.idnumber import check_character
from jiandu.analytics.identity.steps import Link, default_steps
from jiandu.analytics.identity.uscc import check_character as uscc_check
from jiandu.analytics.registers import ingest
from tests.analytics.registers_world import write_csv


def idn(region: str, born: str, seq: str) -> str:
    first17 = region + born.replace("-", "") + seq
    return first17 + check_character(first17)


A = idn("330106", "1970-03-08", "123")  # 王建国
B = idn("330106", "1985-07-21", "246")  # 张伟 (1)
C = idn("330106", "1985-07-21", "358")  # 张伟 (2): same name, birth date and region as B
# 刘洋: the first sequence number whose check character is X
X = next(n for n in (idn("330106", "1990-01-01", f"{s:03d}") for s in range(1000)) if n[-1] == "X")
CODE = "91330106MA2ABCDE1"
CODE += uscc_check(CODE)

PERSONS = [
    # one person in four records: ID number, 15-digit ID, traditional name without ID,
    # romanized name without ID
    {
        "person_id": "p01",
        "name": "王建国",
        "id_number": A,
        "birth_date": "1970-03-08",
        "region_code": "330106",
    },
    {
        "person_id": "p02",
        "name": "王建國",
        "id_number": A[:6] + A[8:17],
        "birth_date": "",
        "region_code": "",
    },
    {
        "person_id": "p03",
        "name": "王 建國",
        "id_number": "",
        "birth_date": "1970-03-08",
        "region_code": "330106",
    },
    {
        "person_id": "p04",
        "name": "Jianguo WANG",
        "id_number": "",
        "birth_date": "1970-03-08",
        "region_code": "330106",
    },
    # two people of the same name, birth date and region, and a record that could be either
    {
        "person_id": "p05",
        "name": "张伟",
        "id_number": B,
        "birth_date": "1985-07-21",
        "region_code": "330106",
    },
    {
        "person_id": "p06",
        "name": "张伟",
        "id_number": C,
        "birth_date": "1985-07-21",
        "region_code": "330106",
    },
    {
        "person_id": "p07",
        "name": "张伟",
        "id_number": "",
        "birth_date": "1985-07-21",
        "region_code": "330106",
    },
    # sound-alike Chinese names are different people
    {
        "person_id": "p08",
        "name": "章伟",
        "id_number": "",
        "birth_date": "1985-07-21",
        "region_code": "330106",
    },
    # the same name and birth date in another region is another person
    {
        "person_id": "p09",
        "name": "王建国",
        "id_number": "",
        "birth_date": "1970-03-08",
        "region_code": "330108",
    },
    # a lower-case x and full-width digits are the same number
    {"person_id": "p10", "name": "刘洋", "id_number": X, "birth_date": "1990-01-01"},
    {
        "person_id": "p11",
        "name": "刘洋",
        "id_number": X.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    },
    # no birth date: never matched on name
    {
        "person_id": "p12",
        "name": "王建国",
        "id_number": "",
        "birth_date": "",
        "region_code": "330106",
    },
]
ORGS = [
    {
        "org_id": "o1",
        "name": "杭州某某科技有限公司",
        "uscc": CODE,
        "kind": "company",
        "region_code": "330106",
    },
    {
        "org_id": "o2",
        "name": "杭州某某科技有限公司",
        "uscc": CODE.lower(),
        "kind": "company",
        "region_code": "330108",
    },
    {
        "org_id": "o3",
        "name": "杭州某某科技有限公司",
        "uscc": "",
        "kind": "company",
        "region_code": "330106",
    },
    {
        "org_id": "o4",
        "name": "杭州某某科技有限公司",
        "uscc": "",
        "kind": "company",
        "region_code": "330110",
    },  # another region, no code: another organization
    {
        "org_id": "o5",
        "name": "杭州某某科技（集团）有限公司",
        "uscc": "",
        "kind": "company",
        "region_code": "330106",
    },
]
FAMILY = [
    {"person_id": "p05", "relationship": "spouse", "relative_person_id": "p03"},
    {
        "person_id": "p06",
        "relationship": "parent",
        "relative_name": "某某",
        "relative_id_number": A.lower(),
    },
    {"person_id": "p06", "relationship": "sibling", "relative_name": "刘洋"},
    {"person_id": "p06", "relationship": "other", "relative_name": "张伟"},  # ambiguous
]


@pytest.fixture
def loaded(tmp_path: Path) -> Iterable[tuple[Path, dict[str, Any]]]:
    world = tmp_path / "world"
    world.mkdir()
    write_csv(world / "persons.csv", PERSONS)
    write_csv(world / "organizations.csv", ORGS)
    write_csv(world / "family.csv", FAMILY)
    store = tmp_path / "w.duckdb"
    report = ingest(world, warehouse=store)
    assert report.ok, report.to_dict()
    yield store, report.identity


def entities(store: Path, table: str, key: str) -> dict[str, str]:
    con = wh.connect(store, read_only=True)
    try:
        return dict(con.execute(f'SELECT "{key}", entity_id FROM "{table}"').fetchall())
    finally:
        con.close()


def groups(mapping: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for record, entity in mapping.items():
        out.setdefault(entity, set()).add(record)
    return {frozenset(g) for g in out.values()}


def test_planted_duplicate_people_are_merged_and_nobody_else(
    loaded: tuple[Path, dict[str, Any]],
) -> None:
    store, _identity = loaded
    found = entities(store, "persons", "person_id")
    assert groups(found) == {
        frozenset({"p01", "p02", "p03", "p04"}),
        frozenset({"p05"}),
        frozenset({"p06"}),
        frozenset({"p07"}),
        frozenset({"p08"}),
        frozenset({"p09"}),
        frozenset({"p10", "p11"}),
        frozenset({"p12"}),
    }
    assert found["p04"] == "p01"  # the smallest record id names the entity
    assert found["p11"] == "p10"


def test_planted_duplicate_organizations_are_merged(loaded: tuple[Path, dict[str, Any]]) -> None:
    store, _identity = loaded
    assert groups(entities(store, "organizations", "org_id")) == {
        frozenset({"o1", "o2", "o3"}),
        frozenset({"o4"}),
        frozenset({"o5"}),
    }


def test_the_merge_report_says_what_and_why(loaded: tuple[Path, dict[str, Any]]) -> None:
    _store, identity = loaded
    assert identity["person_records"] == 12 and identity["person_entities"] == 8
    assert identity["org_records"] == 5 and identity["org_entities"] == 3
    by_entity = {(g["kind"], g["entity_id"]): g for g in identity["groups"]}
    wang = by_entity[("person", "p01")]
    assert wang["members"] == ["p01", "p02", "p03", "p04"]
    why = {(tuple(w["records"]), w["rule"]) for w in wang["why"]}
    assert (("p01", "p02"), "id_number") in why
    assert (("p01", "p03"), "name_birth_region") in why
    assert (("p01", "p04"), "name_birth_region") in why
    keys = {w["key"] for w in wang["why"]}
    assert A in keys and "1970-03-08|330106|py:wangjianguo" in keys
    org = by_entity[("org", "o1")]
    assert {w["rule"] for w in org["why"]} == {"uscc", "name_region"}
    ambiguous = {a["record"]: a for a in identity["ambiguous"]}
    assert set(ambiguous) == {"p07"}
    assert set(ambiguous["p07"]["candidates"]) == {B, C}


def test_person_references_resolve_to_entities(loaded: tuple[Path, dict[str, Any]]) -> None:
    store, identity = loaded
    con = wh.connect(store, read_only=True)
    rows = con.execute(
        "SELECT relationship, relative_entity_id FROM family ORDER BY relationship"
    ).fetchall()
    con.close()
    assert rows == [
        ("other", None),  # "张伟" alone names several people
        ("parent", "p01"),  # through the ID number (lower-case x)
        ("sibling", "p10"),  # the only entity named 刘洋
        ("spouse", "p01"),  # through the record id of a merged record
    ]
    assert identity["family_resolved"] == 3


def test_resolution_is_deterministic(loaded: tuple[Path, dict[str, Any]]) -> None:
    store, identity = loaded
    con = wh.connect(store)
    sql.install(con)
    again = resolve.resolve(con).to_dict()
    con.close()
    assert again == identity


class PlantedLinker:
    """Stands in for a probabilistic linker: it proposes one pair with its score."""

    name = "splink"

    def links(self, con: duckdb.DuckDBPyConnection) -> Iterable[Link]:
        yield Link("person", "p07", "p08", "splink", "match_probability=0.97")


def test_a_further_step_plugs_in(loaded: tuple[Path, dict[str, Any]]) -> None:
    store, _identity = loaded
    con = wh.connect(store)
    sql.install(con)
    result = resolve.resolve(con, [*default_steps(), PlantedLinker()])
    con.close()
    found = entities(store, "persons", "person_id")
    assert found["p08"] == "p07"
    assert found["p03"] == "p01"  # the deterministic links are still there
    why = {(g["entity_id"], w["rule"]) for g in result.groups() for w in g["why"]}
    assert ("p07", "splink") in why
