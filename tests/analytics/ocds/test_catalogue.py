"""The indicators as catalogue hits over a warehouse table `ocds_releases`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import orjson
import pytest

from jiandu.analytics import ocds
from jiandu.analytics.hits import Hit
from jiandu.analytics.ocds import catalogue, parallel
from jiandu.analytics.ocds.settings import Settings

from .conftest import FIXTURE_NAMES, FIXTURES

GLOBALS = {
    "no_price_comparison_procurement_methods": "NPC",
    "exclude_procurement_method_details": "EXC",
}


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE ocds_releases (ocid VARCHAR, release VARCHAR, source_file VARCHAR, "
        "line_no INTEGER)"
    )
    yield connection
    connection.close()


def load(con: duckdb.DuckDBPyConnection, name: str) -> None:
    path = FIXTURES / f"{name}.jsonl"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        ocid = orjson.loads(line).get("ocid")
        con.execute(
            "INSERT INTO ocds_releases VALUES (?, ?, ?, ?)", [ocid, line, path.name, number]
        )


def params_of(name: str) -> dict[str, object]:
    parts = name.replace("+", "|").split("-")[1:]
    params: dict[str, object] = dict(GLOBALS)
    if len(parts) == 2:
        params[parts[0]] = parts[1]
    elif len(parts) > 2:
        params[parts[0]] = dict(zip(parts[1::2], parts[2::2], strict=True))
    return params


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_hits_are_the_flagged_tenders(con: duckdb.DuckDBPyConnection, name: str) -> None:
    load(con, name)
    code = name.split("-")[0]
    hits = catalogue.hits(con, code, params_of(name))
    expected = orjson.loads((FIXTURES / f"{name}.expected").read_bytes())
    flagged_processes = set(expected.get("OCID", {}))
    assert {h.subject_id for h in hits} >= flagged_processes
    for hit in hits:
        assert isinstance(hit, Hit)
        assert (hit.model_id, hit.subject_type) == (code, "tender")
        assert 0.5 <= hit.score <= 1.0
        assert hit.subject_id in hit.explanation_zh and hit.subject_id in hit.explanation_en
        location = hit.evidence["ocds_releases"][0]
        assert location["source_file"] == f"{name}.jsonl"
        assert hit.evidence["ocds_tenders"][0]["ocid"] == hit.subject_id
        if hit.subject_id not in flagged_processes:
            # Flagged through an organization: the hit names it, and so does the result.
            assert hit.org_ids
            assert all(org in str(expected) for org in hit.org_ids)


def test_org_level_indicator_lists_every_tender_of_the_organization(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load(con, "R038")
    hits = catalogue.r038(con, GLOBALS)
    assert [h.subject_id for h in hits] == ["0"]
    (hit,) = hits
    assert hit.org_ids == ("B", "P")
    assert (
        "采购人 B 的 2 份投标中有 1 份被取消资格（0.5），高于或等于上限 0.5" in hit.explanation_zh
    )
    assert "buyer B had 1 of 2 submitted bids disqualified (0.5)" in hit.explanation_en
    assert hit.score == 0.75


def test_explanations_carry_the_numbers(con: duckdb.DuckDBPyConnection) -> None:
    load(con, "R003-threshold-10")
    (hit,) = catalogue.hits(con, "R003", {"threshold": 10})
    assert hit.subject_id == "10"
    assert "共 9 整天，短于 10 天的下限" in hit.explanation_zh
    assert "9 whole days, shorter than the minimum of 10 days" in hit.explanation_en
    con.execute("DELETE FROM ocds_releases")
    load(con, "R024")
    hits = {h.subject_id: h for h in catalogue.r024(con, GLOBALS)}
    assert set(hits) == {"F", "repeat tenderers"}
    assert "低于或等于下限 16.6667" in hits["F"].explanation_zh
    assert hits["F"].score == 1.0


def test_a_map_parameter_can_be_one_line(con: duckdb.DuckDBPyConnection) -> None:
    load(con, "R003-procurement_method_details-x-5-y-10")
    hits = catalogue.r003(con, {"procurement_method_details": "x=5|y=10"})
    assert [h.subject_id for h in hits] == ["default", "missing", "x", "y"]
    with pytest.raises(ocds.SettingsError, match="expected name=value"):
        catalogue.r003(con, {"procurement_method_details": "x"})


def test_bad_parameters_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ocds.SettingsError, match="unknown parameter 'limit'"):
        catalogue.hits(con, "R024", {"limit": 1})
    with pytest.raises(ocds.SettingsError, match=r"R024\.threshold: invalid value"):
        catalogue.hits(con, "R024", {"threshold": "high"})
    with pytest.raises(ocds.SettingsError, match="unknown indicator"):
        catalogue.hits(con, "R999", {})
    assert catalogue.hits(con, "R024", {"threshold": None}) == []


def test_one_pass_gives_what_a_pass_per_indicator_gives(con: duckdb.DuckDBPyConnection) -> None:
    for name in FIXTURE_NAMES:
        load(con, name)
    codes = sorted({name.split("-")[0] for name in FIXTURE_NAMES})
    # R024 has its own main currency, so it is computed in a second pass.
    wanted = {code: dict(GLOBALS) for code in codes}
    wanted["R024"]["currency"] = "USD"
    together = catalogue.batch(con, wanted)
    assert sorted(together) == codes
    assert sum(len(found) for found in together.values()) > 0
    for code in codes:
        alone = catalogue.hits(con, code, wanted[code])
        assert together[code] == alone, code


def test_one_pass_refuses_a_bad_parameter_of_any_indicator(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(ocds.SettingsError, match="R024: unknown parameter 'limit'"):
        catalogue.batch(con, {"R003": {}, "R024": {"limit": 1}})


def _warehouse_with_fixtures(path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(path))
    connection.execute(
        "CREATE TABLE ocds_releases (ocid VARCHAR, release VARCHAR, source_file VARCHAR, "
        "line_no INTEGER)"
    )
    for name in sorted(FIXTURE_NAMES, key=lambda n: f"{n}.jsonl"):  # in reading order
        load(connection, name)
    connection.close()
    return duckdb.connect(str(path), read_only=True)


@pytest.mark.parametrize("currency", [None, "USD"])
def test_releases_folded_in_worker_processes_give_the_single_pass_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, currency: str | None
) -> None:
    monkeypatch.setattr(parallel, "MIN_ROWS_PER_WORKER", 10)
    con = _warehouse_with_fixtures(tmp_path / "warehouse.duckdb")
    settings = Settings.all_indicators(currency=currency)
    split = parallel.run_warehouse(con, settings, map=True, workers=3)
    single = ocds.run(catalogue._releases(con), settings, map=True)
    assert split is not None and split.releases == single.releases > 100
    assert split.output() == single.output()
    con.close()


def test_releases_out_of_reading_order_are_folded_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_ROWS_PER_WORKER", 10)
    path = tmp_path / "warehouse.duckdb"
    _warehouse_with_fixtures(path).close()
    writer = duckdb.connect(str(path))
    writer.execute(
        "CREATE OR REPLACE TABLE ocds_releases AS SELECT * FROM ocds_releases ORDER BY line_no DESC"
    )
    writer.close()
    con = duckdb.connect(str(path), read_only=True)
    assert parallel.run_warehouse(con, Settings.all_indicators(), map=True, workers=2) is None
    con.close()
    memory = duckdb.connect()
    memory.execute(
        "CREATE TABLE ocds_releases AS SELECT 'x' AS release, 'f' AS source_file, 1 AS line_no"
    )
    assert parallel.run_warehouse(memory, Settings.all_indicators(), workers=2) is None
