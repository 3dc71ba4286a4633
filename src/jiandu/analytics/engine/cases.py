"""Running a model's cases on DuckDB or on Spark (over the case exported as Parquet)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import ibis

from jiandu.analytics.catalogue import ModelSpec
from jiandu.analytics.catalogue.cases import Case, case_warehouse
from jiandu.analytics.hits import Hit

from . import spark as spark_engine
from . import tables_of as case_tables
from .execute import run_ibis_model, run_python_model


def run_case(spec: ModelSpec, case: Case, engine: str = "duckdb") -> list[Hit]:
    """The hits `spec` finds on the case's tables with the case's parameters."""
    params = spec.resolve_params(case.params)
    con = case_warehouse(case)
    try:
        if spec.implementation == "python":
            return run_python_model(spec, con, params)
        if engine == "duckdb":
            return run_ibis_model(spec, ibis.duckdb.from_connection(con), params)
        with tempfile.TemporaryDirectory(prefix="jiandu-case-") as tmp:
            files = spark_engine.export(con, list(case_tables(con)), Path(tmp))
            return run_ibis_model(spec, spark_engine.backend(files), params)
    finally:
        con.close()
