"""`jiandu models`: list, show, run, evaluate and docs through click's runner (the
analytics half needs no database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jiandu.cli import main
from tests.analytics.conftest import case_tables, write_warehouse


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path))
    return tmp_path


def jiandu(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="jiandu", catch_exceptions=False)


def test_list_and_show() -> None:
    result = jiandu("models", "list")
    assert result.exit_code == 0
    for model_id in ("P01", "B06", "T02", "E04"):
        assert model_id in result.output
    shown = jiandu("models", "show", "p01")
    assert shown.exit_code == 0 and "grace_days" in shown.output and "死亡" in shown.output
    unknown = jiandu("models", "show", "Z9")
    assert unknown.exit_code == 1 and "unknown model 'Z9'" in unknown.output


def test_run_then_evaluate_with_thresholds(data_dir: Path) -> None:
    write_warehouse(data_dir / "warehouse.duckdb", case_tables("P01", "B04"))
    run = jiandu("models", "run", "--only", "P01,B04", "--param", "P01.grace_days=31")
    assert run.exit_code == 0, run.output
    assert "P01" in run.output and "2 hits stored" in run.output
    truth = data_dir / "truth.csv"
    truth.write_text(
        "model_id,subject_type,subject_id,note\n"
        "P01,payment,pay1,planted\nB04,contract,k1,planted\nB04,contract,k3,planted\n",
        encoding="utf-8",
    )
    ok = jiandu("models", "evaluate", "--truth", str(truth), "--min-precision", "0.9")
    assert ok.exit_code == 0, ok.output
    assert "0.500" in ok.output  # B04 recall: k1 found, k3 not
    low = jiandu("models", "evaluate", "--truth", str(truth), "--min-recall", "0.95")
    assert low.exit_code == 1 and "B04" in low.output.splitlines()[-1]


def test_run_reports_bad_input(data_dir: Path) -> None:
    empty = jiandu("models", "run")
    assert empty.exit_code == 1 and "no warehouse at" in empty.output
    write_warehouse(data_dir / "warehouse.duckdb", case_tables("P01"), skip=("payroll",))
    bad = jiandu("models", "run", "--param", "P01.grace_days=soon")
    assert bad.exit_code == 1 and "P01.grace_days: expected a whole number" in bad.output
    malformed = jiandu("models", "run", "--param", "grace_days")
    assert malformed.exit_code == 1 and "expected ID.name=value" in malformed.output
    skipped = jiandu("models", "run", "--only", "P01", "--only", "P03")
    assert skipped.exit_code == 0
    assert "skipped" in skipped.output and "payroll" in skipped.output
    missing_run = jiandu("models", "evaluate", "--truth", str(data_dir / "none.csv"))
    assert missing_run.exit_code == 1 and "no such file" in missing_run.output


def test_docs_writes_the_pages(tmp_path: Path) -> None:
    result = jiandu("models", "docs", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert (tmp_path / "models" / "P01.md").read_text(encoding="utf-8").startswith("# P01")
    assert "catalogue:begin" in (tmp_path / "models.md").read_text(encoding="utf-8")
    again = jiandu("models", "docs", "--out", str(tmp_path))
    assert "0 page(s) changed" in again.output
