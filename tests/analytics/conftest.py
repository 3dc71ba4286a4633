"""Fixtures of the analytics tests: warehouses built from case tables, and one shared
local SparkSession for the tests marked `spark`."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from jiandu.analytics.catalogue import get
from jiandu.analytics.catalogue._schema import REGISTERS
from jiandu.analytics.catalogue.cases import arrow_table, load_cases


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs on PySpark local mode (skipped without it)")


def case_tables(*model_ids: str) -> dict[str, list[dict[str, Any]]]:
    """The tables of the first case of each model, merged (their ids must not clash)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model_id in model_ids:
        for name, rows in load_cases(get(model_id))[0].tables.items():
            tables.setdefault(name, []).extend(rows)
    return tables


def write_warehouse(
    path: Path, tables: dict[str, list[dict[str, Any]]], *, skip: tuple[str, ...] = ()
) -> Path:
    """A warehouse file with every register (those in `skip` left out) and a manifest."""
    con = duckdb.connect(str(path))
    for register in REGISTERS:
        if register in skip:
            continue
        con.from_arrow(arrow_table(register, tables.get(register, []))).create(register)
    con.execute(
        "CREATE TABLE _manifest (register VARCHAR, file VARCHAR, sha256 VARCHAR, rows BIGINT,"
        " loaded_at TIMESTAMP)"
    )
    con.executemany(
        "INSERT INTO _manifest VALUES (?, ?, ?, ?, ?)",
        [
            (name, f"{name}.csv", f"hash-{name}", len(rows), dt.datetime(2026, 1, 1))
            for name, rows in tables.items()
        ],
    )
    con.close()
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def warehouse(data_dir: Path) -> Callable[..., Path]:
    def make(*model_ids: str, skip: tuple[str, ...] = ()) -> Path:
        return write_warehouse(data_dir / "warehouse.duckdb", case_tables(*model_ids), skip=skip)

    return make


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    from jiandu.analytics.engine import spark

    if not spark.available():
        # CI sets JIANDU_REQUIRE_SPARK=1: the Spark leg of the cases must run there.
        if os.environ.get("JIANDU_REQUIRE_SPARK") == "1":
            pytest.fail("PySpark is not importable and JIANDU_REQUIRE_SPARK=1")
        pytest.skip("PySpark is not installed (extra `spark`)")

    session = spark.session()
    # py4j logs while the interpreter shuts down, after pytest closed its streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    yield session
    session.stop()


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """The loader tests' register directory (tests/analytics/registers_world.py)."""
    from tests.analytics.registers_world import write_world

    return write_world(tmp_path / "world")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Where a loader test's warehouse goes."""
    return tmp_path / "warehouse.duckdb"
