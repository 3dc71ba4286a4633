"""Identity resolution over the synthetic `tiny` world: every planted duplicate record is
merged with its person or organization, and no two unrelated records are
(`truth_identity.csv` names each record's true entity)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from jiandu.analytics import warehouse as wh
from jiandu.analytics.registers import ingest
from jiandu.analytics.synth import generate

KEYS = {"persons": "person_id", "organizations": "org_id"}


def _groups(assignment: dict[tuple[str, str], str]) -> set[frozenset[tuple[str, str]]]:
    out: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for (register, record), entity in assignment.items():
        out[(register, entity)].add((register, record))
    return {frozenset(g) for g in out.values()}


@pytest.mark.parametrize("seed", [1, 7])
def test_planted_duplicates_are_merged_and_nothing_else(tmp_path: Path, seed: int) -> None:
    world = generate("tiny", seed, tmp_path / "world")
    store = tmp_path / "w.duckdb"
    report = ingest(world, warehouse=store)
    assert report.ok, report.to_dict()["rejections"][:5]
    assert report.unknown_files == ["truth.csv", "truth_identity.csv"]
    with (world / "truth_identity.csv").open(encoding="utf-8") as f:
        truth = {(r["register"], r["record_id"]): r["entity_id"] for r in csv.DictReader(f)}
    con = wh.connect(store, read_only=True)
    found = {
        (register, record): entity
        for register, key in KEYS.items()
        for record, entity in con.execute(f'SELECT "{key}", entity_id FROM "{register}"').fetchall()
    }
    con.close()
    assert found.keys() == truth.keys()
    planted = {g for g in _groups(truth) if len(g) > 1}
    merged = {g for g in _groups(found) if len(g) > 1}
    assert planted, "the world plants duplicate records"
    assert sorted(map(sorted, planted - merged)) == []  # every planted duplicate merged
    assert sorted(map(sorted, merged - planted)) == []  # nothing unrelated merged
    kinds = {next(iter(g))[0] for g in planted}
    assert kinds >= {"persons"}
