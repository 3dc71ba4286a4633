"""FollowTheMoney: export the warehouse, import it back, and find the same registers."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from jiandu.analytics import ftm
from jiandu.analytics import warehouse as wh
from jiandu.analytics.ftm_import import import_entities
from jiandu.analytics.registers import REGISTERS, ingest
from tests.analytics.registers_world import write_world

# Columns FtM carries; the others of these registers have no FtM property.
LOST = {
    "organizations": {"legal_rep_person_id"},
    "payments": {"approver_person_id", "region_code", "beneficiary_entity_id"},
    "family": {"relative_entity_id"},
    "persons": {"entity_id"},
}


def table(store: Path, name: str) -> list[tuple[object, ...]]:
    keep = [c.name for c in REGISTERS[name].columns if c.name not in LOST.get(name, set())]
    con = wh.connect(store, read_only=True)
    try:
        cols = ", ".join(f'"{c}"' for c in keep)
        return con.execute(f'SELECT {cols} FROM "{name}" ORDER BY ALL').fetchall()
    finally:
        con.close()


def test_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("followthemoney")
    first = tmp_path / "first.duckdb"
    assert ingest(write_world(tmp_path / "world"), warehouse=first).ok
    out = tmp_path / "entities.ftm.json"
    con = wh.connect(first, read_only=True)
    count = ftm.write(con, out)
    con.close()
    entities = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(entities) == count
    schemata = {e["schema"] for e in entities}
    assert schemata >= {
        "Person",
        "Company",
        "PublicBody",
        "Position",
        "Occupancy",
        "Family",
        "Ownership",
        "Directorship",
        "Contract",
        "ContractAward",
        "Payment",
    }
    zhang = next(e for e in entities if e["id"] == "jd-person-P1")
    assert zhang["properties"]["idNumber"] == ["11010519491231002X"]
    result = import_entities(out, tmp_path / "back")
    assert set(result.rows) == set(ftm.EXPORTED)
    second = tmp_path / "second.duckdb"
    report = ingest(tmp_path / "back", warehouse=second)
    assert report.ok, report.to_dict()
    for name in ftm.EXPORTED:
        assert table(second, name) == table(first, name), name
    # identity resolution sees the same people again
    assert report.identity["person_entities"] == 3


def test_foreign_entities_are_read_and_unknown_schemata_counted(tmp_path: Path) -> None:
    pytest.importorskip("followthemoney")
    source = tmp_path / "in.json"
    source.write_bytes(
        b"\n".join(
            orjson.dumps(e)
            for e in [
                {"id": "a1", "schema": "Person", "properties": {"name": ["Wei ZHANG"]}},
                {"id": "b1", "schema": "Company", "properties": {"name": ["ACME"]}},
                {
                    "id": "d1",
                    "schema": "Directorship",
                    "properties": {
                        "director": ["a1"],
                        "organization": ["b1"],
                        "role": ["director"],
                    },
                },
                {"id": "v1", "schema": "Vessel", "properties": {"name": ["Sea"]}},
            ]
        )
    )
    result = import_entities(source, tmp_path / "dir")
    assert result.rows == {"persons": 1, "organizations": 1, "directorships": 1}
    assert result.skipped == {"Vessel": 1}
    report = ingest(tmp_path / "dir", warehouse=tmp_path / "w.duckdb")
    assert report.ok, report.to_dict()
