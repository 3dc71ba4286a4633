"""Running a model's cases on DuckDB or on Spark (the case's tables handed to Spark as
Arrow data; registers the case leaves empty read as empty tables)."""

from __future__ import annotations

from typing import Any

import ibis

from jiandu.analytics.catalogue import ModelSpec
from jiandu.analytics.catalogue.cases import Case, case_warehouse
from jiandu.analytics.hits import Hit

from . import spark as spark_engine
from . import tables_of
from .execute import run_ibis_model, run_python_model


def _spark_backend(con: Any, case: Case, spec: ModelSpec) -> Any:
    session = spark_engine.session()
    backend = ibis.pyspark.connect(session)
    for name in sorted(tables_of(con)):
        if name not in case.tables and name not in spec.registers:
            session.catalog.dropTempView(name)  # left by an earlier case
            continue
        data = con.table(name).to_arrow_table()
        session.createDataFrame(data).createOrReplaceTempView(name)
    return backend


def run_case(spec: ModelSpec, case: Case, engine: str = "duckdb") -> list[Hit]:
    """The hits `spec` finds on the case's tables with the case's parameters."""
    params = spec.resolve_params(case.params)
    con = case_warehouse(case)
    try:
        if spec.implementation == "python":
            return run_python_model(spec, con, params)
        if engine == "duckdb":
            return run_ibis_model(spec, ibis.duckdb.from_connection(con), params)
        return run_ibis_model(spec, _spark_backend(con, case, spec), params)
    finally:
        con.close()
