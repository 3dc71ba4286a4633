"""Where the warehouse lives and how to open it.

The warehouse is one DuckDB file, `$JIANDU_DATA_DIR/warehouse.duckdb` (`var/` when the
variable is unset, as for the workflow database). Its layout is the contract between the
loaders and the models:

- one table per register of REGISTERS.md section 1, named after it, with every listed
  column present (absent optional columns are NULL), dates as DATE, timestamps as
  TIMESTAMP, amounts and shares as DOUBLE, `is_leading_cadre` as BOOLEAN, ids as VARCHAR;
- identity resolution adds `persons.entity_id`, `organizations.entity_id`,
  `family.relative_entity_id` and `payments.beneficiary_entity_id`: the id of the
  canonical record (the smallest id of the resolved group), so a model that reports a
  person reports a real record id;
- OCDS compiled releases are kept as `ocds_releases` (one JSON text per release) and
  flattened into `ocds_*` tables;
- `_manifest` records each loaded register's file, hash, row count and load time.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

FILE_NAME = "warehouse.duckdb"


def data_dir() -> Path:
    return Path(os.environ.get("JIANDU_DATA_DIR") or "var").resolve()


def default_path() -> Path:
    return data_dir() / FILE_NAME


def connect(
    path: Path | str | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (created when missing and not read-only)."""
    target = Path(path) if path is not None else default_path()
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(target), read_only=read_only)
