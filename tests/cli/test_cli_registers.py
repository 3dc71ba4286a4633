"""`jiandu ingest` and `jiandu ftm`: in-process through click's runner."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from jiandu.cli import main
from tests.analytics.registers_world import GOOD, write_csv, write_world


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), prog_name="jiandu", catch_exceptions=False)
    return result.exit_code, result.output


def test_ingest_reports_on_screen_and_in_json(tmp_path: Path) -> None:
    world = write_world(tmp_path / "world")
    rows = [dict(r) for r in GOOD["persons"]]
    rows[0]["birth_date"] = "1949-02-30"
    write_csv(world / "persons.csv", rows)
    (world / "readme.txt").write_text("x")
    store = tmp_path / "w.duckdb"
    report = tmp_path / "report.json"
    code, out = run("ingest", str(world), "--warehouse", str(store), "--report", str(report))
    assert code == 1
    assert "persons.csv" in out and "birth_date" in out and "not a date" in out
    assert "skipped unknown file readme.txt" in out
    data = orjson.loads(report.read_bytes())
    assert data["ok"] is False
    assert data["rejections"][0] | {"reason": ""} == {
        "file": "persons.csv",
        "row": 2,
        "column": "birth_date",
        "code": "bad_date",
        "params": {},
        "value": "1949-02-30",
        "severity": "error",
        "reason": "",
    }
    write_csv(world / "persons.csv", GOOD["persons"])
    code, out = run("ingest", str(world), "--warehouse", str(store))
    assert code == 0, out
    assert "loaded" in out


def test_ftm_export_and_import(tmp_path: Path) -> None:
    store = tmp_path / "w.duckdb"
    assert run("ingest", str(write_world(tmp_path / "world")), "--warehouse", str(store))[0] == 0
    out = tmp_path / "e.json"
    code, text = run("ftm", "export", str(out), "--warehouse", str(store))
    assert code == 0 and "entities written" in text
    code, text = run("ftm", "import", str(out), str(tmp_path / "back"))
    assert code == 0 and "persons: 6 rows" in text
    assert (tmp_path / "back" / "payments.csv").exists()


def test_the_demo_world_is_generated_once_and_ingested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jiandu.demo import warehouse as demo_warehouse

    monkeypatch.setenv("JIANDU_DEMO_WORLD", "tiny")
    first = demo_warehouse.load(tmp_path)
    assert "the tiny synthetic world, 15 registers (15 loaded now)" in first
    assert (tmp_path / "warehouse.duckdb").exists()
    second = demo_warehouse.load(tmp_path)
    assert "(0 loaded now)" in second
    monkeypatch.setenv("JIANDU_DEMO_WORLD", "none")
    assert "no demo world" in demo_warehouse.load(tmp_path)
    monkeypatch.setenv("JIANDU_DEMO_WORLD", "huge")
    with pytest.raises(ValueError, match="JIANDU_DEMO_WORLD"):
        demo_warehouse.load(tmp_path)
