"""The Spark leg: the same Ibis expressions on PySpark over the warehouse exported as
Parquet.

Local mode by default (`local[*]`). To use a cluster, set

- `JIANDU_SPARK_MASTER` to the cluster's master URL (`spark://host:7077`, `yarn`,
  `k8s://https://...`);
- `JIANDU_SPARK_PARQUET_DIR` to a directory every executor can read (HDFS, S3 or a shared
  mount), where the warehouse tables are exported;
- `JIANDU_SPARK_CONF` to extra settings, `key=value` separated by `;`
  (e.g. `spark.executor.memory=8g;spark.executor.cores=4`).

`SPARK_LOCAL_IP` defaults to 127.0.0.1 so local mode works on machines without a
resolvable host name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from jiandu.analytics.warehouse import data_dir

_session: Any = None


def available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def session() -> Any:
    """The shared SparkSession of this process (created on first use)."""
    global _session
    if _session is not None and _session.sparkContext._jsc is not None:
        return _session
    if not available():
        raise RuntimeError(
            "the spark engine needs PySpark: install jiandu with the `spark` extra "
            "(uv sync --extra spark) and a Java 17 runtime"
        )
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("jiandu-models")
        .master(os.environ.get("JIANDU_SPARK_MASTER", "local[*]"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("JIANDU_SPARK_PARTITIONS", "8"))
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .config("spark.sql.warehouse.dir", str(data_dir() / "spark" / "sql-warehouse"))
    )
    for item in os.environ.get("JIANDU_SPARK_CONF", "").split(";"):
        if "=" in item:
            key, _, value = item.partition("=")
            builder = builder.config(key.strip(), value.strip())
    _session = builder.getOrCreate()
    _session.sparkContext.setLogLevel("ERROR")
    return _session


def parquet_dir(manifest_hash: str) -> Path:
    base = os.environ.get("JIANDU_SPARK_PARQUET_DIR")
    root = Path(base) if base else data_dir() / "spark"
    return root / (manifest_hash[:16] or "unversioned")


def export(con: duckdb.DuckDBPyConnection, tables: Iterable[str], target: Path) -> dict[str, Path]:
    """Write each table to `target/<table>.parquet` (kept when already written for the
    same warehouse manifest)."""
    target.mkdir(parents=True, exist_ok=True)
    files = {}
    for name in tables:
        path = target / f"{name}.parquet"
        if not path.exists():
            tmp = target / f".{name}.parquet.tmp"
            con.table(name).write_parquet(str(tmp))
            tmp.rename(path)
        files[name] = path
    return files


def backend(files: dict[str, Path]) -> Any:
    """An Ibis PySpark backend with each Parquet file registered as a view."""
    import ibis

    con = ibis.pyspark.connect(session())
    for name, path in files.items():
        con.read_parquet(str(path), table_name=name)
    return con
