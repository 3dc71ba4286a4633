"""The engine: runs stored with their record, skipped and failed models, bad input, and
the Spark engine over the warehouse exported as Parquet."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from jiandu.analytics.catalogue import CatalogueError, get
from jiandu.analytics.catalogue.cases import load_cases
from jiandu.analytics.engine import (
    EngineError,
    list_runs,
    load_run,
    manifest_hash,
    parse_param_options,
    run_models,
)
from jiandu.analytics.ocds import catalogue

MakeWarehouse = Callable[..., Path]


def test_a_run_is_stored_with_its_record_and_hits(warehouse: MakeWarehouse) -> None:
    path = warehouse("P01", "B04")
    result = run_models(only=["P01", "B04"])
    assert [m.model_id for m in result.models] == ["B04", "P01"]
    assert {(h.model_id, h.subject_id) for h in result.hits} == {("P01", "pay1"), ("B04", "k1")}
    assert all(m.status == "ok" and m.seconds >= 0 for m in result.models)
    assert result.record("P01").hits == 1  # type: ignore[union-attr]
    assert result.record("P01").params == {"grace_days": 31}  # type: ignore[union-attr]
    con = duckdb.connect(str(path), read_only=True)
    assert result.manifest_hash == manifest_hash(con) and len(result.manifest_hash) == 64
    con.close()
    stored = json.loads((result.path / "run.json").read_text())  # type: ignore[operator]
    assert stored["run_id"] == result.run_id and stored["hit_count"] == 2
    again = load_run(result.run_id)
    assert [h.to_dict() for h in again.hits] == [h.to_dict() for h in result.hits]
    assert [r.run_id for r in list_runs()] == [result.run_id]
    assert load_run().run_id == result.run_id


def test_parameters_change_the_result_and_are_recorded(warehouse: MakeWarehouse) -> None:
    warehouse("P01")
    result = run_models(only=["P01"], params=parse_param_options(["P01.grace_days=100"]))
    assert result.hits == []
    assert result.record("P01").params == {"grace_days": 100}  # type: ignore[union-attr]


def test_a_model_whose_register_is_missing_is_skipped_while_the_others_run(
    warehouse: MakeWarehouse,
) -> None:
    warehouse("P01", skip=("payroll",))
    result = run_models(only=["P01", "P03", "P06"])
    status = {m.model_id: (m.status, m.reason) for m in result.models}
    assert status["P01"] == ("ok", "")
    assert status["P03"][0] == "skipped" and "payroll" in status["P03"][1]
    assert status["P06"][0] == "skipped" and "payroll" in status["P06"][1]
    assert [h.subject_id for h in result.hits] == ["pay1"]


def test_a_failing_model_is_recorded_and_the_others_still_run(
    warehouse: MakeWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse("P01", "B04")
    import jiandu.analytics.catalogue.B04.query as b04

    def broken(t: Any, params: Any) -> Any:
        raise RuntimeError("division by zero in the query")

    monkeypatch.setattr(b04, "build", broken)
    result = run_models(only=["P01", "B04"])
    record = result.record("B04")
    assert record is not None and record.status == "failed"
    assert "division by zero" in record.reason
    assert result.record("P01").status == "ok" and not result.ok  # type: ignore[union-attr]


def _with_releases(path: Path, *model_ids: str) -> dict[str, dict[str, Any]]:
    """Add the releases of the first case of each OCDS model to the warehouse; their
    parameters."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE ocds_releases (ocid VARCHAR, release VARCHAR, source_file VARCHAR, "
        "line_no INTEGER)"
    )
    params = {}
    for model_id in model_ids:
        case = load_cases(get(model_id))[0]
        rows = case.tables["ocds_releases"]
        con.executemany(
            "INSERT INTO ocds_releases VALUES (?, ?, ?, ?)",
            [(r["ocid"], r["release"], r["source_file"], r["line_no"]) for r in rows],
        )
        params[model_id] = dict(case.params)
    con.close()
    return params


def test_indicators_sharing_a_batch_are_computed_in_one_pass(
    warehouse: MakeWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = _with_releases(warehouse("P01"), "R003", "R035")
    calls: list[list[str]] = []
    real = catalogue.batch

    def counted(con: Any, wanted: Any) -> Any:
        calls.append(sorted(wanted))
        return real(con, wanted)

    monkeypatch.setattr(catalogue, "batch", counted)
    result = run_models(only=["P01", "R003", "R035"], params=params)
    assert calls == [["R003", "R035"]]
    assert all(m.status == "ok" for m in result.models)
    con = duckdb.connect(result.warehouse, read_only=True)
    for code in ("R003", "R035"):
        alone = catalogue.hits(con, code, result.record(code).params)  # type: ignore[union-attr]
        assert alone and [h for h in result.hits if h.model_id == code] == alone
    con.close()
    shares = [result.record(c).seconds for c in ("R003", "R035")]  # type: ignore[union-attr]
    assert shares[0] == shares[1] > 0


def test_a_failing_batch_fails_its_models_and_the_others_still_run(
    warehouse: MakeWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = _with_releases(warehouse("P01"), "R003", "R035")

    def broken(con: Any, wanted: Any) -> Any:
        raise RuntimeError("releases unreadable")

    monkeypatch.setattr(catalogue, "batch", broken)
    result = run_models(only=["P01", "R003", "R035"], params=params)
    for code in ("R003", "R035"):
        record = result.record(code)
        assert record is not None and record.status == "failed"
        assert record.reason == "RuntimeError: releases unreadable"
    assert result.record("P01").status == "ok"  # type: ignore[union-attr]
    assert [h.model_id for h in result.hits] == ["P01"]


def test_an_interrupted_run_leaves_earlier_runs_intact(warehouse: MakeWarehouse) -> None:
    warehouse("P01")
    first = run_models(only=["P01"])

    def interrupt(done: int, total: int, model_id: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_models(only=["P01"], progress=interrupt)
    assert [r.run_id for r in list_runs()] == [first.run_id]
    assert load_run(first.run_id).hits[0].subject_id == "pay1"
    runs = first.path.parent  # type: ignore[union-attr]
    assert [p.name for p in runs.iterdir()] == [first.run_id]


def test_unknown_model_and_malformed_parameters_are_named(warehouse: MakeWarehouse) -> None:
    warehouse("P01")
    with pytest.raises(CatalogueError, match="unknown model 'P99'"):
        run_models(only=["P99"])
    with pytest.raises(CatalogueError, match=r"P01\.grace_days: expected a whole number"):
        run_models(only=["P01"], params={"P01": {"grace_days": "soon"}})
    with pytest.raises(CatalogueError, match="P01 has no parameter 'grace'"):
        run_models(only=["P01"], params={"P01": {"grace": "3"}})
    with pytest.raises(CatalogueError, match=r"expected ID\.name=value"):
        parse_param_options(["grace_days=3"])
    with pytest.raises(CatalogueError, match="not being run"):
        run_models(only=["P01"], params={"B04": {"min_amount": "5"}})
    with pytest.raises(EngineError, match="unknown engine"):
        run_models(engine="hadoop")
    assert list_runs() == []


def test_no_warehouse_or_an_empty_one_is_a_clear_error(data_dir: Path) -> None:
    with pytest.raises(EngineError, match="no warehouse at"):
        run_models()
    duckdb.connect(str(data_dir / "warehouse.duckdb")).close()
    with pytest.raises(EngineError, match="is empty"):
        run_models()
    assert list_runs() == []


def test_load_run_names_a_missing_run(data_dir: Path) -> None:
    with pytest.raises(LookupError, match="no model run is stored"):
        load_run()
    with pytest.raises(LookupError, match="no model run 'nope'"):
        load_run("nope")


@pytest.mark.spark
def test_the_spark_engine_returns_the_same_hits(
    warehouse: MakeWarehouse, spark_session: Any
) -> None:
    warehouse("P01", "B04", "E04")
    only = ["P01", "B04", "E04", "P03"]
    on_duckdb = run_models(only=only)
    on_spark = run_models(only=only, engine="spark")
    assert on_spark.engine == "spark"
    assert [h.to_dict() for h in on_spark.hits] == [h.to_dict() for h in on_duckdb.hits]
    assert sorted(h.subject_id for h in on_spark.hits) == ["f1", "f2", "f3", "k1", "pay1"]
